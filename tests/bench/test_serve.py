"""The serve timing (bench/serve.py) on the sample content: two saved titles, each timed to
the served page and to the whole build after it; the table shows them without memory."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

from bench import serve
from bench.run import table
from tests.conftest import ROOT, TODAY


def test_saved_edits_are_timed_to_the_page_and_to_the_whole_build(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    file = content / "opportunities" / "aire-valley-messy-data-cpd.yaml"
    original = file.read_text()

    def change() -> None:
        text = file.read_text()
        changed = re.sub(r'^title: "', 'title: "Changed ', text, count=1, flags=re.M)
        file.write_text(changed if text == original else original)

    cmd = [sys.executable, "build.py", "serve", "--content", str(content), "--out", str(tmp_path / "site")]
    cmd += ["--cache-dir", str(tmp_path / "cache"), "--today", TODAY.isoformat()]
    results = serve.run(cmd, ROOT, file, "opportunities/aire-valley-messy-data-cpd/", change, repeat=2, timeout=180)
    page, whole = results["edit to page"], results["edit to whole build"]
    assert len(page["runs"]) == 2 and all(0 < s < 10 for s in page["runs"])
    assert all(w > p for w, p in zip(whole["runs"], page["runs"], strict=True))
    text = table({"employers": 32, "opportunities": 84, "pages": 1, "repeat": 2, "results": results})
    assert re.search(r"edit to page\s+\d+\.\d\d\s", text)
