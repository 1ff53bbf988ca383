"""The guide's examples are real entries: copied as they are, they pass validation."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from stemx.content import validate_content
from tests.conftest import ROOT, TODAY

GUIDE = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```yaml\n(.*?)```", GUIDE, re.S)


def test_each_example_entry_passes_validation(tmp_path: Path) -> None:
    entries = [b for b in BLOCKS if b.startswith("id: ")]
    assert len(entries) == 2
    for text in entries:
        data = yaml.safe_load(text)
        folder = tmp_path / ("opportunities" if "employer" in data else "employers")
        folder.mkdir(exist_ok=True)
        (folder / f"{data['id']}.yaml").write_text(text, encoding="utf-8")
    result = validate_content(tmp_path, TODAY)
    assert (result.files, [str(p) for p in result.problems]) == (2, [])


def test_the_snippets_are_valid_parts_of_an_opportunity(tmp_path: Path) -> None:
    opportunity = next(b for b in BLOCKS if b.startswith("id: ") and "employer:" in b)
    employer = next(b for b in BLOCKS if b.startswith("id: ") and "employer:" not in b)
    (tmp_path / "employers").mkdir()
    (tmp_path / "employers" / "northfield-robotics.yaml").write_text(employer, encoding="utf-8")
    (tmp_path / "opportunities").mkdir()
    for snippet in (b for b in BLOCKS if not b.startswith("id: ")):
        data = yaml.safe_load(opportunity) | yaml.safe_load(snippet)
        path = tmp_path / "opportunities" / f"{data['id']}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        result = validate_content(tmp_path, TODAY)
        assert [str(p) for p in result.problems] == [], snippet
