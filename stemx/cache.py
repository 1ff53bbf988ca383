"""What a rebuild can reuse from the last build, so it redoes only what changed.

- EntryCache: what each content file said when checked. Checking (parse, schema, rules) is a
  pure function of the file's bytes, its place in the content folder and the checking code,
  so a file whose bytes are unchanged is not checked again (about 70 microseconds a file
  instead of 400).
- PageCache: the inputs each page was rendered from; unchanged pages are linked from the
  published site.
- carry_over / mark: a whole output folder (a search shard, data/) carried over when the
  digest of its inputs matches.

Caches are pickle files in the cache folder, written only by this program; a missing, stale
or unreadable one is simply rebuilt.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .config import ROOT

if TYPE_CHECKING:
    from .content import EntryFile, FileResult

Key = tuple[str, str, bytes]  # (kind, path as shown, digest of the bytes)


@cache
def checker_version() -> str:
    """A digest of the code and schemas that decide what a file says: any change empties the cache."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted([*(ROOT / "stemx").rglob("*.py"), *(ROOT / "schemas").glob("*.json")]):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _cache_file(cache_dir: Path, kind: str, folder: Path) -> Path:
    """One cache file per content folder (or output folder), named by its absolute path."""
    return cache_dir / f"{kind}-{hashlib.blake2b(str(folder.resolve()).encode(), digest_size=8).hexdigest()}.pickle"


class EntryCache:
    def __init__(self, cache_dir: Path, content_dir: Path) -> None:
        self.path = _cache_file(cache_dir, "entries", content_dir)
        self._old: dict[Key, FileResult] = self._load()
        self._new: dict[Key, FileResult] = {}  # what this run saw: the next run's cache
        self._added = False
        self.digests: dict[str, bytes] = {}  # path as shown -> digest of the bytes, for page keys

    def _load(self) -> dict[Key, FileResult]:
        try:
            with self.path.open("rb") as f:
                version, results = pickle.load(f)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
            return {}
        return results if version == checker_version() else {}

    def key(self, entry: EntryFile) -> Key | None:
        try:
            data = entry.path.read_bytes()
        except OSError:
            return None  # the check itself reports the unreadable file
        digest = hashlib.blake2b(data, digest_size=16).digest()
        self.digests[entry.source] = digest
        return (entry.kind, entry.source, digest)

    def get(self, key: Key | None) -> FileResult | None:
        if key is None or key not in self._old:
            return None
        self._new[key] = self._old[key]
        return self._old[key]

    def put(self, key: Key | None, result: FileResult) -> None:
        if key is not None:
            self._new[key] = result
            self._added = True

    def save(self) -> None:
        """Write what this run saw (entries of deleted files drop out), atomically."""
        if not self._added and len(self._new) == len(self._old):
            return  # every entry came from the cache and none went away
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.partial")
        with partial.open("wb") as f:
            pickle.dump((checker_version(), self._new), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, self.path)


ID_FILE = ".stemx-pages"  # in the site: which page manifest it was built with


class PageCache:
    """Which inputs each page was rendered from, so a rebuild renders only pages whose inputs
    changed and links the others from the published site.

    A page's key is a digest of everything that decides its bytes: the code, templates,
    static files and settings of the build, and the page's own inputs as the renderer names
    them (entry digests, position in a list, the counts it shows). The manifest lives in the
    cache folder; the site holds its digest, so a site built any other way is never mixed in.
    """

    def __init__(self, cache_dir: Path, out_dir: Path, settings: tuple[object, ...]) -> None:
        self.path = _cache_file(cache_dir, "pages", out_dir)
        self.published = out_dir
        self._base = hashlib.blake2b(repr(settings).encode(), digest_size=16).digest()
        self.old: dict[str, bytes] = self._load()
        self.new: dict[str, bytes] = {}

    def _load(self) -> dict[str, bytes]:
        try:
            with self.path.open("rb") as f:
                manifest: dict[str, bytes] = pickle.load(f)
            if (self.published / ID_FILE).read_text(encoding="ascii") == _digest(manifest):
                return manifest
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
            pass
        return {}

    def key(self, file: str, inputs: tuple[object, ...]) -> bytes:
        return hashlib.blake2b(repr((file, inputs)).encode(), digest_size=16, key=self._base).digest()

    def save(self, stage: Path) -> None:
        """Write the manifest beside the finished site (`finish` moves it in place after the swap)."""
        (stage / ID_FILE).write_text(_digest(self.new), encoding="ascii")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.with_name(self.path.name + ".new").open("wb") as f:
            pickle.dump(self.new, f, protocol=pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def finish(cache_dir: Path, out_dir: Path) -> None:
        final = _cache_file(cache_dir, "pages", out_dir)
        pending = final.with_name(final.name + ".new")
        if pending.exists():
            os.replace(pending, final)


def _digest(manifest: dict[str, bytes]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for file in sorted(manifest):
        digest.update(file.encode() + b"\0" + manifest[file])
    return digest.hexdigest()


@cache
def build_inputs(*folders: Path) -> str:
    """A digest of the code and of these folders (templates, static files): everything besides
    the content and the settings that shapes the pages."""
    digest = hashlib.blake2b(checker_version().encode(), digest_size=16)
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


INPUTS_FILE = ".stemx-inputs"  # in a carried-over folder: the digest of what it was made from


def carry_over(published: Path, staged: Path, inputs: str, ignore: tuple[str, ...] = ()) -> bool:
    """Link the published folder into the staging site when it was made from the same inputs
    (leaving out files named in `ignore`, which another stage writes there)."""
    try:
        if (published / INPUTS_FILE).read_text(encoding="ascii") != inputs:
            return False
    except OSError:
        return False
    shutil.copytree(
        published, staged, copy_function=_link_or_copy, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*ignore)
    )
    return True


def mark(staged: Path, inputs: str) -> None:
    (staged / INPUTS_FILE).write_text(inputs, encoding="ascii")


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # another filesystem, or links not allowed
        shutil.copy2(source, target)
