"""Long texts (the Markdown descriptions) kept in a temporary file instead of in memory.

Descriptions are 40% of what the register holds (about 1.7 KB of an opportunity's 4.3 KB),
and each is read by only a few stages (its page, its search record, its open-data rows). The
register keeps a small reference instead and reads the text back when a stage asks.
Reads use os.pread, which has no shared file position, so threads and forked processes
(the pages stage) can all read from the same file.
"""

from __future__ import annotations

import os
import tempfile
import threading
import weakref
from typing import Protocol

# Shorter texts stay in memory: their reference would cost about as much as they do.
KEEP_FROM = 160


class Text(Protocol):
    def __str__(self) -> str: ...


class StoredText:
    """A text written to a TextStore; str() reads it back."""

    __slots__ = ("_store", "_offset", "_size")

    def __init__(self, store: TextStore, offset: int, size: int) -> None:
        self._store, self._offset, self._size = store, offset, size

    def __str__(self) -> str:
        return self._store.read(self._offset, self._size)

    @property
    def span(self) -> tuple[TextStore, int, int]:
        """(store, offset, size in bytes): how the checked-file cache refers to it."""
        return self._store, self._offset, self._size

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other) if isinstance(other, (str, StoredText)) else NotImplemented

    def __hash__(self) -> int:
        return hash(str(self))

    def __repr__(self) -> str:
        return repr(str(self))

    def __reduce__(self) -> tuple[type[str], tuple[str]]:
        return str, (str(self),)  # pickled as the text itself: a file offset means nothing elsewhere


class TextStore:
    """An append-only file of texts. By default an unnamed temporary file: it has no name from
    the start, so the system frees it when the store is dropped or the process ends, and a
    failed build leaves nothing. The checked-file cache gives it a file of its own instead
    (checklog.py), which later builds read their unchanged entries' descriptions from."""

    def __init__(self, fd: int | None = None) -> None:
        if fd is None:
            fd, path = tempfile.mkstemp(prefix="stemx-texts-")
            os.unlink(path)  # unnamed from the start: the space is freed when the descriptor closes
        self._fd = fd
        self._end = os.fstat(fd).st_size  # written only past the end: what is there stays readable
        weakref.finalize(self, os.close, fd)  # closed once no entry refers to the store
        self._lock = threading.Lock()

    def keep(self, text: str) -> str | StoredText:
        if len(text) < KEEP_FROM:
            return text
        data = text.encode("utf-8")
        return StoredText(self, self.append(data), len(data))

    def append(self, data: bytes) -> int:
        """Write `data` at the end; returns where it starts."""
        with self._lock:
            offset = self._end
            self._end += len(data)
        os.pwrite(self._fd, data, offset)
        return offset

    def read(self, offset: int, size: int) -> str:
        return self.read_bytes(offset, size).decode("utf-8")

    def read_bytes(self, offset: int, size: int) -> bytes:
        data = os.pread(self._fd, size, offset)
        if len(data) != size:  # a file cut short: never a text silently shortened
            raise OSError(f"text store: {size} bytes at {offset} but only {len(data)} there")
        return data
