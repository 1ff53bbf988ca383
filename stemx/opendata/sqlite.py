"""One SQLite database with the same tables, primary keys, foreign keys and indexes as the CSV.

Rows are streamed in with executemany inside one transaction and indexes are built after
the inserts, which keeps a 600,000-opportunity register fast and memory-bounded. Foreign
keys are checked once at the end (PRAGMA foreign_key_check) rather than row by row.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from ..model import Register
from .tables import TABLES, Table

_SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "date": "TEXT"}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def create_table_sql(table: Table, types: list[str]) -> str:
    columns = [
        f"{_q(c.name)} {_SQL_TYPES[t]}{' NOT NULL' if c.required else ''}"
        for c, t in zip(table.columns, types, strict=True)
    ]
    columns.append(f"PRIMARY KEY ({', '.join(_q(k) for k in table.primary_key)})")
    columns += [
        f"FOREIGN KEY ({_q(col)}) REFERENCES {_q(ref)} ({_q(refcol)})" for col, ref, refcol in table.foreign_keys
    ]
    return f"CREATE TABLE {_q(table.name)} (\n  " + ",\n  ".join(columns) + "\n)"


def write_sqlite(register: Register, path: Path, types: dict[str, list[str]], tables: Iterable[Table] = TABLES) -> None:
    if path.exists():
        path.unlink()
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode = OFF")  # one writer, a fresh file: no journal needed
        db.execute("PRAGMA synchronous = OFF")  # the build swaps the folder in only when complete
        db.execute("BEGIN")
        # Parents before the tables that refer to them (code lists first), so the file reads naturally.
        ordered = [t for t in tables if not t.foreign_keys] + [t for t in tables if t.foreign_keys]
        for table in ordered:
            db.execute(create_table_sql(table, types[table.name]))
        for table in ordered:
            marks = ", ".join("?" * len(table.columns))
            rows = ([_value(v) for v in row] for row in table.rows(register))
            db.executemany(f"INSERT INTO {_q(table.name)} VALUES ({marks})", rows)
        for table in ordered:
            for column in table.indexes:
                db.execute(f"CREATE INDEX {_q(f'{table.name}_{column}')} ON {_q(table.name)} ({_q(column)})")
        db.execute("COMMIT")
        broken = db.execute("PRAGMA foreign_key_check").fetchmany(5)
        if broken:
            raise ValueError(f"open data: foreign keys do not resolve: {broken}")
        db.execute("VACUUM")  # compact, and the same bytes for the same data
    finally:
        db.close()
