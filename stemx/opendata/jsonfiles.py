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
from typing import Any, TextIO

from ..model import Register
from . import nested
from .tables import Table

# One encoder for every record: json.dumps with options builds a new one per call.
_encode = json.JSONEncoder(ensure_ascii=False).encode


def _value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def write_records(path: Path, records: Iterable[dict[str, Any]]) -> None:
    """A JSON array with one record per line: small diffs between releases, easy to stream."""
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write("[")
        for i, record in enumerate(records):
            f.write(("," if i else "") + "\n" + _encode(record))
        f.write("\n]\n")


class RecordWriter:
    """A JSON array of records written one at a time (see write_records for the layout)."""

    def __init__(self, f: TextIO, table: Table) -> None:
        self.f, self.names, self.first = f, [c.name for c in table.columns], True
        f.write("[")

    def __call__(self, row: tuple[Any, ...]) -> None:
        record = {n: _value(v) for n, v in zip(self.names, row, strict=True)}
        self.f.write(("\n" if self.first else ",\n") + _encode(record))
        self.first = False

    def close(self) -> None:
        self.f.write("\n]\n")


def write_nested_json(register: Register, folder: Path) -> list[str]:
    write_records(folder / "employers.json", (nested.employer(e) for e in register.employers.values()))
    write_records(
        folder / "opportunities.json", (nested.opportunity(o, register) for o in register.opportunities.values())
    )
    return ["employers.json", "opportunities.json"]
