"""The cache folder: what a rebuild can reuse from the last build, so it redoes only what changed.

- EntryCache: what each content file said when checked. Checking (parse, schema, rules) is a
  pure function of the file's bytes, its place in the content folder and the checking code,
  so a file whose bytes are unchanged is not checked again (about 70 microseconds a file
  instead of 400).
- Store: the SQLite table (a row per content file) behind EntryCache.
- The output manifest (which inputs each published file was made from) is output.py's.

Caches live in the cache folder (SQLite for checked files, the kept search records, the data
files' layout and the data zip's compressed segments; pickle for the output manifest), written
only by this program; a missing, stale or unreadable one is simply rebuilt, and one another
build is busy writing is done without.
Each build ends by tidying the folder (tidy): only the caches of the folders built most
recently are kept, so building many content folders cannot fill a disk; `build.py clean`
empties it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import re
import sqlite3
import time
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from .config import ROOT

Key = tuple[str, str, bytes]  # (kind, path as shown, digest of the bytes)


@cache
def checker_version() -> str:
    """A digest of the code and schemas that decide what a file says: any change empties the cache."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted([*(ROOT / "stemx").rglob("*.py"), *(ROOT / "schemas").glob("*.json")]):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def cache_file(cache_dir: Path, kind: str, folder: Path, suffix: str = ".pickle") -> Path:
    """One cache file per content folder (or output folder), named by its absolute path."""
    return cache_dir / f"{kind}-{hashlib.blake2b(str(folder.resolve()).encode(), digest_size=8).hexdigest()}{suffix}"


# A cache file this program wrote: kind, the hash of the folder it belongs to, and SQLite's
# companions. Nothing else in the cache folder is ever removed.
_CACHE_FILE = re.compile(
    r"^(?P<kind>[a-z][a-z-]*)-(?P<folder>[0-9a-f]{16})\.(?:sqlite|pickle)(?:-wal|-shm|-journal|\.new)?$"
)
# Kinds of cache that earlier versions wrote and none reads now: removed whatever their age.
RETIRED = frozenset({"rows-employer", "rows-opportunity"})
KEEP_FOLDERS = 6  # content and output folders whose caches are kept: about the last three builds
MAX_AGE = 30 * 24 * 3600  # seconds: a cache not used for a month goes whatever the count


def tidy(cache_dir: Path, keep: int = KEEP_FOLDERS, max_age: float = MAX_AGE) -> tuple[int, int]:
    """Remove the caches of all but the `keep` folders used most recently, and of any folder
    unused for `max_age` seconds; returns (files, bytes) removed."""
    groups: dict[str, list[os.DirEntry[str]]] = {}
    retired: list[os.DirEntry[str]] = []
    try:
        with os.scandir(cache_dir) as found:
            for entry in found:
                if m := _CACHE_FILE.match(entry.name):
                    if m["kind"] in RETIRED:
                        retired.append(entry)
                    else:
                        groups.setdefault(m["folder"], []).append(entry)
    except FileNotFoundError:
        return 0, 0
    used = {folder: max(e.stat().st_mtime for e in entries) for folder, entries in groups.items()}
    ranked = sorted(used, key=used.__getitem__, reverse=True)
    now = time.time()
    going = [*retired]
    for rank, folder in enumerate(ranked):
        if rank >= keep or now - used[folder] >= max_age:
            going += groups[folder]
    removed, freed = 0, 0
    for entry in going:
        try:
            size = entry.stat().st_size
            os.unlink(entry.path)
        except FileNotFoundError:
            continue  # another build tidied it first
        removed, freed = removed + 1, freed + size
    return removed, freed


def clean(cache_dir: Path) -> tuple[int, int]:
    """Remove every cache file this program wrote in `cache_dir`; returns (files, bytes)."""
    return tidy(cache_dir, keep=0)


def hold(path: Path) -> sqlite3.Connection | None:
    """Hold the cache file at `path` (through an empty database beside it, lock-<name>) until the
    connection closes: one build at a time uses a cache that must match the published site.
    None when another build holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path.with_name(f"lock-{path.name}"), timeout=0, isolation_level=None)
    try:
        db.execute("BEGIN EXCLUSIVE")
    except sqlite3.OperationalError:
        db.close()
        return None
    return db


def release(db: sqlite3.Connection | None, guard: sqlite3.Connection | None) -> None:
    """Close a kept database, its unfinished changes rolled back (a build that failed half-way
    leaves it as the last finished one did), and let go of its hold."""
    if db is not None:
        if db.in_transaction:
            db.execute("ROLLBACK")
        db.close()
    if guard is not None:
        guard.close()


def kept_database(path: Path, version: str, tables: dict[str, str]) -> sqlite3.Connection:
    """A cache database describing what the published site holds (the search records, the data
    files' layout), made by `version` (the code and settings): else, or when damaged, emptied
    and its `tables` (name -> definition) made again. Its one meta row says which published
    files it describes (`id`, NULL while a build changes it)."""
    for attempt in (1, 2):
        db = sqlite3.connect(path, isolation_level=None)
        try:
            db.execute("PRAGMA synchronous = OFF")  # a cache: after a crash of the machine, at worst rebuilt
            db.execute("CREATE TABLE IF NOT EXISTS meta (version TEXT, id TEXT)")
            if db.execute("SELECT version FROM meta").fetchall() != [(version,)]:
                made = "".join(
                    f"DROP TABLE IF EXISTS {name}; CREATE TABLE {name} {sql};" for name, sql in tables.items()
                )
                db.executescript(f"BEGIN; DELETE FROM meta; {made} COMMIT;")
                db.execute("INSERT INTO meta VALUES (?, NULL)", (version,))
            return db
        except sqlite3.DatabaseError:  # not a database, or damaged
            db.close()
            if attempt == 2:
                raise
            path.unlink(missing_ok=True)
    raise AssertionError("unreachable")


CHUNK = 500  # keys a query asks for (SQLite allows 32,766 parameters; older builds 999)


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


def unpickle(data: bytes) -> Any:
    try:
        return pickle.loads(data)
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
        return None


class Store:
    """A SQLite table of pickled values, a row per content file: (kind, path, digest, value).

    A row is current when its digest matches; rows are read a few hundred at a time and only
    changed ones written, so memory stays flat at any register size and a one-file change
    writes one row. Rows of files not seen in a run are dropped when it saves."""

    TIMEOUT = 60.0  # seconds to wait for another build's writes before going without

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: set[str] = set()
        self._db = self._open()

    def _open(self) -> sqlite3.Connection | None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for attempt in (1, 2):
            db = sqlite3.connect(self.path, timeout=self.TIMEOUT, isolation_level=None)
            try:
                db.execute("CREATE TABLE IF NOT EXISTS meta (version TEXT NOT NULL)")
                if db.execute("SELECT version FROM meta").fetchall() != [(checker_version(),)]:
                    # Other code wrote it: its rows, and maybe its table's columns, do not apply.
                    db.executescript("BEGIN; DROP TABLE IF EXISTS entries; DELETE FROM meta; COMMIT;")
                    db.execute("INSERT INTO meta VALUES (?)", (checker_version(),))
                # A rowid table: its rows of a few KB each would make WITHOUT ROWID's B-tree slow
                # to write (50,000 rows: 2.0 s rather than 3.3 s).
                db.execute(
                    "CREATE TABLE IF NOT EXISTS entries (kind TEXT, source TEXT, digest BLOB, value BLOB,"
                    " PRIMARY KEY (kind, source))"
                )
                db.execute("BEGIN")  # every write of this run in one transaction, committed by save()
                return db
            except sqlite3.OperationalError:  # busy: another build holds it; this one goes without
                db.close()
                return None
            except sqlite3.DatabaseError:  # not a database, or damaged: start again
                db.close()
                if attempt == 2:
                    return None
                self.path.unlink(missing_ok=True)
        return None

    def get(self, keys: Sequence[Key | None]) -> list[Any]:
        """Each key's stored value, or None when there is none for its digest (or it cannot be
        read), asked for CHUNK keys at a time rather than one by one (50,000 single-row queries
        cost about 5 s; 100 queries of 500 rows, a fraction of that)."""
        self._seen.update(k[1] for k in keys if k is not None)
        if self._db is None:
            return [None] * len(keys)
        values: list[Any] = []
        for i in range(0, len(keys), CHUNK):
            window = keys[i : i + CHUNK]
            found: dict[Key, bytes] = {}
            for kind in {k[0] for k in window if k is not None}:
                sources = [k[1] for k in window if k is not None and k[0] == kind]
                query = f"SELECT source, digest, value FROM entries WHERE kind = ? AND source IN ({_marks(sources)})"
                with contextlib.suppress(sqlite3.OperationalError):  # busy: those files are checked again
                    found |= {(kind, s, d): value for s, d, value in self._db.execute(query, (kind, *sources))}
            values += [None if k is None or k not in found else unpickle(found[k]) for k in window]
        return values

    def digests_stored(self) -> dict[tuple[str, str], bytes]:
        """(kind, path as shown) -> the digest of the bytes each stored value was made from."""
        if self._db is None:
            return {}
        with contextlib.suppress(sqlite3.OperationalError):  # busy: every file is checked again
            return {
                (kind, source): digest
                for kind, source, digest in self._db.execute("SELECT kind, source, digest FROM entries")
            }
        return {}

    def put(self, key: Key | None, value: object) -> None:
        self.put_pickled(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def put_pickled(self, key: Key | None, value: bytes) -> None:
        """Store a value pickled already (by the process that made it)."""
        if key is None or self._db is None:
            return
        self._seen.add(key[1])
        try:
            self._db.execute("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)", (*key, value))
        except sqlite3.OperationalError:  # another build is writing: this run's results go unsaved
            self._close(commit=False)

    def save(self) -> None:
        """Commit this run's rows; rows of files this run did not ask about are dropped."""
        if self._db is None:
            return
        try:
            (rows,) = self._db.execute("SELECT count(*) FROM entries").fetchone()
            if rows > len(self._seen):  # every file asked about has a row, so the rest are gone
                self._db.execute("CREATE TEMP TABLE seen (source TEXT PRIMARY KEY) WITHOUT ROWID")
                self._db.executemany("INSERT INTO seen VALUES (?)", ((s,) for s in self._seen))
                self._db.execute("DELETE FROM entries WHERE source NOT IN (SELECT source FROM seen)")
            self._close(commit=True)
        except sqlite3.OperationalError:
            self._close(commit=False)

    def _close(self, commit: bool) -> None:
        assert self._db is not None
        db, self._db = self._db, None
        try:
            db.execute("COMMIT" if commit else "ROLLBACK")
        finally:
            db.close()


class EntryCache(Store):
    """What each content file said when checked, by the digest of its bytes."""

    def __init__(self, cache_dir: Path, content_dir: Path) -> None:
        super().__init__(cache_file(cache_dir, "entries", content_dir, ".sqlite"))
        self.digests: dict[str, bytes] = {}  # path as shown -> digest of the bytes, for page keys


def file_digest(data: bytes) -> bytes:
    """A content file's digest: the cache's key and, through the register, every page's."""
    return hashlib.blake2b(data, digest_size=16).digest()
