"""The checked-file cache: what each content file said when last checked, with its entry made,
kept as a log that a rebuild reads back in one go.

What a file says on its own (parse, schema, rules) and the entry made from it depend only on
its bytes, its place in the content folder and the code, so a rebuild checks only the files
whose bytes changed. Reading back what the others said is most of a rebuild's loading, so
the log keeps the entries themselves, pickled in batches: at 10,000 employers and 40,000
opportunities they read back in about 1 s, where unpickling 50,000 parsed files from a table
and making each entry again took 4-5 s.

- checked-<folder>.pickle: a header (format, checker version, its texts file's tag), then
  batches of records (kind, path as shown, digest of the bytes, what the file says, its
  signature: inode, size and times). A file whose signature is its record's is not even read;
  a rebuild appends one batch for the files whose bytes (or only signature) changed; a file's
  later record stands for its earlier ones. Once the dead records outnumber the live ones,
  the log is written again from the live.
- texts-<folder>.bin: the descriptions those entries refer to (texts.py), append-only, opening
  with a random tag that the log's header names: a log never reads another log's texts.

One build at a time uses them (cache.hold); a build that finds them busy goes without. A log
from other code, or damaged, is started again; one cut short keeps its whole batches.
"""

from __future__ import annotations

import datetime
import os
import pickle
import shutil
import tempfile
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from . import errors, model
from .cache import cache_file, checker_version, hold
from .entrystore import Stored
from .texts import StoredText, TextStore

FORMAT = 2
TAG = 16  # bytes of the tag at the start of a texts file
BATCH = 5_000  # records pickled together: one pickler's memo stays small at any register size

# (kind, path as shown, digest of the bytes, what it says, the file's signature when read or None)
Record = tuple[str, str, bytes, Any, Any]


def _text(offset: int, size: int) -> StoredText:
    raise RuntimeError("a stored text is read back only by the checked-file log")  # see _Unpickler


# What a log may make: the register's own types, dates and stored texts, nothing else.
_ALLOWED = {
    ("datetime", "date"): datetime.date,
    ("stemx.errors", "Problem"): errors.Problem,
    **{
        ("stemx.model", cls.__name__): cls
        for cls in (model.Employer, model.Opportunity, model.Place, model.Contact, model.Session, model.HowToApply)
    },
}


# What unpickling damaged bytes raises (the same bytes written by other code fail the version check).
_DAMAGED = (
    pickle.UnpicklingError,
    EOFError,
    ValueError,
    TypeError,
    IndexError,
    KeyError,
    AttributeError,
    OverflowError,
)


class _Unpickler(pickle.Unpickler):
    """Makes only what a log holds; `texts` is where its stored texts are (None: the header, which has none)."""

    def __init__(self, file: BinaryIO, texts: TextStore | None) -> None:
        super().__init__(file)
        self._texts = texts

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == (__name__, "_text") and self._texts is not None:
            return partial(StoredText, self._texts)
        if (module, name) == ("stemx.content", "Said"):
            from .content import Said  # content imports this module

            return Said
        try:
            return _ALLOWED[module, name]
        except KeyError:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the checked-file log") from None


def _pickler(file: BinaryIO, copy_to: TextStore | None = None) -> pickle.Pickler:
    """A pickler that writes a stored text as where it is (or, with `copy_to`, copies it there first)."""

    def stored(text: StoredText) -> tuple[Any, tuple[int, int]]:
        store, offset, size = text.span
        if copy_to is not None:
            offset = copy_to.append(store.read_bytes(offset, size))
        return _text, (offset, size)

    pickler = pickle.Pickler(file, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {StoredText: stored, Stored: lambda ref: ref.load().__reduce__()}
    return pickler


class CheckedLog:
    """The records of one content folder's last build, and the texts store its entries use."""

    def __init__(self, cache_dir: Path, content_dir: Path) -> None:
        self.path = cache_file(cache_dir, "checked", content_dir)
        self._texts_path = cache_file(cache_dir, "texts", content_dir, ".bin")
        self.records: dict[str, Record] = {}  # path as shown -> its latest record read back
        self._logged = 0  # records in the log file, dead ones too
        # This build's records, pickled a batch at a time as they come (so that a national
        # register's 750,000 are never all in memory) into an unnamed file, added to the log by save().
        self._new: list[Record] = []  # the batch being filled
        self._added = 0
        self._pending = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close(), which save() ends with)
        self._live: set[str] = set()  # files this build has: the other records are dead
        self._guard = hold(self.path)
        self._tag = b""
        self._fresh = True
        if self._guard is None:  # busy: this build goes without, its texts in a temporary file
            self.texts = TextStore()
            return
        try:
            self.texts = self._read()
            self._fresh = False
        except (OSError, *_DAMAGED):
            self.records, self._logged = {}, 0
            try:
                # A new texts file in place of the old one: a build that read the old one (serve's
                # last) keeps reading its own copy, and the old log's tag no longer matches.
                self.texts, self._tag = _texts_file(_beside(self._texts_path))
                os.replace(_beside(self._texts_path), self._texts_path)
            except OSError:  # a cache folder that cannot be written: this build goes without
                self.texts = TextStore()
                self.close()

    def _read(self) -> TextStore:
        """Read the log's records; returns the store of their texts."""
        with open(self.path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            version, code, self._tag = _Unpickler(f, None).load()
            if (version, code) != (FORMAT, checker_version()):
                raise ValueError("written by other code")
            fd = os.open(self._texts_path, os.O_RDWR)
            if os.pread(fd, TAG, 0) != self._tag:
                os.close(fd)
                raise ValueError("texts of another log")
            texts = TextStore(fd)
            whole = f.tell()
            try:
                while whole < size:
                    for record in _Unpickler(f, texts).load():
                        self.records[record[1]] = record
                        self._logged += 1
                    whole = f.tell()
            except _DAMAGED:
                os.truncate(self.path, whole)  # cut short (a build stopped while writing): keep the whole batches
            return texts

    def known(self, files: Iterable[tuple[str, str]]) -> dict[tuple[str, str], bytes]:
        """For each of these (kind, path as shown) that has a record, the digest of its bytes."""
        found = {}
        for kind, source in files:
            record = self.records.get(source)
            if record is not None and record[0] == kind:
                found[kind, source] = record[2]
        return found

    def unchanged(self, kind: str, source: str, signature: object) -> tuple[bytes, Any] | None:
        """(digest, what the file said) if its record has this signature (None if not)."""
        record = self.records.get(source)
        if record is None or signature is None or record[4] != signature or record[0] != kind:
            return None
        self._live.add(source)
        return record[2], record[3]

    def get(self, kind: str, source: str, digest: bytes, signature: object) -> Any:
        """What the file said, if its record is of these bytes (None if not); a new signature
        is recorded, so that the next build need not read the file."""
        record = self.records.get(source)
        if record is None or record[0] != kind or record[2] != digest:
            return None
        if signature is not None and record[4] != signature:
            self.add(kind, source, digest, record[3], signature)
        self._live.add(source)
        return record[3]

    def add(self, kind: str, source: str, digest: bytes, said: object, signature: object) -> None:
        self.records.pop(source, None)  # read back, now dead: each file is added once a build
        self._new.append((kind, source, digest, said, signature))
        self._added += 1
        self._live.add(source)
        if len(self._new) == BATCH:
            self._write_batch()

    def _write_batch(self) -> None:
        """The batch being filled, pickled into the pending file."""
        _pickler(self._pending).dump(self._new)
        self._new = []

    def save(self) -> None:
        """Append this build's records; write the log again when it is mostly dead records. A
        log that cannot be written (a full disk) is left for the next build to read or start again."""
        if self._guard is None:
            return
        try:
            if self._new:
                self._write_batch()
            live = [r for s, r in self.records.items() if s in self._live]  # the read-back ones still live
            dead = self._logged - len(live)
            if self._fresh or dead > max(len(live) + self._added, BATCH):
                self._rewrite(live)
            elif self._added:
                with open(self.path, "ab") as f:
                    self._copy_pending(f)
        except OSError:
            pass
        finally:
            self.close()

    def close(self) -> None:
        """Let go of the log without writing (a run that stopped part-way); save() ends with it."""
        self._pending.close()
        if self._guard is not None:
            self._guard.close()
            self._guard = None

    def _copy_pending(self, f: BinaryIO, copy_to: TextStore | None = None) -> None:
        """This build's records into `f`: their batches as they are, or with `copy_to` read
        back one at a time and pickled again with their texts copied there."""
        pending = self._pending
        pending.seek(0)
        if copy_to is None:
            shutil.copyfileobj(pending, f)
            return
        end = pending.seek(0, os.SEEK_END)
        pending.seek(0)
        while pending.tell() < end:
            _pickler(f, copy_to).dump(_Unpickler(pending, self.texts).load())

    def _rewrite(self, live: list[Record]) -> None:
        """The log of the live records alone (and, unless new already, their texts copied to a
        new file: the dead ones' stay behind)."""
        copy_to, tag = (None, self._tag) if self._fresh else _texts_file(_beside(self._texts_path))
        with open(_beside(self.path), "wb") as f:
            pickle.dump((FORMAT, checker_version(), tag), f, protocol=pickle.HIGHEST_PROTOCOL)
            _dump(f, live, copy_to)
            self._copy_pending(f, copy_to)
        if copy_to is not None:
            os.replace(_beside(self._texts_path), self._texts_path)
        os.replace(_beside(self.path), self.path)  # last: the old log's tag fails with the new texts


def _beside(path: Path) -> Path:
    """Where a file is written before it replaces `path` (cache.tidy knows the name)."""
    return path.with_name(path.name + ".new")


def _texts_file(path: Path) -> tuple[TextStore, bytes]:
    """An empty texts file at `path`, opening with a new tag."""
    tag = os.urandom(TAG)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
    os.write(fd, tag)
    return TextStore(fd), tag


def _dump(f: BinaryIO, records: Iterable[Record], copy_to: TextStore | None = None) -> None:
    batch: list[Record] = []
    for record in records:
        batch.append(record)
        if len(batch) == BATCH:
            _pickler(f, copy_to).dump(batch)
            batch = []
    if batch:
        _pickler(f, copy_to).dump(batch)
