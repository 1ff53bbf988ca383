"""The cache folder: what a rebuild can reuse from the last build, so it redoes only what changed.

- The checked-file log (what each content file said, with its entry made) is checklog.py's.
- The output manifest (which inputs each published file was made from) is output.py's.
- The templates compiled by Jinja, in templates/ (template_cache).

Caches live in the cache folder (SQLite for the kept search records, the data files' layout
and the data zip's compressed segments; pickle for the checked-file log and the output
manifest; the descriptions the log's entries refer to in a file of their own), written
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
from functools import cache
from pathlib import Path
from typing import Any

from jinja2.bccache import Bucket, FileSystemBytecodeCache

from .config import ROOT


@cache
def checker_version() -> str:
    """A digest of the code and schemas that decide what a file says: any change empties the cache."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted([*(ROOT / "stemx").rglob("*.py"), *(ROOT / "schemas").glob("*.json")]):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def template_cache(cache_dir: Path) -> FileSystemBytecodeCache | None:
    """The templates compiled, kept between builds (compiling them took ~0.2 s in each process
    of a build). Jinja checks each against its template's text, not against the options it was
    compiled with, which are in the code: files of other code are removed by tidy."""
    folder = cache_dir / TEMPLATES
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a cache folder that cannot be written: compiled each time
        return None
    return _Compiled(str(folder), f"{checker_version()}-%s.cache")


class _Compiled(FileSystemBytecodeCache):
    """Jinja's cache of compiled templates, for which a folder that cannot be written (a full
    disk) costs the compiling, never the build."""

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def cache_file(cache_dir: Path, kind: str, folder: Path, suffix: str = ".pickle") -> Path:
    """One cache file per content folder (or output folder), named by its absolute path."""
    return cache_dir / f"{kind}-{hashlib.blake2b(str(folder.resolve()).encode(), digest_size=8).hexdigest()}{suffix}"


# A cache file this program wrote: kind, the hash of the folder it belongs to, and SQLite's
# companions. Nothing else in the cache folder is ever removed, but compiled templates of other code.
_CACHE_FILE = re.compile(
    r"^(?P<kind>[a-z][a-z-]*)-(?P<folder>[0-9a-f]{16})\.(?:sqlite|pickle|bin)(?:-wal|-shm|-journal|\.new)?$"
)
TEMPLATES = "templates"  # the folder of compiled templates (template_cache)
# Kinds of cache that earlier versions wrote and none reads now: removed whatever their age.
RETIRED = frozenset({"rows-employer", "rows-opportunity", "entries"})
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
    with contextlib.suppress(OSError), os.scandir(cache_dir / TEMPLATES) as compiled:  # none, or not a folder
        # compiled templates of other code (and, cleaning, all of them)
        going += [e for e in compiled if not keep or not e.name.startswith(checker_version())]
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
    removed = tidy(cache_dir, keep=0)
    with contextlib.suppress(OSError):
        (cache_dir / TEMPLATES).rmdir()
    return removed


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


def unpickle(data: bytes) -> Any:
    try:
        return pickle.loads(data)
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
        return None


def file_digest(data: bytes) -> bytes:
    """A content file's digest: the cache's key and, through the register, every page's."""
    return hashlib.blake2b(data, digest_size=16).digest()
