"""The output layer: every file of the site is written through one Output, which alone knows
what each file was made from.

A stage gets a Writer (the Output seen by that stage) and hands it pages and files with the
inputs they are made from. The Output then
- keys each file: a digest of the build's settings (every BuildConfig field that shapes output,
  and the code, templates and static files), the file's name and the inputs the stage names.
  A file written without inputs is always made again, so a forgotten input costs time, never
  a stale page;
- reuses: a file whose key is unchanged is linked from the published site instead of written;
- carries over a stage's whole group of files (data/, a search index) when the group's inputs
  are unchanged, with the result the stage reported when it made them;
- keeps a batch of files (2,000 opportunities' pages, the pages of a list) as the published site
  has them when the batch's inputs are unchanged: one key for the batch, not one per file;
- refuses a path two stages (or one stage twice) would write, naming both, in every process;
- keeps the manifest (path -> producer and key), which the next build reuses from and the
  sitemap is made from;
- patches (a rebuild over a site it published): only new and changed files are written to the
  staging folder; commit() moves them into the published site and deletes the ones that went,
  instead of a whole new site made of links (at 40,000 opportunities, 90,000 folders a build);
- in place (`serve`, as an entry file is saved): rewrites a few files of the published site,
  each replaced whole, and adds them to its manifest.

The manifest lives in the cache folder; the site holds its digest, so a site built any other
way is never mixed in.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import queue
import shutil
import threading
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from .cache import cache_file, checker_version
from .collector import collector_paused
from .config import BuildConfig
from .errors import BuildError
from .publish import remove_later, set_aside

if TYPE_CHECKING:
    from jinja2 import Environment

    from .model import Register

MANIFEST_ID = ".stemx-manifest"  # in the site: the digest of the manifest it was built with

# Patching: published files at least LARGE bytes that are replaced are linked into REPLACED, in
# the staging folder, rather than freed as they are replaced (Output.commit).
LARGE = 1 << 20
REPLACED = ".replaced"
PATCH_KEPT = 0.5  # the share of the site's files a rebuild must keep to be moved in (Output.settle)

_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC  # Output.put: a new file only

# BuildConfig fields that change no byte of the output: where things are read from and written
# to, and how strictly warnings count. Every other field is in every file's key.
NOT_OUTPUT = frozenset({"content_dir", "out_dir", "cache_dir", "strict"})

# A batch's line among a manifest's results (Writer.batch): "<producer>#<batch name>".
BATCH = "#"

# Lines a forked stage holds before it hands them to its parent early (Output.spill): at
# 600,000 opportunities the pages process makes ~1.25 million, ~300 MB held to the end.
SPILL_LINES = 50_000
# Folders an Output remembers having made (one mkdir each, not one per file): a bound, for
# 750,000 entries' folders would be ~70 MB held to the end of the build.
FOLDERS_KEPT = 10_000


class OutputCollision(BuildError):
    """Two producers would write the same path."""


class Made(NamedTuple):  # a tuple: the manifest has a line per file, pickled at every build
    """One line of the manifest: who made a path, from what, and how many files it is (a
    path ending in "/" is a whole folder one producer owns)."""

    producer: str
    key: bytes | None = None  # None: made without declared inputs, so never reused
    files: int = 1


@cache
def folder_digest(folder: Path) -> str:
    """A digest of every file below `folder` (templates, static files, a previous release)."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def settings_digest(config: BuildConfig, dated: bool = True) -> bytes:
    """What every file of the build is made from besides its own inputs: the code and each
    setting that shapes output (a folder setting by its files' contents, not its name).
    Without `dated`, not the build date: for what takes the date from each entry's key."""
    digest = hashlib.blake2b(checker_version().encode(), digest_size=16)
    for f in fields(config):
        if f.name in NOT_OUTPUT or (f.name == "today" and not dated):
            continue
        value = getattr(config, f.name)
        shown = folder_digest(value) if isinstance(value, Path) and value.is_dir() else repr(value)
        digest.update(f"{f.name}={shown}\n".encode())
    return digest.digest()


class Output:
    """The site being built in `folder`: a staging folder, swapped in or moved in (commit) when the build is done."""

    def __init__(
        self, folder: Path, config: BuildConfig, register: Register | None = None, *, in_place: bool = False
    ) -> None:
        """`in_place`: rewrite a few files of the published site itself (`serve`, as a file is
        saved), each replaced whole, and add them to its manifest (save_in_place)."""
        self.folder, self.config, self.in_place = folder, config, in_place
        self.published = config.out_dir
        self._root, self._published = str(folder), str(config.out_dir)
        self._base = settings_digest(config)
        self._undated = settings_digest(config, dated=False)
        # Reuse needs a cache folder (for the manifest) and digests of the entries (for keys).
        self._manifest = (
            cache_file(config.cache_dir, "manifest", config.out_dir)
            if config.cache_dir is not None and register is not None and register.digested
            else None
        )
        self.old: dict[str, Made] = {}
        self.old_results: dict[str, tuple[bytes, Any]] = {}
        self._removed: set[str] = set()
        self._id: str | None = None  # in place: the published manifest's digest, while it is withdrawn
        if self._manifest is not None and not in_place:
            self.old, self.old_results = self._load(self._manifest)
        elif self._manifest is not None:
            # Until the manifest knows the new files, no build may reuse from this folder: a
            # build stopped half-way then costs time, never a stale page.
            id_file = self.published / MANIFEST_ID
            try:
                self._id = id_file.read_text(encoding="ascii")
                id_file.unlink()
            except OSError:
                pass
        # A manifest that matches the published site: build only what changed, then move it in.
        self.patching = bool(self.old) and not in_place
        self.made: dict[str, Made] = {}
        self._owned: tuple[str, ...] = ()  # the folders claimed whole, (some) since gone from `made`
        self.results: dict[str, tuple[bytes, Any]] = {}  # producer -> (group key, result)
        self.reused = 0
        self._folders: set[str] = set()  # folders made so far (one mkdir each)
        self._spill: int | None = None  # in a forked stage: the file its lines go to early (spill)
        self.open_batches = 0  # Writer.batch calls under way: no line of theirs may go early

    def writer(self, producer: str) -> Writer:
        return Writer(self, producer)

    # -- keys and the manifest

    def key(self, path: str, inputs: tuple[object, ...], dated: bool = True) -> bytes:
        # Pickled rather than repr'd: half the time for a list page's twenty entry keys, and
        # as exact (other inputs give other bytes; a value that pickles otherwise, were an object
        # to appear twice in one key, would cost a rendering, never a stale page).
        base = self._base if dated else self._undated
        return hashlib.blake2b(pickle.dumps((path, inputs), protocol=5), digest_size=16, key=base).digest()

    @property
    def reusing(self) -> bool:
        return self._manifest is not None

    def claim(self, path: str, made: Made) -> None:
        """Record `path` as `made`; a path already made, or one inside a folder another
        stage owns, is an error naming both producers."""
        other = self._owner(path)
        if other is not None:
            raise OutputCollision(_collision(path, other.producer, made.producer))
        self.made[path] = made
        if path.endswith("/"):
            self._owned += (path,)

    def handover(self) -> bytes:
        """What this Output made, for the process that forked it (merge): as columns, which
        pickle in a fraction of the time of 92,000 named tuples at 10,000 employers."""
        return _dumps(self.made, self.results, self.reused)

    def spill_to(self, fd: int) -> None:
        """In a forked stage's process: hand lines over through the file `fd` as they pile up
        (spill) rather than all at the end; the parent merges them from it (merge_spilled)."""
        self._spill = fd

    def spill(self) -> bool:
        """Hand over what was made so far (see spill_to), once it is SPILL_LINES lines and no batch is
        under way (a batch's result names its paths). A path made again later is still found: the
        parent checks each part against all the others as it merges them."""
        if self._spill is None or self.open_batches or len(self.made) < SPILL_LINES:
            return False
        data = self.handover()
        view = memoryview(len(data).to_bytes(8, "little") + data)
        while view:
            view = view[os.write(self._spill, view) :]
        self.made, self.results, self.reused = {}, {}, 0
        return True

    def merge_spilled(self, fd: int) -> None:
        """Merge what a forked stage handed over early through the file `fd` (spill)."""
        with os.fdopen(os.dup(fd), "rb") as spilled:
            spilled.seek(0)
            while size := int.from_bytes(spilled.read(8), "little"):
                self.merge(spilled.read(size))

    def merge(self, handed: bytes) -> None:
        """Add what a stage in another process made (handover); a path both made, or one inside
        a folder the other owns, is an error naming both producers."""
        made, results, reused = _loads(handed)
        clashes = {p: self.made[p] for p in made.keys() & self.made.keys()}
        given = tuple(p for p in made if p.endswith("/"))
        owned = tuple(f for f in self._owned if f in self.made)
        for mine, folders, theirs in ((self.made, owned, made), (made, given, self.made)):
            if folders:
                inside = (p for p in theirs if p.startswith(folders))
                clashes |= {p: next(mine[f] for f in folders if p.startswith(f)) for p in inside}
        if clashes:
            path = min(clashes)
            raise OutputCollision(
                _collision(path, clashes[path].producer, (made.get(path) or self.made[path]).producer)
            )
        self.made |= made
        self._owned += given
        self.results |= results
        self.reused += reused

    def count(self, producer: str) -> int:
        return sum(m.files for m in self.made.values() if m.producer == producer)

    def pages(self) -> list[str]:
        """Every page's address ("" for the home page, "opportunities/x/"), from the manifest."""
        return [p[: -len("index.html")] for p in self.made if p == "index.html" or p.endswith("/index.html")]

    def save(self) -> None:
        """Write the manifest beside the finished site (`publish` moves it in place once the site is)."""
        if self._manifest is None:
            return
        data = _dumps(self.made, self.results, sort=True)
        (self.folder / MANIFEST_ID).write_text(_digest(data), encoding="ascii")
        self._manifest.parent.mkdir(parents=True, exist_ok=True)
        self._manifest.with_name(self._manifest.name + ".new").write_bytes(data)

    def publish(self) -> None:
        """The site is in place: its manifest becomes the one the next build reuses from."""
        if self._manifest is not None:
            pending = self._manifest.with_name(self._manifest.name + ".new")
            if pending.exists():
                os.replace(pending, self._manifest)

    def save_in_place(self) -> None:
        """Add the files rewritten in place to the published site's manifest (and drop the removed
        ones), so the next build reuses them; without a readable manifest, reuse stays off."""
        if self._manifest is None or self._id is None:
            return
        made, results = self._load(self._manifest, self._id)
        if not made:
            return
        made |= self.made
        # A batch is kept whole by its key alone (Writer.batch): one that holds a file rewritten
        # or removed here is dropped, so the next whole build makes it file by file.
        changed = self.made.keys() | self._removed
        results = {n: r for n, r in results.items() if BATCH not in n or changed.isdisjoint(r[1])}
        for path in self._removed:
            made.pop(path, None)
        pending = self._manifest.with_name(f"{self._manifest.name}.{os.getpid()}.new")
        data = _dumps(made, results, sort=True)
        pending.write_bytes(data)
        os.replace(pending, self._manifest)
        self.put(MANIFEST_ID, _digest(data).encode("ascii"))  # last: the manifest is whole

    def _load(self, path: Path, expected: str | None = None) -> tuple[dict[str, Made], dict[str, tuple[bytes, Any]]]:
        """The manifest at `path` if it is the published site's (its digest is `expected`, or the one in the site)."""
        try:
            data = path.read_bytes()
            if (expected or (self.published / MANIFEST_ID).read_text(encoding="ascii")) == _digest(data):
                made, results, _ = _loads(data)
                return made, results
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
            pass
        return {}, {}

    # -- files on disk

    def put(self, path: str, data: bytes) -> None:
        self.put_parts(path, (data,))

    def put_parts(self, path: str, parts: Iterable[bytes]) -> None:
        """Write the file at `path` from its parts in turn; in place, into a temporary file renamed
        over it, so a visitor reads the old file or the new one, never half of one."""
        target = self._staged(path)
        if self.in_place:
            temporary = f"{target}.{os.getpid()}.tmp"
            try:
                with open(temporary, "wb") as f:
                    f.writelines(parts)
            except BaseException:  # the parts failed: the published file stays as it was
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temporary)
                raise
            os.replace(temporary, target)
            return
        try:  # a new file in one system call, not an unlink attempt first: 92,000 files a build
            fd = os.open(target, _CREATE, 0o666)
        except FileExistsError:  # a link into the published site (kept earlier): never written through
            os.unlink(target)
            fd = os.open(target, _CREATE, 0o666)
        size = 0
        try:  # os.write, not a file object: its buffer and wrapper cost more than the write here
            for data in parts:
                size += len(data)
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        if size >= LARGE:
            self.write_out_soon(path)

    def write_out_soon(self, path: str) -> None:
        """When patching, start writing a large staged file to disk now, in a thread of its own, where
        it replaces a published one. ext4 (the usual Linux file system) writes out a file renamed
        over another as it is renamed: done in commit() for the ~700 MB of data files a one-file
        rebuild replaces at 10,000 employers, that held up the end of the build by 0.5 s; done as
        each file is finished, it overlaps the rest of the build."""
        if self.patching and os.path.exists(f"{self._published}/{path}"):
            with contextlib.suppress(OSError):
                if os.stat(f"{self._root}/{path}").st_size >= LARGE:
                    _write_out(f"{self._root}/{path}")

    def remove(self, path: str) -> None:
        """In place: delete a file the site no longer has (an entry's page, once its file is gone)."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{self._root}/{path}")
        if path.endswith("/index.html"):  # an empty folder would be served as a file listing
            with contextlib.suppress(OSError):
                os.rmdir(f"{self._root}/{path.removesuffix('/index.html')}")
        self._removed.add(path)

    def forget(self, path: str) -> None:
        """In place: leave `path` out of the manifest, so that the next build makes it again."""
        self._removed.add(path)

    def target(self, path: str) -> Path:
        """The staged file for `path`, its folder made."""
        return Path(self._staged(path))

    def _staged(self, path: str) -> str:
        # Strings, not Paths: at 100,000 files a build, pathlib's parsing costs more than the link.
        parent = path.rpartition("/")[0]
        if parent and parent not in self._folders:  # one mkdir per folder, not per file
            try:  # most folders' parents are made already: one system call, not makedirs' several
                os.mkdir(f"{self._root}/{parent}")
            except FileNotFoundError:
                os.makedirs(f"{self._root}/{parent}", exist_ok=True)
            except FileExistsError:
                pass
            if len(self._folders) >= FOLDERS_KEPT:  # a folder's files are written together: recent ones will do
                self._folders.clear()
            self._folders.add(parent)
        return f"{self._root}/{path}"

    def keep(self, path: str, files: int = 1) -> bool:
        """Keep `path` as the published site has it (intact): left where it is when patching,
        else linked into the new site; False when it is not there as it was made."""
        return self.intact(path, files) and (self.patching or self.link(path))

    def intact(self, path: str, files: int = 1) -> bool:
        """Whether the published site has `path`: a file, or a folder (ending in "/") of as many
        files as it was made with (one that gained a stray file or lost one is made again)."""
        if path.endswith("/"):
            return os.path.isdir(f"{self._published}/{path}") and _files_below(f"{self._published}/{path}") == files
        return os.path.exists(f"{self._published}/{path}")

    def find(self, path: str) -> Path:
        """Where `path` of this build is: written by it, or kept from the published site."""
        staged = self.folder / path
        return staged if not self.patching or staged.exists() else self.published / path

    def settle(self) -> bool:
        """When patching, whether to move the staged files in (commit) rather than swap: yes when at
        least PATCH_KEPT of the site's files are kept. Else (a new build date, a template changed) moving
        most files in one by one would be slower than a swap and leave visitors a mix of old and
        new pages for longer, so the kept files are linked into the staging folder, which is then
        the whole site."""
        if not self.patching:
            return False
        if self.reused >= PATCH_KEPT * sum(m.files for m in self.made.values()):  # counted as they were kept
            return True
        for path in [p for p, m in self.made.items() if m.key is not None and self.old.get(p) == m]:
            if not os.path.lexists(self._staged(path.rstrip("/"))):  # rewritten: it was gone from the site
                self.link(path)
        return False

    def commit(self) -> None:
        """Patching: move this build's files into the published site, delete those it no longer
        has, then the manifest id. Until that last step the site has none, so a build stopped
        half-way leaves a site no build reuses from (the next one is made whole)."""
        published = self.published
        (published / MANIFEST_ID).unlink(missing_ok=True)
        os.mkdir(f"{self._root}/{REPLACED}")
        aside = self._move_in("")
        for path in self.old.keys() - self.made.keys():
            if self._owner(path) is None:
                target = published / path
                if path.endswith("/"):
                    if target.is_dir():
                        aside.append(set_aside(target, published))
                    continue
                target.unlink(missing_ok=True)
                if target.parent != published:
                    with contextlib.suppress(OSError):  # an empty folder would be served as a file listing
                        target.parent.rmdir()
        os.replace(self.folder / MANIFEST_ID, published / MANIFEST_ID)
        remove_later(aside)

    def _move_in(self, folder: str) -> list[Path]:
        """Move what is staged below `folder` into the published site: a file replaces its
        namesake; a folder one stage owns, or one the site lacks, moves whole. Returns the
        replaced folders, set aside for removal."""
        aside: list[Path] = []
        with os.scandir(f"{self._root}/{folder}") as items:
            for item in items:
                path = folder + item.name
                target = f"{self._published}/{path}"
                if path in (MANIFEST_ID, REPLACED):
                    continue
                if not item.is_dir():
                    if os.path.isdir(target):  # a folder last time, a file now
                        aside.append(set_aside(Path(target), self.published))
                    else:
                        self._keep_replaced(target, path)
                    os.replace(item.path, target)
                elif path + "/" in self.made or not os.path.isdir(target):
                    if os.path.lexists(target):
                        aside.append(set_aside(Path(target), self.published))
                    os.replace(item.path, target)
                else:
                    aside += self._move_in(path + "/")
        return aside

    def _keep_replaced(self, target: str, path: str) -> None:
        """Link a large published file about to be replaced into the staging folder, which is
        removed in the background once the build is done: freeing the blocks of the data files
        (about 700 MB at 10,000 employers) took 0.3-0.5 s of a one-file rebuild in the rename."""
        try:
            if os.stat(target).st_size >= LARGE:
                os.link(target, f"{self._root}/{REPLACED}/{path.replace('/', '%')}")
        except OSError:  # not there (a new file), or no link here: the rename frees it
            pass

    def _owner(self, path: str) -> Made | None:
        """What this build made at `path`, or the folder around it one stage owns, innermost first."""
        found = self.made.get(path)
        if found is None and path.startswith(self._owned):  # one C call for the ~100,000 paths outside them
            around = [f for f in self._owned if path.startswith(f) and f != path and f in self.made]
            found = self.made[max(around, key=len)] if around else None
        return found

    def link(self, path: str) -> bool:
        """Link `path` (a file, or a folder ending in "/") from the published site."""
        source, target = f"{self._published}/{path}", self._staged(path.rstrip("/"))
        try:
            if path.endswith("/"):
                if not os.path.isdir(source):
                    return False
                shutil.copytree(source, target, copy_function=link_or_copy, dirs_exist_ok=True)
            else:
                link_or_copy(source, target)
        except FileNotFoundError:
            return False
        return True


class Writer:
    """The Output as one stage sees it: everything it writes is recorded under its name."""

    def __init__(self, output: Output, producer: str) -> None:
        self.output, self.producer, self.config = output, producer, output.config
        self._env: Environment | None = None
        self.paths: list[str] = []  # what this stage made, in order

    @property
    def env(self) -> Environment:
        """The stage's templates (made on first use; a stage may add its own globals)."""
        if self._env is None:
            from .site.env import make_environment

            self._env = make_environment(self.config)
        return self._env

    def page(
        self,
        path: str,
        template: str,
        inputs: tuple[Any, ...] | None = None,
        lazy: Callable[[], dict[str, Any]] | None = None,
        **context: Any,
    ) -> None:
        """Render `template` to `path` ("opportunities/x/" -> opportunities/x/index.html) unless
        the page was made from the same inputs last time. `lazy` gives context that is worth
        making only when the page is rendered (structured data, links)."""
        file = path + "index.html" if path.endswith("/") or path == "" else path
        key = self.key(file, None if inputs is None else (template, inputs))
        if not self.reused(file, key):
            more = lazy() if lazy is not None else {}
            self.text(file, self.env.get_template(template).render(page_path=path, **context, **more), key)

    def key(self, file: str, inputs: tuple[Any, ...] | None) -> bytes | None:
        """The key of `file` made from `inputs`; None (always made) without a manifest to
        reuse from, or when an input has no digest (None).

        The build date is not in it: what the date changes in a file must be among its inputs
        (an opportunity's Opportunity.as_of), so that a daily build renders again only the
        pages whose opportunities closed or passed a date. A file without inputs is always made."""
        if inputs is None or not self.output.reusing or None in inputs:
            return None
        return self.output.key(file, inputs, dated=False)

    def reused(self, file: str, key: bytes | None) -> bool:
        """Link `file` from the published site if the last build made it from the same inputs."""
        old = self.output.old.get(file) if key is not None else None
        if old is None or old.key != key or old.producer != self.producer:
            return False
        self._claim(file, old)
        if not self.output.keep(file, old.files):  # gone from the published site: the caller writes it
            del self.output.made[file]
            self.paths.pop()
            return False
        self.output.reused += old.files
        return True

    def batch(self, name: str, inputs: tuple[Any, ...], make: Callable[[], None]) -> None:
        """Files made together from `inputs` (an input that is None: never kept), such as the pages of
        2,000 opportunities: kept as the published site has them, all at once, when the last
        build made the batch from the same inputs; else `make()` makes them (each still reused
        by its own key where it can). One key for the batch rather than one per file: at 10,000
        employers a rebuild kept its 93,000 files at 15-30 us each, most of it each file's key."""
        key = self.key(f"{BATCH}{name}", inputs)
        batch = f"{self.producer}{BATCH}{name}"
        if key is not None and self._kept(batch, key):
            return
        start = len(self.paths)
        self.output.open_batches += 1
        try:
            make()
        finally:
            self.output.open_batches -= 1
        if key is not None:  # what make() claimed, in the manifest's own strings (one copy pickled)
            self.output.results[batch] = (key, tuple(self.paths[start:]))
        if self.output.spill():
            self.paths.clear()  # handed over: held here, they would stay in memory all the same

    def _kept(self, batch: str, key: bytes) -> bool:
        old_key, files = self.output.old_results.get(batch, (None, ()))
        if old_key != key:
            return False
        found = list(map(self.output.old.get, files))
        if None in found:
            return False
        lines = cast(list[Made], found)
        if any(m.producer != self.producer for m in lines) or not self._keep_all(list(zip(files, lines, strict=True))):
            return False  # made file by file, each kept by its own key where it can be
        self.output.results[batch] = (key, files)
        return True

    def _keep_all(self, group: list[tuple[str, Made]]) -> bool:
        """Keep these files of the published site, each with its line of the manifest: all of
        them, or none when one is missing (someone removed part of the published copy)."""
        if not group or not all(self.output.intact(path, made.files) for path, made in group):
            return False
        for path, made in group:
            self._claim(path, made)
            if not self.output.patching:
                self.output.link(path)
        self.output.reused += sum(made.files for _, made in group)
        return True

    def text(self, file: str, content: str, key: bytes | None = None) -> None:
        self.data(file, content.encode("utf-8"), key)

    def text_parts(self, file: str, parts: Iterable[str], key: bytes | None = None) -> None:
        """A text file written as its parts are made: a place's calendar at 600,000 opportunities is
        ~100 MB, and made whole it took three times that at once (its parts, the text, its bytes)."""
        self._claim(file, Made(self.producer, key))
        self.output.put_parts(file, _encoded(parts))

    def data(self, file: str, data: bytes, key: bytes | None = None) -> None:
        self._claim(file, Made(self.producer, key))
        self.output.put(file, data)

    def path(self, file: str, key: bytes | None = None) -> Path:
        """Claim `file` for a library that writes it itself (SQLite, a zip); returns where."""
        self._claim(file, Made(self.producer, key))
        target = self.output.target(file)
        target.unlink(missing_ok=True)
        return target

    def wrote(self, file: str, key: bytes | None = None) -> None:
        """Claim a file a library has written already (the open data's SQLite, XLSX and zip)."""
        self._claim(file, Made(self.producer, key))
        self.output.write_out_soon(file)

    def folder(self, folder: str, key: bytes | None = None) -> Path:
        """Claim a whole folder ("search/index-x/") that only this stage writes into; call
        sealed() when it is complete, so the manifest knows how many files it holds."""
        self._claim(folder, Made(self.producer, key, files=0))
        target = self.output.target(folder.rstrip("/"))
        target.mkdir(parents=True, exist_ok=True)
        return target

    def sealed(self, folder: str) -> None:
        record = self.output.made[folder]
        self.output.made[folder] = Made(record.producer, record.key, _files_below(f"{self.output.folder}/{folder}"))

    def copy(self, source: Path, folder: str) -> None:
        """Copy a folder of files as they are (the static files) into a folder of the site,
        unless the published site has them from the same files (a folder setting is in every key)."""
        if self.reused(folder, key := self.key(folder, (folder_digest(source),))):
            return
        target = self.folder(folder, key)
        shutil.copytree(source, target, dirs_exist_ok=True)
        self.sealed(folder)

    # -- a group: files made together from one set of inputs (data/, a search index)

    def group_key(self, inputs: tuple[Any, ...], dated: bool = True) -> bytes:
        """Without `dated`: the key of what the build date reaches only through entry keys
        (Register.entry_key), such as the kept search records and the data files' layout, so
        that a new day keeps them for the entries it leaves alone."""
        return self.output.key(f"{self.producer}:", inputs, dated)

    def entries_key(self, register: Register) -> bytes | None:
        """The key of a group made from every entry (and the settings); None when nothing is reused."""
        entries = register.content_digest()
        return self.group_key((entries,)) if entries and self.output.reusing else None

    def carry(self, key: bytes | None) -> Any | None:
        """If this stage made a group from these inputs (`key`) last time, link all its files
        from the published site and return the result the stage reported then; else None."""
        if key is None or self.output.old_results.get(self.producer, (None,))[0] != key:
            return None
        group = [(p, m) for p, m in self.output.old.items() if m.producer == self.producer and m.key == key]
        if not self._keep_all(group):
            return None  # nothing to carry, or part of it gone
        return self.remember(key, self.output.old_results[self.producer][1])

    def published_text(self, file: str) -> str | None:
        """The published site's `file`, when the manifest this build reuses from describes the
        site (None without one, or when the file is not there): a stage may take parts of it."""
        if not self.output.old:
            return None
        try:
            return (self.output.published / file).read_bytes().decode("utf-8")  # as written: "\r\n" kept
        except (OSError, UnicodeDecodeError):
            return None

    def previous(self, key: bytes | None = None) -> Any | None:
        """What this stage reported about its group when it made the published site (None
        without one; with `key`, None unless the group was made from those inputs): the search
        stage patches the index it names."""
        old_key, result = self.output.old_results.get(self.producer, (None, None))
        return result if key is None or key == old_key else None

    def remember(self, key: bytes | None, result: Any) -> Any:
        """Keep what the stage reports about a group it made, for the build that carries it over."""
        if key is not None:
            self.output.results[self.producer] = (key, result)
        return result

    def _claim(self, path: str, made: Made) -> None:
        self.output.claim(path, made)
        self.paths.append(path)


_writing_out: tuple[int, queue.SimpleQueue[str]] | None = None  # (the process, its files to write out)
_starting = threading.Lock()  # serve writes files in place from its watcher thread too


def _write_out(path: str) -> None:
    """Have the file at `path` written to disk by this process's write-out thread (started on first use)."""
    global _writing_out
    with _starting:
        if _writing_out is None or _writing_out[0] != os.getpid():  # none yet, or the forked parent's
            _writing_out = (os.getpid(), queue.SimpleQueue())
            threading.Thread(target=_writer, args=(_writing_out[1],), name="write-out", daemon=True).start()
        paths = _writing_out[1]
    paths.put(path)


def _writer(paths: queue.SimpleQueue[str]) -> None:
    sync = getattr(os, "fdatasync", os.fsync)
    while True:
        path = paths.get()
        try:
            fd = os.open(path, os.O_RDONLY)
            try:
                sync(fd)
            finally:
                os.close(fd)
        except OSError:  # gone already (a build that failed): nothing to write out
            pass


def _encoded(parts: Iterable[str], size: int = 1 << 20) -> Iterator[bytes]:
    """The parts as UTF-8, joined into pieces of about `size` characters (a write each)."""
    held: list[str] = []
    length = 0
    for part in parts:
        held.append(part)
        length += len(part)
        if length >= size:
            yield "".join(held).encode("utf-8")
            held, length = [], 0
    if held:
        yield "".join(held).encode("utf-8")


def _files_below(folder: str) -> int:
    return sum(len(names) for _, _, names in os.walk(folder))


def standalone(folder: Path, config: BuildConfig, producer: str) -> Writer:
    """A Writer into `folder` for running one stage on its own (tests, benchmarks): nothing is reused."""
    folder.mkdir(parents=True, exist_ok=True)
    return Output(folder, config).writer(producer)


def _collision(path: str, first: str, second: str) -> str:
    who = f"the {first} stage" if first == second else f"the {first} and {second} stages"
    return (
        f"{who} would both write {path}: two entries or pages share an address. "
        "Check for two files with the same id, or a page address an entry's id also uses."
    )


def _digest(manifest: bytes) -> str:
    """What names a manifest (kept in the site it describes): a digest of its bytes."""
    return hashlib.blake2b(manifest, digest_size=16).hexdigest()


# The manifest on disk (and a child process's handover): its lines as columns (paths, producers,
# keys, file counts), the stages' results and the count of files reused. Pickled as they are,
# its ~93,000 named tuples at 10,000 employers took 0.26 s to read and 0.29 s to write at every
# build; as columns, about a third of that.
_FORMAT = 2


@collector_paused()  # a line each of its ~100,000 makes no garbage: collections would scan the heap for nothing
def _dumps(made: dict[str, Made], results: dict[str, tuple[bytes, Any]], reused: int = 0, sort: bool = False) -> bytes:
    """`sort`: the paths in order, so that the same manifest gives the same bytes (its digest)."""
    paths = sorted(made) if sort else list(made)
    # The lines' fields as columns by zip(*), in C rather than a Python loop each (97 -> 70 ms).
    by, keys, files = zip(*map(made.__getitem__, paths), strict=True) if made else ((), (), ())
    producers = sorted(set(by))
    code = {name: n for n, name in enumerate(producers)}
    columns = (array("H", map(code.__getitem__, by)), list(keys), array("q", files))
    return pickle.dumps((_FORMAT, paths, producers, *columns, results, reused), protocol=pickle.HIGHEST_PROTOCOL)


@collector_paused()
def _loads(data: bytes) -> tuple[dict[str, Made], dict[str, tuple[bytes, Any]], int]:
    version, paths, producers, codes, keys, files, results, reused = pickle.loads(data)
    if version != _FORMAT:
        raise ValueError("a manifest of another format")
    # Each line made by tuple.__new__ in C: a NamedTuple's own __new__ is Python (80 -> 41 ms).
    lines = map(partial(tuple.__new__, Made), zip(map(producers.__getitem__, codes), keys, files, strict=True))
    return dict(zip(paths, lines, strict=True)), results, reused


def link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except FileExistsError:
        os.unlink(target)
        os.link(source, target)
    except OSError as error:  # another filesystem, or links not allowed
        if isinstance(error, FileNotFoundError):
            raise
        shutil.copy2(source, target)
