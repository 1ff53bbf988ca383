"""JSON downloads, written one record at a time.

- json/<table>.json: every table as an array of records with typed values (numbers,
  booleans, null), exactly as in the SQLite database and without spreadsheet escaping.
- employers.json, opportunities.json: each entry in the nested form of its YAML file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from ..model import Register
from . import nested
from .tables import Table


def _value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def write_records(path: Path, records: Iterable[dict[str, Any]]) -> None:
    """A JSON array with one record per line: small diffs between releases, easy to stream."""
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write("[")
        for i, record in enumerate(records):
            f.write(("," if i else "") + "\n" + json.dumps(record, ensure_ascii=False))
        f.write("\n]\n")


def write_table_json(table: Table, register: Register, path: Path) -> None:
    names = [c.name for c in table.columns]
    write_records(path, ({n: _value(v) for n, v in zip(names, row, strict=True)} for row in table.rows(register)))


def write_nested_json(register: Register, folder: Path) -> list[str]:
    write_records(folder / "employers.json", (nested.employer(e) for e in register.employers.values()))
    write_records(
        folder / "opportunities.json", (nested.opportunity(o, register) for o in register.opportunities.values())
    )
    return ["employers.json", "opportunities.json"]
