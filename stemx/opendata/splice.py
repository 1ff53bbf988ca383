"""A rebuild's data files made from the published ones: each unchanged entry's rows are copied
from where they are in the last build's files, and only changed entries are encoded.

Every CSV and JSON file is a header, each entry's part in id order (JSON parts joined by
commas) and a footer. The cache folder keeps, per published site, each entry's key and the
length of its part of every file (the layout), so an unchanged entry's part is found by adding
up the lengths before it; the runs of unchanged entries between changed ones are copied in one
piece each, their lengths added up at once. The SQLite file is
patched: the rows of changed and removed entries deleted (and taken out of the full-text
index), the new ones inserted. A layout is trusted only for the published data it was written
with (its id is in the manifest's open-data result), so a build that failed half-way is never
spliced from.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..cache import hold, kept_database, release
from .tables import Entity

_COPY = 1 << 20  # bytes per read when copying a run
CHUNK = 5_000  # entries of the layout read at a time: memory stays flat at any size


class Layout:
    """The layout of the published data files (in the cache folder at `path`); without a path,
    nothing is recorded and nothing can be spliced.

    Opened with the code and settings it is for (`version`); another version's is emptied. What
    a build records is committed by `finish`, under a new id the build's result carries; a
    build that fails leaves the layout of the files it did not replace."""

    def __init__(self, path: Path | None, version: str) -> None:
        self.id: str | None = None
        self._guard = hold(path) if path is not None else None
        self.db: sqlite3.Connection | None = None
        if path is None or self._guard is None:  # no cache folder, or another build is using it
            return
        parts = "(entity TEXT, id TEXT, key BLOB, lengths BLOB, PRIMARY KEY (entity, id)) WITHOUT ROWID"
        self.db = kept_database(path, version, {"parts": parts})
        (self.id,) = self.db.execute("SELECT id FROM meta").fetchone()
        self.db.execute("BEGIN")
        self.db.execute("UPDATE meta SET id = NULL")  # until this build's files are whole

    def lengths(self, entity: Entity) -> Iterator[tuple[list[str], array[int]]]:
        """The entity's entries as the published files hold them, in id order, CHUNK at a time:
        their ids, and the lengths of their parts (and rows per table) one entry after another,
        as many numbers each (splicing adds up the lengths of a run of unchanged entries at once)."""
        if self.db is None:
            return
        rows = self.db.execute("SELECT id, lengths FROM parts WHERE entity = ? ORDER BY id", (entity,))
        while chunk := rows.fetchmany(CHUNK):
            lengths = array("q")
            for _, row in chunk:
                lengths.frombytes(row)
            yield [entry_id for entry_id, _ in chunk], lengths

    def keys(self, entity: Entity) -> Iterator[tuple[str, bytes | None]]:
        """The entity's (id, key) in id order: what telling the changed entries apart needs, read
        without the lengths (a rebuild reads the layout twice; this pass is the lighter one)."""
        if self.db is None:
            return
        yield from self.db.execute("SELECT id, key FROM parts WHERE entity = ? ORDER BY id", (entity,))

    def put(self, entity: Entity, entry_id: str, key: bytes | None, lengths: array[int]) -> None:
        if self.db is not None:
            self.db.execute(
                "INSERT OR REPLACE INTO parts VALUES (?, ?, ?, ?)", (entity, entry_id, key, lengths.tobytes())
            )

    def drop(self, entity: Entity, entry_id: str) -> None:
        if self.db is not None:
            self.db.execute("DELETE FROM parts WHERE entity = ? AND id = ?", (entity, entry_id))

    def clear(self) -> None:
        if self.db is not None:
            self.db.execute("DELETE FROM parts")

    def finish(self) -> str | None:
        """The files are written: the layout describes them, under a new id (returned)."""
        if self.db is None:
            return None
        self.id = uuid.uuid4().hex
        self.db.execute("UPDATE meta SET id = ?", (self.id,))
        self.db.execute("COMMIT")
        return self.id

    def close(self) -> None:
        release(self.db, self._guard)


class DataFile:
    """One CSV or JSON file written part by part, in entry order. A part is new bytes (`add`) or
    the next entry's part of the same file in the published site (`keep`); `skip` passes over
    an old part that is not kept. Parts are joined by `sep` (a comma in JSON)."""

    def __init__(self, path: Path, header: bytes, footer: bytes, sep: bytes, old: Path | None) -> None:
        self._f: BinaryIO = path.open("wb")
        self._f.write(header)
        self._footer, self._sep = footer, sep
        self._written = False  # a part written already: the next one needs a separator
        self._old: BinaryIO | None = old.open("rb") if old is not None else None
        self._at, self._old_first = len(header), True  # where the next old part starts
        self._run: tuple[int, int] | None = None  # old bytes to copy, not yet copied

    def add(self, data: bytes) -> int:
        """Write a new part; returns its length (0: the entry has no rows here)."""
        if data:
            self._flush()
            if self._written:
                self._f.write(self._sep)
            self._f.write(data)
            self._written = True
        return len(data)

    def keep(self, length: int) -> None:
        """Keep the next old part (`length` bytes; 0: the entry has no rows here)."""
        self.keep_run(length, 1 if length else 0)

    def keep_run(self, size: int, parts: int) -> None:
        """Keep the next `parts` non-empty old parts, `size` bytes in all: as `keep` for each."""
        if parts == 0:
            return
        length = size + len(self._sep) * (parts - 1)  # with the separators between them
        start = self._next(length)
        if self._run is not None and start == self._run[1] + len(self._sep):
            self._run = (self._run[0], start + length)  # the separator between is copied with them
            return
        self._flush()
        self._run = (start, start + length)

    def skip(self, length: int) -> None:
        self._next(length)

    def _next(self, length: int) -> int:
        """Where the next old part of `length` bytes starts; moves past it."""
        if length == 0:
            return self._at
        if not self._old_first:
            self._at += len(self._sep)
        start, self._at, self._old_first = self._at, self._at + length, False
        return start

    def _flush(self) -> None:
        if self._run is None:
            return
        assert self._old is not None
        start, end = self._run
        self._run = None
        if self._written:
            self._f.write(self._sep)
        self._f.flush()  # the copy goes to the file's descriptor, after what is buffered
        copied = _copy(self._old.fileno(), self._f.fileno(), start, end - start)
        if copied < end - start:
            raise ValueError(f"{self._old.name} is shorter than its layout says")
        self._written = True

    def close(self) -> None:
        try:
            self._flush()
            self._f.write(self._footer)
        finally:
            self._f.close()
            if self._old is not None:
                self._old.close()


def _copy(source: int, target: int, start: int, length: int) -> int:
    """Copy `length` bytes of `source` from `start` to where `target` is; returns the bytes
    copied (fewer: the source is shorter). In the kernel where it can (copy_file_range: a
    one-file rebuild copies ~400 MB of data files at 10,000 employers), else read and write."""
    done = 0
    try:
        while done < length:
            n = os.copy_file_range(source, target, length - done, start + done)
            if n == 0:
                return done
            done += n
        return done
    except (AttributeError, OSError):  # not Linux, or a file system that cannot: copy it here
        os.lseek(source, start + done, os.SEEK_SET)
        while done < length:
            chunk = os.read(source, min(_COPY, length - done))
            if not chunk:
                return done
            os.write(target, chunk)  # a regular file: written whole
            done += len(chunk)
        return done
