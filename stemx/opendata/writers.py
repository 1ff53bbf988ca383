"""Write the tables as CSV (spreadsheet-safe), JSON and SQLite, streaming rows.

CSV cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or
carriage return) get a leading apostrophe, which spreadsheets show as text; JSON and
SQLite carry every value exactly. The data page documents the rule.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from ..model import Register
from .tables import TABLES, Table

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}" if value.is_integer() else repr(value)
    text = value.isoformat() if isinstance(value, date) else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def write_csv(table: Table, register: Register, path: Path) -> int:
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")  # RFC 4180
        writer.writerow([c.name for c in table.columns])
        for row in table.rows(register):
            writer.writerow([csv_cell(v) for v in row])
            rows += 1
    return rows


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def write_json(table: Table, register: Register, path: Path) -> None:
    """A JSON array of records, written one record at a time."""
    names = [c.name for c in table.columns]
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write("[")
        for i, row in enumerate(table.rows(register)):
            record = {n: _json_value(v) for n, v in zip(names, row, strict=True)}
            f.write(("," if i else "") + "\n" + json.dumps(record, ensure_ascii=False, sort_keys=False))
        f.write("\n]\n")


_SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "date": "TEXT"}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def write_sqlite(register: Register, path: Path, types: dict[str, list[str]], tables: Iterable[Table] = TABLES) -> None:
    """One database with the same tables, keys, foreign keys and indexes as the CSV files."""
    if path.exists():
        path.unlink()
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA journal_mode = OFF")  # one writer, a fresh file: no journal needed
        # Parents before the tables that refer to them: code lists, then TABLES' own order.
        ordered = [t for t in tables if not t.foreign_keys] + [t for t in tables if t.foreign_keys]
        for table in ordered:
            columns = [
                f"{_q(c.name)} {_SQL_TYPES[t]}{' NOT NULL' if c.required else ''}"
                for c, t in zip(table.columns, types[table.name], strict=True)
            ]
            columns.append(f"PRIMARY KEY ({', '.join(_q(k) for k in table.primary_key)})")
            columns += [
                f"FOREIGN KEY ({_q(col)}) REFERENCES {_q(ref)} ({_q(refcol)})"
                for col, ref, refcol in table.foreign_keys
            ]
            db.execute(f"CREATE TABLE {_q(table.name)} ({', '.join(columns)})")
        for table in ordered:
            marks = ", ".join("?" * len(table.columns))
            rows = ([_json_value(v) for v in row] for row in table.rows(register))
            db.executemany(f"INSERT INTO {_q(table.name)} VALUES ({marks})", rows)
            for column in table.indexes:
                db.execute(f"CREATE INDEX {_q(f'{table.name}_{column}')} ON {_q(table.name)} ({_q(column)})")
        db.commit()
        db.execute("VACUUM")  # compact, and the same bytes for the same data
    finally:
        db.close()
