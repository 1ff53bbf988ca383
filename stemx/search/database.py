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
  first results of a broad search sit in one or two files, fetched in parallel. The group is
  left out of the numbering: an opportunity that closes, passes or is withdrawn keeps its card
  number (in the closing-date order its rowid changes only in the group's bits), and within a
  group and a day the order by number is still the order by address. The open ones with a
  closing date still sit together, after those that closed (their dates are past).

Records are staged in a database first, a row per entry: numbering and sorting 600,000 records
is then SQLite's work, on disk, in bounded memory. With a cache folder that database is kept
between builds, so a rebuild makes only the records of changed entries; and when those keep
their card numbers (no entry added or removed, none moved in the closing-date order: so also
the daily build, where opportunities close and pass their dates), the published databases
are patched (each changed record deleted and added again) instead of written from scratch,
and only the changed cards' files are written.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import NamedTuple

import orjson

from ..cache import hold, kept_database, release
from ..output import link_or_copy
from .records import NO_DAY, Keyed, Record

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
# FTS5 writes a new segment each time this much is gathered in memory, merging segments as they
# add up: 16 MB rather than the default 1 MB spares most merging, an eighth of the three tables'
# work (10.7 -> 9.3 s at 10,000 employers, medians of 5), for ~25 MB more in each of two threads.
HASH_BYTES = 16 << 20
_OPTIONS = f"content='', columnsize=0, tokenize=\"{TOKENIZER}\""


class _Table(NamedTuple):
    create: str
    columns: str
    values: str  # what goes in each column, from a row of `staged`


_TABLES = {
    True: _Table(
        f"fts5(strong, body, facets, detail=column, {_OPTIONS})", "strong, body, facets", "strong, body, facets"
    ),
    False: _Table(f"fts5(text, detail=none, {_OPTIONS})", "text", "strong || ' ' || body || ' ' || facets"),
}
# A row per entry: its key (Register.entry_key), sort keys, text, card and card number.
_ROWS = (
    "source TEXT PRIMARY KEY, key BLOB, grp INT, closes INT, date INT, published INT, url TEXT,"
    " strong TEXT, body TEXT, facets TEXT, json TEXT, card INT"
)
_VALUES = "grp, closes, date, published, url, strong, body, facets, json"
CHUNK = 5_000  # rows read in one query
# Patch when at most one record in PATCH_SHARE changed: beyond that, writing afresh costs about
# the same and leaves no trail of deleted records in the index.
PATCH_SHARE = 20


class Staging:
    """The records, a row per entry, in a SQLite database: kept between builds at `state` (in
    the cache folder), else in a temporary folder; then written out as the search databases
    and the cards.

    A context manager: the temporary folder (the databases before they are cut) goes when it closes."""

    def __init__(self, state: Path | None = None, version: str = "") -> None:
        """`version`: the code and settings the rows are made with; kept rows of another are dropped."""
        self._tmp = tempfile.TemporaryDirectory(prefix="stemx-search-")
        self.folder = Path(self._tmp.name)
        self.count = 0
        self.renumbered = True  # cards numbered afresh (else every record kept its number)
        self.replaced = 0  # records that differ from the kept ones
        # One build at a time uses the kept rows; another at the same moment stages its own.
        self._guard = hold(state) if state is not None else None
        self.path = state if self._guard is not None and state is not None else self.folder / "staged.sqlite"
        self.db = kept_database(self.path, version, {"staged": f"({_ROWS})", "replaced": f"({_ROWS})"})
        self.db.execute("PRAGMA temp_store = FILE")  # sorts spill to disk rather than grow in memory
        # `add` reads every row's (source, key) in source order: from this index alone, rather
        # than each row looked up in the table (50,000 rows 0.10-0.14 -> 0.05 s).
        self.db.execute("CREATE INDEX IF NOT EXISTS staged_keys ON staged (source, key)")
        # The published index the kept rows were written to, if any (`published`).
        (self.index,) = self.db.execute("SELECT id FROM meta").fetchone()

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        release(self.db, self._guard)
        self._tmp.cleanup()

    def add(self, entries: Iterable[Keyed]) -> None:
        """Bring the rows up to date: a record made for each entry whose key differs from its
        row's (the old row kept in `replaced` when the record differs), rows of entries that went
        deleted; cards numbered afresh unless every record keeps its place.

        `entries` come in source order (keyed() gives them so) and are compared with the rows
        read in the same order, a few thousand at a time: one pass over each, in bounded memory
        (looking the entries up a chunk at a time cost twice as much: 0.35-0.5 s at 10,000 employers)."""
        db = self.db
        db.execute("BEGIN")
        db.execute("UPDATE meta SET id = NULL")  # the rows no longer match a published index
        db.execute("DELETE FROM replaced")
        rows = self._keys()
        row = next(rows, None)
        gone: list[str] = []
        moved, last = False, None
        for entry in entries:
            if last is not None and entry.source <= last:
                raise ValueError(f"search: records out of source order at {entry.source}")
            last = entry.source
            while row is not None and row[0] < entry.source:  # rows of entries that went
                gone.append(row[0])
                row = next(rows, None)
            kept = None
            if row is not None and row[0] == entry.source:
                kept, row = row, next(rows, None)
            if kept is None or entry.key is None or kept[1] != entry.key:
                moved |= self._make(entry, kept is not None)
        while row is not None:
            gone.append(row[0])
            row = next(rows, None)
        db.executemany("DELETE FROM staged WHERE source = ?", ((s,) for s in gone))
        moved |= bool(gone)
        (self.count,) = db.execute("SELECT count(*) FROM staged").fetchone()
        (self.replaced,) = db.execute("SELECT count(*) FROM replaced").fetchone()
        if self.count >= MAX_CARDS:
            raise ValueError(f"search: {self.count:,} records; the index numbers at most {MAX_CARDS - 1:,}")
        self.renumbered = moved
        if moved:
            # Card numbers follow the closing-date order (the default), ties broken by address:
            # stable, and without the group, so that a status changing moves no card (see above).
            db.execute(
                "UPDATE staged SET card = numbered.card FROM (SELECT source,"
                " row_number() OVER (ORDER BY closes, url) - 1 AS card FROM staged) AS numbered"
                " WHERE staged.source = numbered.source"
            )
        db.execute("COMMIT")  # before the orders are written, each read by a connection of its own

    def _keys(self) -> Iterator[tuple[str, bytes | None]]:
        """The rows' (source, key) in source order, CHUNK at a time, each chunk read whole before
        `add` writes: a row it inserts sorts before the last one read, so it is not read back,
        unless the rows have all been read (a chunk came back short), when no more are asked for."""
        after = ""
        while True:
            chunk = self.db.execute(
                "SELECT source, key FROM staged WHERE source > ? ORDER BY source LIMIT ?", (after, CHUNK)
            ).fetchall()
            yield from chunk
            if len(chunk) < CHUNK:
                return
            after = chunk[-1][0]

    def _make(self, entry: Keyed, kept: bool) -> bool:
        """Make an entry's record and write its row (`kept`: it has one); True if it is new or
        moves in the card order."""
        db = self.db
        r = entry.make()
        card = orjson.dumps(r.card).decode()  # compact, text as written
        new = (r.group, r.closes, r.date, r.published, r.card["url"], r.strong, r.body, r.facets, card)
        if not kept:
            db.execute(
                f"INSERT INTO staged VALUES (?, ?, {','.join('?' * len(new))}, NULL)", (entry.source, entry.key, *new)
            )
            return True
        old = db.execute(f"SELECT {_VALUES} FROM staged WHERE source = ?", (entry.source,)).fetchone()
        if old != new:  # the old row kept first: a contentless index forgets it only given its values
            db.execute("INSERT INTO replaced SELECT * FROM staged WHERE source = ?", (entry.source,))
        db.execute(f"UPDATE staged SET (key, {_VALUES}) = ({','.join('?' * (len(new) + 1))}) WHERE source = ?",
                   (entry.key, *new, entry.source))  # fmt: skip
        return (old[1], old[4]) != (new[1], new[4])  # its closing day or address (so it differs)

    def can_patch(self, published: str) -> bool:
        """Whether the published index named `published` can be patched into this one: it was
        written from the kept rows, every card keeps its number, and few records changed."""
        return published == self.index and not self.renumbered and self.replaced * PATCH_SHARE <= self.count

    def write(self, folder: Path, old: Path | None = None) -> None:
        """A database per order in `folder` (<order>.sqlite): written from all the rows, or, given
        the folder of a published index (`old`, can_patch), its databases with the replaced
        records taken out and their new versions put in."""
        # Each order is SQLite's work from start to end, which runs without Python's lock: two
        # threads keep two cores busy.
        with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
            for done in [
                pool.submit(self._order, name, folder / f"{name}.sqlite", old and old / name) for name in ORDERS
            ]:
                done.result()

    def _order(self, name: str, path: Path, pieces: Path | None) -> None:
        path.unlink(missing_ok=True)
        if pieces is not None:
            _join(pieces, path)
        raw = path if pieces is not None else self.folder / f"{name}.unpacked.sqlite"
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA temp_store = FILE")
            db.execute("ATTACH DATABASE ? AS search", (str(raw),))
            db.execute("PRAGMA search.journal_mode = OFF")
            if pieces is not None:
                _patch(db, name, ORDERS[name])
            else:
                db.execute(f"PRAGMA search.page_size = {PAGE_SIZE}")
                _fill(db, name, ORDERS[name])
                # A fresh copy: no pages freed by the merges, and the table's pages in b-tree order.
                db.execute("VACUUM search INTO ?", (str(path),))
            db.execute("DETACH DATABASE search")
        finally:
            db.close()
        if pieces is None:
            raw.unlink()

    def cards(self, cards_dir: Path, old: Path | None = None) -> None:
        """The cards, CARDS_PER_FILE to a file in card order. With `old` (the cards of the index
        being patched) only the files holding a replaced record are read and written, the rest linked."""
        cards_dir.mkdir(parents=True, exist_ok=True)
        query = "SELECT card, json FROM staged ORDER BY card"
        if old is not None:
            changed = {card // CARDS_PER_FILE for (card,) in self.db.execute("SELECT card FROM replaced")}
            for n in range(-(-self.count // CARDS_PER_FILE)):
                if n not in changed:
                    link_or_copy(str(old / f"{n}.json"), str(cards_dir / f"{n}.json"))
            # Whole numbers this build computed, so written into the query rather than bound one by one.
            query = (
                f"SELECT card, json FROM staged WHERE card / {CARDS_PER_FILE}"
                f" IN ({','.join(map(str, sorted(changed)))}) ORDER BY card"
            )
        chunk: list[str] = []
        for number, card in self.db.execute(query):
            chunk.append(card)
            if len(chunk) == CARDS_PER_FILE or number == self.count - 1:
                (cards_dir / f"{number // CARDS_PER_FILE}.json").write_text(
                    "[" + ",".join(chunk) + "]", encoding="utf-8"
                )
                chunk = []

    def digest_cards(self, update: Callable[[bytes], object], patched: str | None = None) -> None:
        """Pass the cards to a digest's `update` (the index's name covers them): every card in
        order; or, for an index patched from the published one named `patched`, that name and
        the replaced records' new cards by number, which with it say what every card is
        (reading all of them took 0.4 s of a one-file rebuild at 10,000 employers)."""
        if patched is None:
            for (card,) in self.db.execute("SELECT json FROM staged ORDER BY card"):
                update(card.encode() + b"\n")
            return
        update(f"patched from {patched}\n".encode())
        query = "SELECT card, json FROM staged WHERE source IN (SELECT source FROM replaced) ORDER BY card"
        for number, card in self.db.execute(query):
            update(f"{number} {card}\n".encode())

    def published(self, name: str) -> None:
        """The rows are those of the index `name`: the next build may patch it (can_patch)."""
        with contextlib.suppress(sqlite3.OperationalError):  # unsaved, the next build writes afresh
            self.db.execute("UPDATE meta SET id = ?", (name,))


def build_database(records: Iterable[Record], folder: Path, cards_dir: Path) -> int:
    """Write the databases to `folder` and the cards to `cards_dir`; return the number of records."""
    folder.mkdir(parents=True, exist_ok=True)
    with Staging() as staging:
        staging.add(Keyed(f"{n:09d}", None, partial(_made, r)) for n, r in enumerate(records))  # in source order
        staging.write(folder)
        staging.cards(cards_dir)
    return staging.count


def _made(record: Record) -> Record:
    return record


def _join(pieces: Path, into: Path) -> None:
    """A database cut into pieces (0.bin, 1.bin, ...) joined up again."""
    with into.open("wb") as f:
        for n in range(len(os.listdir(pieces))):
            f.write((pieces / f"{n}.bin").read_bytes())


def _rowid(day: str) -> str:
    return f"(grp << {GROUP_SHIFT}) | (({day}) << {DAY_SHIFT}) | card"


def _fill(db: sqlite3.Connection, name: str, day: str) -> None:
    """One FTS table, filled in rowid order (FTS5 starts a new segment whenever rowids go backwards)."""
    table, fts = f"by_{name}", _TABLES[name == RANKED]
    db.execute("BEGIN")
    db.execute(f"CREATE VIRTUAL TABLE search.{table} USING {fts.create}")
    db.execute(f"INSERT INTO search.{table} ({table}, rank) VALUES ('pgsz', {PAGE_SIZE - 50})")
    db.execute(f"INSERT INTO search.{table} ({table}, rank) VALUES ('hashsize', {HASH_BYTES})")
    # SQLite may drop an ORDER BY inside a joined subquery, so the order is written down first.
    db.execute(f"CREATE TEMP TABLE ordered AS SELECT staged.rowid AS n, {_rowid(day)} AS id FROM staged ORDER BY id")
    db.execute(
        f"INSERT INTO search.{table} (rowid, {fts.columns})"
        f" SELECT ordered.id, {fts.values} FROM ordered JOIN staged ON staged.rowid = ordered.n ORDER BY ordered.rowid"
    )
    db.execute("DROP TABLE ordered")
    db.execute(f"INSERT INTO search.{table} ({table}) VALUES ('optimize')")
    db.execute("COMMIT")


def _patch(db: sqlite3.Connection, name: str, day: str) -> None:
    """Each replaced record taken out of one FTS table and its new version put in. A contentless
    table forgets a row only when given the values it was added with: `replaced` keeps them."""
    table, fts = f"by_{name}", _TABLES[name == RANKED]
    db.execute("BEGIN")
    db.execute(
        f"INSERT INTO search.{table} ({table}, rowid, {fts.columns})"
        f" SELECT 'delete', {_rowid(day)}, {fts.values} FROM replaced"
    )
    db.execute(
        f"INSERT INTO search.{table} (rowid, {fts.columns}) SELECT {_rowid(day)}, {fts.values} FROM staged"
        " WHERE source IN (SELECT source FROM replaced)"
    )
    db.execute("COMMIT")
