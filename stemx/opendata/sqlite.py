"""One SQLite database with the same tables, primary keys, foreign keys and indexes as the CSV.

Rows are streamed in, an entry's at a time, inside one transaction and indexes are built after
the inserts, which keeps a 600,000-opportunity register fast and memory-bounded. Foreign
keys are checked once at the end (PRAGMA foreign_key_check) rather than row by row.
A clean build deletes nothing, so the file has no free pages and needs no VACUUM; the same
rows inserted in the same order give the same bytes. A rebuild that changes a few entries
patches a copy of the published file instead (splice.py), with SQLite enforcing the foreign keys
of the rows it changes. The employers and opportunities get a
full-text index each, which Datasette uses for its search box.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .tables import Table

BATCH = 5000  # rows of one table gathered before they are inserted (a clean build)
_SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "date": "TEXT"}


def datasette_metadata(tables: Iterable[Table], title: str, licence: dict[str, str]) -> dict[str, Any]:
    """Metadata for `datasette stem-exchange.sqlite -m datasette-metadata.json`: code columns
    shown with their labels (each code list's label column), the title and the licence."""
    code_lists = {t.name: {"label_column": "label"} for t in tables if t.entity is None}
    return {
        "title": title,
        "license": licence["title"],
        "license_url": licence["path"],
        "databases": {"stem-exchange": {"tables": code_lists}},
    }


def copy_ahead(source: Path, target: Path) -> Callable[[], None]:
    """Start copying `source` to `target` in a thread; returns what waits for the copy (and
    raises what it raised). The copy is the kernel's (sendfile), without the interpreter's
    lock: a one-file rebuild at 10,000 employers copies the 280 MB file in 0.2-0.3 s while this
    process finds the entries that changed, on the core the pages process leaves idle."""
    failed: list[BaseException] = []

    def copy() -> None:
        try:
            target.unlink(missing_ok=True)
            shutil.copyfile(source, target)
        except BaseException as error:  # raised by the wait, in the stage
            failed.append(error)

    thread = threading.Thread(target=copy, name="copy-ahead", daemon=True)
    thread.start()

    def wait() -> None:
        thread.join()
        if failed:
            raise failed[0]

    return wait


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


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


class Database:
    """The SQLite file being written: tables created up front, rows streamed in, indexes and
    the foreign-key check at the end. Or, given the published file (`old`), a copy of it patched:
    an entry's rows removed and its new rows inserted, the full-text indexes kept up with them
    (the same rows as a clean build's file, in other pages)."""

    def __init__(
        self,
        path: Path,
        tables: Iterable[Table],
        types: dict[str, list[str]],
        old: Path | None = None,
        copied: Callable[[], None] | None = None,
    ) -> None:
        """`copied`: waits for `old`, being copied to `path` already (copy_ahead)."""
        self.tables = list(tables)
        self.patching = old is not None
        if copied is not None:
            copied()
        else:
            path.unlink(missing_ok=True)
            if old is not None:
                shutil.copyfile(old, path)
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode = OFF")  # one writer, a fresh file: no journal needed
        self.db.execute("PRAGMA synchronous = OFF")  # the build swaps the folder in only when complete
        if self.patching:
            # A patch's rows are checked as they change, the violations counted until COMMIT:
            # checking every row after a patch took 0.3 s at 10,000 employers.
            self.db.execute("PRAGMA foreign_keys = ON")
        self.db.execute("BEGIN")
        self.db.execute("PRAGMA defer_foreign_keys = ON")
        if old is None:
            # Parents before the tables that refer to them (code lists first), so the schema reads naturally.
            for table in [t for t in self.tables if not t.foreign_keys] + [t for t in self.tables if t.foreign_keys]:
                self.db.execute(create_table_sql(table, types[table.name]))
        self._pending: dict[str, list[tuple[Any, ...]]] = {}  # a clean build's rows not yet inserted
        self._inserts = {
            t.name: f"INSERT INTO {_q(t.name)} VALUES ({', '.join('?' * len(t.columns))})" for t in self.tables
        }

    def insert(self, table: Table, rows: list[tuple[Any, ...]]) -> None:
        """Insert rows whose dates are already ISO text (an entry's rows at a time). A clean
        build gathers them per table and inserts BATCH at a time: one call per entry and table
        cost more than the inserts (210,000 calls at 10,000 employers)."""
        if not self.patching:
            pending = self._pending.setdefault(table.name, [])
            pending += rows
            if len(pending) >= BATCH:
                self._insert_pending()
            return
        self.db.executemany(self._inserts[table.name], rows)
        if table.searchable:  # a clean build indexes every row at the end
            self._index(table, "", rows[0][0])

    def _insert_pending(self) -> None:
        for name, rows in self._pending.items():
            self.db.executemany(self._inserts[name], rows)
        self._pending = {}

    def remove(self, table: Table, entry_id: str) -> None:
        """Patching: delete an entry's rows (its id is each entity table's first column)."""
        if table.searchable:
            self._index(table, "'delete', ", entry_id)
        self.db.execute(f"DELETE FROM {_q(table.name)} WHERE {_q(table.columns[0].name)} = ?", (entry_id,))

    def _index(self, table: Table, command: str, entry_id: str) -> None:
        """Add an entry's row to the table's full-text index, or (command 'delete') take it out:
        an external-content index forgets a row given the values it holds."""
        fts, columns = _q(f"{table.name}_fts"), ", ".join(_q(c) for c in table.searchable)
        self.db.execute(
            f"INSERT INTO {fts} ({fts + ', ' if command else ''}rowid, {columns})"
            f" SELECT {command}rowid, {columns} FROM {_q(table.name)} WHERE {_q(table.columns[0].name)} = ?",
            (entry_id,),
        )

    def finish(self) -> None:
        try:
            self._insert_pending()
            for table in self.tables if not self.patching else ():
                for column in table.indexes:
                    self.db.execute(f"CREATE INDEX {_q(f'{table.name}_{column}')} ON {_q(table.name)} ({_q(column)})")
                if table.searchable:
                    self._full_text(table)
            with contextlib.suppress(sqlite3.IntegrityError):  # patching: a changed row's key does not resolve
                self.db.execute("COMMIT")
            failed = self.db.in_transaction  # still open: the check below names the rows
            if failed or not self.patching:
                broken = self.db.execute("PRAGMA foreign_key_check").fetchmany(5)  # every row
                if broken or failed:
                    raise ValueError(f"open data: foreign keys do not resolve: {broken}")
        finally:
            self.db.close()

    def _full_text(self, table: Table) -> None:
        """A full-text index over the table's text, in the form Datasette detects (an external-
        content FTS5 table named <table>_fts with content="<table>"), so ?_search= works."""
        fts = _q(f"{table.name}_fts")
        columns = ", ".join(_q(c) for c in table.searchable)
        self.db.execute(
            f'CREATE VIRTUAL TABLE {fts} USING fts5({columns}, content="{table.name}", tokenize="porter unicode61")'
        )
        self.db.execute(f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')")

    def close(self) -> None:
        self.db.close()
