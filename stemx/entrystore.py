"""A national register's entries kept on disk, with only their ids and places in memory.

An entry's objects take about 1.7 KB (descriptions are already in a TextStore): at 150,000
employers and 600,000 opportunities, 1.3 GB in the main process and as much again in the
pages process, since a forked process copies every memory page whose objects it reads
(reading writes their reference counts). Above ENTRIES_IN_MEMORY, validation pickles each
entry of a whole register into a file as it is made (about 850 bytes) and a stage reads one
back (about 10 us) each time it asks: stages hold the entries they are working on, never all.
Smaller registers keep their entries as objects in a dict, which is faster to read.

A store also keeps each entry's file digest (what rebuilds key its pages by) in one bytes
object, 16 bytes an entry: a dict by file path took ~190 bytes an entry, 140 MB of each
process of a national build.
"""

from __future__ import annotations

import io
import pickle
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from typing import Any, Generic, TypeVar, overload

from .texts import StoredText, TextStore

ENTRIES_IN_MEMORY = 200_000  # files in a whole register (both kinds) whose entries stay objects
DIGEST_SIZE = 16  # bytes of a file digest (cache.file_digest)

E = TypeVar("E")


class EntryStore(Mapping[str, E], Generic[E]):
    """Entries by id, pickled one by one into an unnamed temporary file.

    add() them in any order, then seal() once: the ids are then sorted and looked up by
    bisection (a list of the ids and two arrays: about 90 bytes an entry, where a dict of
    objects takes 1.8 KB). Each lookup makes the entry again, a new object each time.
    Descriptions stay where they are (`texts`): an entry refers to its text by its place.
    """

    def __init__(self, texts: TextStore | None = None) -> None:
        self._texts = texts
        self._file = TextStore()
        self._ids: list[str] = []
        self._offsets = array("q")
        self._sizes = array("l")
        # Each entry's file digest in the order of _ids, or None once an entry came without one.
        self._digests: bytearray | bytes | None = bytearray()
        self._sealed = False
        self._buffer = io.BytesIO()
        self._pickler = pickle.Pickler(self._buffer, protocol=pickle.HIGHEST_PROTOCOL)
        self._pickler.persistent_id = self._text_place  # type: ignore[method-assign]

    def add(self, key: str, entry: E, digest: bytes | None = None) -> Stored:
        """Keep `entry` under `key`, with the digest of its file if known (the store keeps digests
        only if every entry has one); returns where it is (which, unlike a key, can be read before seal())."""
        assert not self._sealed, "an entry store is added to before it is sealed"
        if digest is None or self._digests is None:
            self._digests = None
        else:
            assert len(digest) == DIGEST_SIZE
            self._digests += digest
        buffer = self._buffer
        buffer.seek(0)
        buffer.truncate()
        self._pickler.clear_memo()
        self._pickler.dump(entry)
        data = buffer.getvalue()
        offset = self._file.append(data)
        self._ids.append(key)
        self._offsets.append(offset)
        self._sizes.append(len(data))
        return Stored(self, offset, len(data))

    def seal(self) -> EntryStore[E]:
        """Sort by id (an id added twice: its last entry stands, as in a dict); returns itself."""
        ids = self._ids
        order = sorted(range(len(ids)), key=ids.__getitem__)
        last = {key: i for i, key in enumerate(ids)}
        order = [i for i in order if last[ids[i]] == i]
        self._ids = [ids[i] for i in order]
        self._offsets = array("q", (self._offsets[i] for i in order))
        self._sizes = array("l", (self._sizes[i] for i in order))
        if self._digests is not None and ids:
            digests = self._digests
            self._digests = b"".join(digests[i * DIGEST_SIZE : (i + 1) * DIGEST_SIZE] for i in order)
        self._sealed = True
        return self

    def _text_place(self, obj: Any) -> tuple[int, int] | None:
        if type(obj) is StoredText:
            store, offset, size = obj.span
            if store is self._texts:
                return offset, size
        return None  # anything else, a text of another store too, pickled as itself

    def _load(self, i: int) -> E:
        entry = self.load_at(self._offsets[i], self._sizes[i])
        # Its id as this store's own string: the lists and dicts the stages key by id then share
        # one copy rather than one per entry made (~60 MB at 600,000 opportunities).
        key = self._ids[i]
        if getattr(entry, "id", None) == key:
            object.__setattr__(entry, "id", key)
        return entry

    def load_at(self, offset: int, size: int) -> E:
        # Unrestricted unpickling: the file is this store's own, unnamed, written by this process alone.
        unpickler = pickle.Unpickler(io.BytesIO(self._file.read_bytes(offset, size)))
        texts = self._texts
        if texts is not None:
            unpickler.persistent_load = lambda place: StoredText(texts, *place)  # type: ignore[method-assign]
        entry: E = unpickler.load()
        return entry

    def _index(self, key: object) -> int:
        i = bisect_left(self._ids, key) if isinstance(key, str) else len(self._ids)
        return i if i < len(self._ids) and self._ids[i] == key else -1

    @property
    def digested(self) -> bool:
        """Whether the store has the digest of every entry's file (and at least one entry)."""
        return bool(self._digests)

    def digest(self, key: str) -> bytes | None:
        """The digest of the file of the entry under `key`; None if it has none or is not here."""
        i = self._index(key)
        if i < 0 or not self._digests:
            return None
        return bytes(self._digests[i * DIGEST_SIZE : (i + 1) * DIGEST_SIZE])

    def add_digests_to(self, digest: Any) -> None:
        """Feed every id and file digest, in id order, to a hashlib digest (Register.content_digest)."""
        ids = self._ids
        for i in range(0, len(ids), 10_000):  # in parts: all at once, 80 MB more for a moment
            digest.update("\0".join(ids[i : i + 10_000]).encode() + b"\0")
        digest.update(self._digests or b"")

    def __getitem__(self, key: str) -> E:
        i = self._index(key)
        if i < 0:
            raise KeyError(key)
        return self._load(i)

    def __contains__(self, key: object) -> bool:
        return self._index(key) >= 0

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def values(self) -> Iterator[E]:  # type: ignore[override]
        """Every entry in id order, made one at a time."""
        return map(self._load, range(len(self._ids)))

    def items(self) -> Iterator[tuple[str, E]]:  # type: ignore[override]
        return zip(self._ids, self.values(), strict=True)


class KeyTable(MutableMapping[str, "bytes | None"]):
    """Keys of DIGEST_SIZE bytes, or None, by the ids of an EntryStore, set one by one (Register's
    entry keys): 17 bytes an entry, where a dict of them took ~90 (55 MB at 600,000
    opportunities, in each process that asks for every one)."""

    __slots__ = ("_store", "_keys", "_set", "_count")

    def __init__(self, store: EntryStore[Any]) -> None:
        self._store = store
        self._keys = bytearray(DIGEST_SIZE * len(store))
        self._set = bytearray(len(store))  # 0: no key set; 1: the key in _keys; 2: None
        self._count = 0

    def _position(self, key: str) -> int:
        i = self._store._index(key)
        if i < 0:
            raise KeyError(key)
        return i

    def __getitem__(self, key: str) -> bytes | None:
        i = self._position(key)
        if not self._set[i]:
            raise KeyError(key)
        return bytes(self._keys[i * DIGEST_SIZE : (i + 1) * DIGEST_SIZE]) if self._set[i] == 1 else None

    def __setitem__(self, key: str, value: bytes | None) -> None:
        i = self._position(key)
        self._count += not self._set[i]
        if value is None:
            self._set[i] = 2
        else:
            assert len(value) == DIGEST_SIZE
            self._keys[i * DIGEST_SIZE : (i + 1) * DIGEST_SIZE] = value
            self._set[i] = 1

    def __delitem__(self, key: str) -> None:
        i = self._position(key)
        if not self._set[i]:
            raise KeyError(key)
        self._set[i] = 0
        self._count -= 1

    def __iter__(self) -> Iterator[str]:
        return (key for key, made in zip(self._store, self._set, strict=True) if made)

    def __len__(self) -> int:
        return self._count


class Stored:
    """Where an entry is in an EntryStore: what the checked-file log holds of it until it
    pickles the entry itself (checklog.py)."""

    __slots__ = ("store", "offset", "size")

    def __init__(self, store: EntryStore[Any], offset: int, size: int) -> None:
        self.store, self.offset, self.size = store, offset, size

    def load(self) -> Any:
        return self.store.load_at(self.offset, self.size)


class EntryList(Sequence[E], Generic[E]):
    """A list of entries held as their ids, each made when read (a browse list of a national
    register would otherwise hold every entry). Slices are EntryLists too."""

    __slots__ = ("keys", "entries")

    def __init__(self, keys: list[str], entries: Mapping[str, E]) -> None:
        self.keys, self.entries = keys, entries

    def __len__(self) -> int:
        return len(self.keys)

    @overload
    def __getitem__(self, i: int) -> E: ...
    @overload
    def __getitem__(self, i: slice) -> EntryList[E]: ...
    def __getitem__(self, i: int | slice) -> E | EntryList[E]:
        if isinstance(i, slice):
            return EntryList(self.keys[i], self.entries)
        return self.entries[self.keys[i]]

    def __iter__(self) -> Iterator[E]:
        return map(self.entries.__getitem__, self.keys)
