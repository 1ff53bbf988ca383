"""Each column's header and value come from one declaration: every column taken straight from
an entry's field holds that field's value, for every entry of the sample content."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from stemx.opendata.tables import TABLES
from tests.conftest import ROOT

FOLDERS = {"employer": "employers", "opportunity": "opportunities"}


def _at(entry: dict[str, Any], dotted: str) -> Any:
    value: Any = entry
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value.isoformat() if isinstance(value, date) else value


def test_every_column_from_a_field_holds_that_fields_value(built_site: Path) -> None:
    checked = 0
    for table in TABLES:
        if table.entity is None or table.parts is not None:
            continue  # tables of parts: their fields are lists, checked below by count
        records = json.loads((built_site / "data" / "json" / f"{table.name}.json").read_text(encoding="utf-8"))
        by_id = {r["id"]: r for r in records}
        for path in sorted((ROOT / "content" / FOLDERS[table.entity]).glob("*.yaml")):
            entry = yaml.safe_load(path.read_text(encoding="utf-8"))
            record = by_id[entry["id"]]
            for column in table.columns:
                entity, _, field = (column.source or "").partition(":")
                if entity != table.entity or field.startswith("contact.") and field != "contact.publish":
                    continue  # derived, shared (common:) or withheld unless published
                expected = _at(entry, field)
                if field == "availability.kind" or expected is None and column.name in ("description",):
                    continue
                assert record[column.name] == expected, (path.name, column.name)
                checked += 1
    assert checked > 1000  # every entry, every such column


def test_tables_of_parts_have_a_row_per_part(built_site: Path) -> None:
    lists = {"employer_locations": "locations", "opportunity_requirements": "requirements"}
    for table, field in lists.items():
        records = json.loads((built_site / "data" / "json" / f"{table}.json").read_text(encoding="utf-8"))
        entity = "employer" if table.startswith("employer") else "opportunity"
        key = f"{entity}_id"
        for path in (ROOT / "content" / FOLDERS[entity]).glob("*.yaml"):
            entry = yaml.safe_load(path.read_text(encoding="utf-8"))
            rows = [r for r in records if r[key] == entry["id"]]
            assert [r["position"] for r in rows] == list(range(1, len(entry.get(field) or []) + 1))
