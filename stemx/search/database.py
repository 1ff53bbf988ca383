"""The search databases: one SQLite full-text database per sort order, and the result cards.

The browser reads these files in pieces (see static/search-worker.js), so their layout is
chosen for reading little of them:

- Each sort order is its own database (built side by side, one per core), holding one
  contentless FTS5 table whose rowid *is* the order:
  (group << 44) | (day << 24) | card. `ORDER BY rowid LIMIT 20` then stops after the first
  twenty matches instead of reading every match, and "show open" (group 0) is a prefix of
  every order. A result's card number is the low 24 bits.
- `detail=column` keeps which column matched (best match ranks title matches first) without
  word positions; `columnsize=0` drops the per-row sizes only bm25 ranking would read.
- Cards are numbered in closing-date order and written as JSON files of CARDS_PER_FILE, so the
  first results of a broad search sit in one or two files, fetched in parallel.

Records are staged in a temporary database first: numbering and sorting 600,000 records is
then SQLite's work, on disk, in bounded memory.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .records import NO_DAY, Record

# Each order: its name -> the day it sorts by within a group (newest first: days counted down).
ORDERS = {"closes": "closes", "date": "date", "newest": f"{NO_DAY} - published"}
# The default order also ranks "best match" (title matches first), so it keeps which column
# matched; the other orders need only whether a record matches, in half the bytes.
RANKED = "closes"
PAGE_SIZE = 4096
CARDS_PER_FILE = 16
TOKENIZER = "porter unicode61 tokenchars '_'"
GROUP_SHIFT, DAY_SHIFT = 44, 24
MAX_CARDS = 1 << DAY_SHIFT
_OPTIONS = f"content='', columnsize=0, tokenize=\"{TOKENIZER}\""
_FTS = {
    True: (f"fts5(strong, body, facets, detail=column, {_OPTIONS})", "strong, body, facets"),
    False: (f"fts5(text, detail=none, {_OPTIONS})", "strong || ' ' || body || ' ' || facets"),
}


class Staging:
    """Records staged in a temporary database, then written out as the search databases.

    A context manager: the temporary folder and everything in it go when it closes."""

    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="stemx-search-")
        self.folder = Path(self._tmp.name)
        self.db = sqlite3.connect(self.folder / "staged.sqlite", isolation_level=None)
        self.count = 0

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        self.db.close()
        self._tmp.cleanup()

    def add(self, records: Iterable[Record]) -> None:
        self.count = _stage(self.db, records)
        if self.count >= MAX_CARDS:
            raise ValueError(f"search: {self.count:,} records; the index numbers at most {MAX_CARDS - 1:,}")

    def write(self, folder: Path, cards_dir: Path) -> None:
        """A database per order in `folder` (<order>.sqlite) and the cards in `cards_dir`."""
        _write_cards(self.db, cards_dir)
        # Each order is SQLite's work from start to end, which runs without Python's lock: two
        # threads keep two cores busy.
        with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
            for done in [pool.submit(self._order, name, folder / f"{name}.sqlite") for name in ORDERS]:
                done.result()

    def _order(self, name: str, path: Path) -> None:
        path.unlink(missing_ok=True)
        raw = self.folder / f"{name}.unpacked.sqlite"
        db = sqlite3.connect(self.folder / "staged.sqlite", isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA temp_store = FILE")
            db.execute("ATTACH DATABASE ? AS search", (str(raw),))
            db.execute(f"PRAGMA search.page_size = {PAGE_SIZE}")
            db.execute("PRAGMA search.journal_mode = OFF")
            _fill(db, name, ORDERS[name])
            # A fresh copy: no pages freed by the merges, and the table's pages in b-tree order.
            db.execute("VACUUM search INTO ?", (str(path),))
            db.execute("DETACH DATABASE search")
        finally:
            db.close()
        raw.unlink()


def build_database(records: Iterable[Record], folder: Path, cards_dir: Path) -> int:
    """Write the databases to `folder` and the cards to `cards_dir`; return the number of records."""
    folder.mkdir(parents=True, exist_ok=True)
    with Staging() as staging:
        staging.add(records)
        staging.write(folder, cards_dir)
    return staging.count


def _stage(db: sqlite3.Connection, records: Iterable[Record]) -> int:
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA temp_store = FILE")  # sorts spill to disk rather than grow in memory
    db.execute("BEGIN")
    db.execute(
        "CREATE TABLE staged (n INTEGER PRIMARY KEY, grp INT, closes INT, date INT, published INT, url TEXT,"
        " strong TEXT, body TEXT, facets TEXT, json TEXT)"
    )
    count = 0
    for count, r in enumerate(records, 1):
        db.execute(
            "INSERT INTO staged VALUES (?,?,?,?,?,?,?,?,?,?)",
            (count, r.group, r.closes, r.date, r.published, r.card["url"], r.strong, r.body, r.facets,
             json.dumps(r.card, ensure_ascii=False, separators=(",", ":"))),
        )  # fmt: skip
    # Card numbers follow the closing-date order (the default), ties broken by address: stable.
    db.execute(
        "CREATE TABLE numbered AS SELECT n, row_number() OVER (ORDER BY grp, closes, url) - 1 AS card FROM staged"
    )
    db.execute("CREATE UNIQUE INDEX numbered_n ON numbered (n)")
    db.execute("COMMIT")
    return count


def _write_cards(db: sqlite3.Connection, cards_dir: Path) -> None:
    cards_dir.mkdir(parents=True, exist_ok=True)
    rows = db.execute("SELECT card, json FROM numbered JOIN staged USING (n) ORDER BY card")
    chunk: list[str] = []
    number = 0
    for number, card in rows:
        chunk.append(card)
        if len(chunk) == CARDS_PER_FILE:
            _write_chunk(cards_dir, number // CARDS_PER_FILE, chunk)
            chunk = []
    if chunk:
        _write_chunk(cards_dir, number // CARDS_PER_FILE, chunk)


def _write_chunk(cards_dir: Path, index: int, cards: list[str]) -> None:
    (cards_dir / f"{index}.json").write_text("[" + ",".join(cards) + "]", encoding="utf-8")


def _fill(db: sqlite3.Connection, name: str, day: str) -> None:
    """One FTS table, filled in rowid order (FTS5 starts a new segment whenever rowids go backwards)."""
    table = f"by_{name}"
    ranked = name == RANKED
    create, values = _FTS[ranked]
    db.execute("BEGIN")
    db.execute(f"CREATE VIRTUAL TABLE search.{table} USING {create}")
    db.execute(f"INSERT INTO search.{table} ({table}, rank) VALUES ('pgsz', {PAGE_SIZE - 50})")
    # SQLite may drop an ORDER BY inside a joined subquery, so the order is written down first.
    db.execute(
        f"CREATE TEMP TABLE ordered AS SELECT n, (grp << {GROUP_SHIFT}) | (({day}) << {DAY_SHIFT}) | card AS id"
        " FROM staged JOIN numbered USING (n) ORDER BY id"
    )
    db.execute(
        f"INSERT INTO search.{table} (rowid, {'strong, body, facets' if ranked else 'text'})"
        f" SELECT ordered.id, {values} FROM ordered JOIN staged USING (n) ORDER BY ordered.rowid"
    )
    db.execute("DROP TABLE ordered")
    db.execute(f"INSERT INTO search.{table} ({table}) VALUES ('optimize')")
    db.execute("COMMIT")
