"""The documentation stays true: the CONTRIBUTING examples validate, every schema field is described,
every command is in the README."""

import re
from pathlib import Path

from stemx.cli import COMMANDS
from stemx.content import EntryFile, check_file
from stemx.schemas import load_schema
from tests.conftest import ROOT, TODAY


def test_contributing_examples_are_valid(tmp_path: Path) -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8"), re.S)
    examples = [b for b in blocks if b.startswith("id:")]
    assert len(examples) == 2
    for kind, text in zip(("employer", "opportunity"), examples, strict=True):
        entry_id = re.match(r"id: (\S+)", text).group(1)
        path = tmp_path / f"{entry_id}.yaml"
        path.write_text(text, encoding="utf-8")
        checked = check_file(EntryFile.at(kind, path, path.name), "northfield-robotics".__eq__, TODAY)
        assert [str(p) for p in checked.problems] == [], kind


def test_every_schema_property_has_a_title_and_description() -> None:
    common = load_schema("common")["$defs"]

    def described(prop: dict) -> dict:
        """A property's own title and description, else those of the definition it refers to."""
        target = common[prop["$ref"].rsplit("/", 1)[1]] if "$ref" in prop else {}
        return {**target, **{k: v for k, v in prop.items() if k in ("title", "description")}}

    def walk(node: dict, where: str) -> None:
        for name, prop in node.get("properties", {}).items():
            meta = described(prop)
            assert meta.get("title") and meta.get("description"), f"{where}.{name}"
            walk(prop, f"{where}.{name}")
            if "items" in prop:
                walk(prop["items"], f"{where}.{name}[]")

    for name in ("employer", "opportunity"):
        walk(load_schema(name), name)
    for name, definition in load_schema("common")["$defs"].items():
        assert definition.get("title") and definition.get("description"), name
        walk(definition, name)


def test_every_command_is_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        assert f"build.py {command}" in readme, command
