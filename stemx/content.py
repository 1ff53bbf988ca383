"""The content folder: find entry files, check each one, and build the Register.

Each file is checked on its own (parse, schema, rules), so the work is a pure function of
one file plus the set of employer ids: that keeps "validate just these files" fast and
lets whole-register checks run in parallel.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import pickle
import struct
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from datetime import date
from multiprocessing.process import BaseProcess
from operator import attrgetter
from pathlib import Path
from typing import Any

from . import entrystore, rules
from .cache import file_digest, unpickle
from .checklog import CheckedLog
from .collector import collector_paused
from .entrystore import EntryStore, Stored
from .errors import ContentError, Problem, UsageError
from .forks import child_signals, forked, signals_held, stop
from .load import LINK_MESSAGE, LoadError, load_problem, parse, read_bytes, read_stat
from .lookalikes import lookalike_names
from .model import Employer, Keep, Opportunity, Register, entry_type
from .schema_check import check_schema
from .texts import TextStore

FOLDERS = {"employer": "employers", "opportunity": "opportunities"}
SUFFIXES = (".yaml", ".yml")


def employer_registered(content_dir: Path) -> Callable[[str], bool]:
    """Whether an employer id has its file in `content_dir`, for checking one new entry
    without loading the register."""
    employers = content_dir / FOLDERS["employer"]
    return lambda entry_id: (employers / f"{entry_id}.yaml").is_file()


# What a file's status says of its bytes: inode, size, modified and changed times (ns), packed
# in 32 bytes (a tuple of four numbers would cost 200 bytes a file). The same signature means
# the same bytes, as for git and make: the changed time (ctime) cannot be set back, so a file
# written again differs in it even with its modified time restored.
Signature = bytes
RACY_NS = 2_000_000_000  # a file changed this recently when read might change again within its clock tick
_SIGNATURE = struct.Struct("<QQqq")


def signature(st: os.stat_result) -> Signature:
    return _SIGNATURE.pack(st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


@entry_type  # made for every file of the register at each build, and pickled to the workers
class EntryFile:
    kind: str  # "employer" | "opportunity"
    folder: Path  # shared by the files of one folder: a Path per file would cost ~300 bytes each
    name: str
    source: str  # the path as shown in messages
    signature: Signature | None = None  # when the folder was listed

    @classmethod
    def at(cls, kind: str, path: Path, source: str) -> EntryFile:
        return cls(kind, path.parent, path.name, source)

    @property
    def path(self) -> Path:
        return self.folder / self.name

    @property
    def stem(self) -> str:
        return self.name.rsplit(".", 1)[0]


def display_path(path: Path) -> str:
    """The path as the person typing commands sees it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def content_folder(content_dir: Path) -> str:
    """The content folder as messages show it; UsageError when it is not one."""
    if not content_dir.is_dir():
        raise UsageError(f"content folder not found: {content_dir}")
    shown = display_path(content_dir)
    if not any((content_dir / folder).is_dir() for folder in FOLDERS.values()):
        # Most likely the wrong folder: building it would publish an empty register over the site.
        raise UsageError(f"{shown} has no employers/ or opportunities/ folder: is it the content folder?")
    return shown


def discover(content_dir: Path) -> tuple[list[EntryFile], list[Problem]]:
    """Every entry file, sorted; plus problems with the folder itself (stray or clashing files)."""
    files: list[EntryFile] = []
    problems: list[Problem] = []
    shown = content_folder(content_dir)  # once: resolving each of 600,000 paths costs seconds
    for kind, folder in FOLDERS.items():
        directory = content_dir / folder
        if not directory.is_dir():
            continue
        seen: dict[str, str] = {}  # lower-case id -> file name
        with os.scandir(directory) as it:
            # Lower-case names first: ids are lower-case, so in a clash the other file is the stray.
            # Each file's signature taken as it is listed: no directory entry is kept.
            found = sorted(
                ((e.name, _refused(e, folder), _signature_of(e)) for e in it if not e.name.startswith(".")),
                key=lambda n: (n[0].lower(), n[0] != n[0].lower()),
            )
        for name, refused, sig in found:
            source = f"{shown}/{folder}/{name}"
            if refused:
                problems.append(Problem(source, 1, 1, "", refused))
                continue
            if name == "README.md":
                continue
            if not name.endswith(SUFFIXES):
                problems.append(Problem(source, 1, 1, "", "not a content file: entries are .yaml files"))
                continue
            entry = EntryFile(kind, directory, name, source, sig)
            # Ids are lower-case, so a case-insensitive clash (Acme.yaml vs acme.yaml, or
            # acme.yml beside acme.yaml) would publish two entries at one address.
            key = entry.stem.lower()
            if key in seen:
                problems.append(
                    Problem(source, 1, 1, "id", f"another file has the same id: {shown}/{folder}/{seen[key]}")
                )
                continue
            seen[key] = name
            files.append(entry)
    return files, problems


def _signature_of(item: os.DirEntry[str]) -> Signature | None:
    if not item.is_file(follow_symlinks=False):
        return None  # refused or skipped: never read
    try:
        return signature(item.stat(follow_symlinks=False))
    except OSError:  # gone since the folder was listed: reading it says so
        return None


def _refused(item: os.DirEntry[str], folder: str) -> str:
    """Why a folder item cannot be an entry file ("" when it may be one).

    A link could point anywhere on the machine running the build; a sub-folder's files would
    otherwise be skipped without a word, so both are reported."""
    if item.is_symlink():
        return LINK_MESSAGE
    if item.is_dir():
        return f"is a folder: files in sub-folders are not read; move its entries into content/{folder}/"
    return "" if item.is_file() else "is not an ordinary file"


@dataclass(slots=True)
class Checked:
    """The outcome for one file: the entry when it is valid, and every problem found."""

    entry: Employer | Opportunity | None
    problems: list[Problem]


@dataclass(slots=True)
class FileResult:
    """What one file says on its own, whatever else is in the register or the date.

    A pure function of the file's bytes, so it can be cached by content; `in_context`
    adds the checks that depend on the rest of the register and on the build date.
    """

    data: dict[str, Any] | None  # the parsed entry, None when it could not be read
    problems: list[Problem]
    employer_ref: tuple[str, int, int] | None = None  # (employer id, line, column): rules.employer_reference
    stale: tuple[date, int, int] | None = None  # (reviewed date, line, column): rules.review_due

    def __reduce__(self) -> tuple[type[FileResult], tuple[Any, ...]]:
        return FileResult, (self.data, self.problems, self.employer_ref, self.stale)  # fast to unpickle


@dataclass(slots=True)
class Said:
    """A FileResult with its entry made (when the file alone has no error): what the
    checked-file cache keeps of a file, read back without making the entry again."""

    entry: Employer | Opportunity | Stored | None  # Stored: kept in a register's EntryStore
    problems: tuple[Problem, ...]
    # Where to report what depends on the register and the date, not the problems themselves:
    # a rebuild reads one Said per file back and few of them have either problem.
    employer_ref: tuple[str, int, int] | None = None
    stale: tuple[date, int, int] | None = None

    @classmethod
    def of(cls, entry: EntryFile, result: FileResult, keep: Keep = str) -> Said:
        made: Employer | Opportunity | None = None
        if result.data is not None and not any(p.severity == "error" for p in result.problems):
            model = Employer if entry.kind == "employer" else Opportunity
            made = model.from_data(result.data, entry.source, keep)
        return cls(made, tuple(result.problems), result.employer_ref, result.stale)

    def __reduce__(self) -> tuple[type[Said], tuple[Any, ...]]:
        return Said, (self.entry, self.problems, self.employer_ref, self.stale)  # fast to unpickle


def read_file(entry: EntryFile) -> FileResult:
    try:
        return check_bytes(entry, read_bytes(entry.path))
    except LoadError as e:
        return FileResult(None, [load_problem(entry.source, e)])


def check_bytes(entry: EntryFile, data: bytes) -> FileResult:
    """What the file's bytes say; `entry` tells which kind of entry, and where, they are."""
    source = entry.source
    try:
        doc = parse(data)
    except LoadError as e:
        return FileResult(None, [load_problem(source, e)])
    problems = check_schema(entry.kind, doc, source)
    problems += rules.check_identity(doc, source, entry.kind, entry.stem)
    problems += rules.check_text(doc, source, rules.strings(doc.data))
    problems += rules.check_dates(doc, source)
    problems += rules.warnings(doc, source)
    return FileResult(doc.data, problems, rules.employer_reference(doc), rules.review_due(doc))


def in_context(entry: EntryFile, said: Said, employer_exists: Callable[[str], bool], today: date) -> Checked:
    """Add the checks that depend on the rest of the register and the date to what a file says."""
    problems = list(said.problems)
    if entry.kind == "opportunity" and said.employer_ref and not employer_exists(said.employer_ref[0]):
        problems.append(rules.missing_employer(entry.source, said.employer_ref))
    if said.stale and today - said.stale[0] > rules.REVIEW_AFTER:
        problems.append(rules.overdue(entry.source, said.stale))
    made = said.entry.load() if isinstance(said.entry, Stored) else said.entry
    if made is None or any(p.severity == "error" for p in problems):
        return Checked(None, problems)
    return Checked(made, problems)


def check_file(entry: EntryFile, employer_exists: Callable[[str], bool], today: date) -> Checked:
    return in_context(entry, Said.of(entry, read_file(entry)), employer_exists, today)


@dataclass(slots=True)
class Validation:
    problems: list[Problem] = field(default_factory=list)
    # dicts, or EntryStores for a national register (entrystore.py)
    employers: dict[str, Employer] | EntryStore[Employer] = field(default_factory=dict)
    opportunities: dict[str, Opportunity] | EntryStore[Opportunity] = field(default_factory=dict)
    files: int = 0
    digests: dict[str, bytes] = field(default_factory=dict)  # file -> digest of its bytes (with a cache)

    @property
    def errors(self) -> int:
        return sum(p.severity == "error" for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.severity == "warning" for p in self.problems)

    def failed(self, strict: bool) -> bool:
        return self.errors > 0 or (strict and self.warnings > 0)


# Told how many files there are, then once per file checked (a progress bar listens).
Progress = Callable[[int, int], None]


def validate_content(
    content_dir: Path,
    today: date,
    only: Iterable[Path] | None = None,
    progress: Progress | None = None,
    cache_dir: Path | None = None,
) -> Validation:
    """Check the whole content folder, or only the given files against it (the pull-request case).

    With a cache folder, files whose bytes are unchanged since the last run are not checked again."""
    log: CheckedLog | None = None  # a partial run would prune the cache to the files it saw: whole runs only
    if only is None:
        if cache_dir is None:
            files, problems = discover(content_dir)
        else:
            files, problems, log = _listed_with_log(content_dir, cache_dir)
        employer_ids = {f.stem for f in files if f.kind == "employer"}
        exists: Callable[[str], bool] = employer_ids.__contains__
    else:
        files, problems = [_classify(content_dir, p) for p in only], []
        employers_dir = content_dir / FOLDERS["employer"]

        def exists(employer_id: str) -> bool:
            return any((employers_dir / (employer_id + s)).is_file() for s in SUFFIXES)

    result = Validation(problems=problems, files=len(files))
    # A whole register keeps its descriptions on disk (bounded memory); a few files keep them in memory.
    texts = log.texts if log is not None else TextStore()
    keep: Keep = texts.keep if only is None else str
    # A national register keeps its entries on disk too (entrystore.py).
    stores: tuple[EntryStore[Employer], EntryStore[Opportunity]] | None = None
    if only is None and len(files) > entrystore.ENTRIES_IN_MEMORY:
        stores = EntryStore(texts), EntryStore(texts)
    try:
        with collector_paused():
            checked_all = _check_all(files, log, keep, result.digests)
            for done, (entry, said) in enumerate(checked_all, 1):
                if progress:
                    progress(done, len(files))
                checked = in_context(entry, said, exists, today)
                result.problems.extend(checked.problems)
                made = checked.entry
                if made is None:
                    continue
                if stores is not None:
                    store: EntryStore[Any] = stores[isinstance(made, Opportunity)]
                    # The store keeps the file's digest (compactly): without a cache, none. The
                    # log, until it writes the record, holds where the entry is.
                    digest = result.digests.pop(entry.source, None) if log is not None else None
                    said.entry = store.add(made.id, made, digest)
                elif isinstance(made, Employer):
                    result.employers[made.id] = made  # type: ignore[index]  # dicts until stores are set
                else:
                    result.opportunities[made.id] = made  # type: ignore[index]
        if stores is not None:
            result.employers, result.opportunities = stores[0].seal(), stores[1].seal()
        if log is not None:
            log.save()
    finally:
        if log is not None:
            log.close()  # stopped part-way: the next build may use the log at once
    if log is None:
        result.digests = {}  # page keys need a digest of every file: without the cache, none
    if only is None:  # a name can only be compared with the whole register's
        result.problems.extend(lookalike_names(result.employers.values()))
    result.problems.sort()
    return result


def _listed_with_log(content_dir: Path, cache_dir: Path) -> tuple[list[EntryFile], list[Problem], CheckedLog]:
    """discover(), and the checked-file log read back meanwhile (_Listing)."""
    content_folder(content_dir)  # refused before the cache is touched
    listing = _Listing(content_dir)
    log = None
    try:
        log = CheckedLog(cache_dir, content_dir)
        return (*listing.result(), log)
    except BaseException:
        listing.stop()
        if log is not None:
            log.close()
        raise


class _Listing:
    """discover() in a forked process, started at once, while this one reads the checked-file
    log back: listing and stat-ing every file is mostly system calls, reading the log Python,
    so the two take both cores (at 50,000 files about 0.35 s each). Where fork is not
    available, discover() runs when result() is asked."""

    def __init__(self, content_dir: Path) -> None:
        self._dir = content_dir
        self._process: BaseProcess | None = None
        started = forked(_list, content_dir, daemon=True)
        if started is not None:
            self._process, self._found = started

    def result(self) -> tuple[list[EntryFile], list[Problem]]:
        if self._process is None:
            return discover(self._dir)
        try:
            found = self._found.recv()
        except EOFError:  # the process ended without a word: list here instead
            found = None
        self.stop()
        if isinstance(found, Exception):
            raise found
        if found is None:
            return discover(self._dir)
        columns, problems = found
        return list(map(EntryFile, *columns)), problems

    def stop(self) -> None:
        if self._process is not None:
            stop(self._process)
            self._found.close()
            self._process = None


def _list(content_dir: Path, sender: multiprocessing.connection.Connection) -> None:
    child_signals(interrupt=False)  # Ctrl+C is the build's to handle; it then stops this one
    try:
        files, problems = discover(content_dir)
        # A column per field rather than an object per file: 50,000 files pickled and read back
        # in 0.08 s rather than 0.19 s.
        found: Any = ([list(map(attrgetter(f.name), files)) for f in fields(EntryFile)], problems)
    except Exception as error:  # raised where the result is asked for, as if listed there
        found = error
    sender.send(found)


# Below this many files, starting worker processes costs more than it saves.
PARALLEL_FROM = 2000
CHUNK = 500  # files a worker is given at a time


def _check_all(
    files: list[EntryFile], log: CheckedLog | None, keep: Keep, digests: dict[str, bytes]
) -> Iterator[tuple[EntryFile, Said]]:
    """What every file says: from the log where the file's signature is the one its record
    has (not even read), or where its bytes are unchanged; the rest checked, across all cores
    when there are many. Each file's digest goes in `digests`."""
    unread: list[EntryFile] = []
    for entry in files:
        kept = log.unchanged(entry.kind, entry.source, entry.signature) if log is not None else None
        if kept is None:
            unread.append(entry)
        else:
            digests[entry.source] = kept[0]
            yield entry, kept[1]
    known = log.known((e.kind, e.source) for e in unread) if log is not None else {}
    for chunk, read in _read_all(unread, known):
        for entry, (digest, sig, said_pickled) in zip(chunk, read, strict=True):
            said: Said | None = None
            if said_pickled is None and digest is not None and log is not None:  # unchanged since its record
                said = log.get(entry.kind, entry.source, digest, sig)
            if said is None:
                result = unpickle(said_pickled) if said_pickled is not None else None
                said = Said.of(entry, result if isinstance(result, FileResult) else read_file(entry), keep)
                if digest is not None and log is not None:
                    log.add(entry.kind, entry.source, digest, said, sig)
            if digest is not None:
                digests[entry.source] = digest
            yield entry, said


# (digest of the file's bytes, None when unreadable; its signature, None when changed too
# recently to trust; what it says, pickled, None when `known` has its digest)
Read = tuple[bytes | None, Signature | None, bytes | None]


def _read_all(
    files: list[EntryFile], known: dict[tuple[str, str], bytes]
) -> Iterator[tuple[list[EntryFile], list[Read]]]:
    """Each chunk of files with what was read of each: every file is read and its bytes digested
    (across all cores when there are many), and checked when `known` has another digest for it.
    What a file says comes back pickled: this process stores those bytes as they are."""
    chunks = [files[i : i + CHUNK] for i in range(0, len(files), CHUNK)]
    workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if len(files) < PARALLEL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for chunk in chunks:
            yield chunk, [_read_one(entry, known) for entry in chunk]
        return
    # Forked, the workers share `known` rather than each being sent a copy. For a national
    # register they start afresh instead: forked, each would hold as its own this process's
    # listing of every file (about 300 MB at 750,000; forked workers measured 315 MB each).
    method = "spawn" if len(files) > entrystore.ENTRIES_IN_MEMORY else "fork"
    pool = None
    try:
        with signals_held():
            pool = multiprocessing.get_context(method).Pool(workers, initializer=_start_worker, initargs=(known,))
        yield from zip(chunks, pool.imap(_read_chunk, chunks), strict=True)
    finally:
        if pool is not None:  # also when a Ctrl+C held while it started arrives
            pool.terminate()


def _read_one(entry: EntryFile, known: dict[tuple[str, str], bytes]) -> Read:
    try:
        data, st = read_stat(os.path.join(entry.folder, entry.name))
    except LoadError as e:  # not cached: the file is read again next time
        failed = FileResult(None, [load_problem(entry.source, e)])
        return None, None, pickle.dumps(failed, protocol=pickle.HIGHEST_PROTOCOL)
    digest = file_digest(data)
    recent = time.time_ns() - RACY_NS
    sig = signature(st) if st.st_mtime_ns < recent and st.st_ctime_ns < recent else None
    if known.get((entry.kind, entry.source)) == digest:
        return digest, sig, None
    return digest, sig, pickle.dumps(check_bytes(entry, data), protocol=pickle.HIGHEST_PROTOCOL)


_known: dict[tuple[str, str], bytes] = {}  # a worker's: the digests the cache has results for


def _start_worker(known: dict[tuple[str, str], bytes]) -> None:
    global _known
    _known = known
    child_signals()  # the pool ends its workers with SIGTERM


def _read_chunk(chunk: list[EntryFile]) -> list[Read]:
    return [_read_one(entry, _known) for entry in chunk]


def _classify(content_dir: Path, path: Path) -> EntryFile:
    if not path.is_file() and not path.is_symlink():  # a link is refused when read, naming the file
        raise UsageError(f"no such file: {path}")
    folder = path.absolute().parent.resolve()  # the folder, not where a link points
    for kind, name in FOLDERS.items():
        if folder == (content_dir / name).resolve():
            return EntryFile.at(kind, path, display_path(path))
    raise UsageError(f"{path} is not in {content_dir / 'employers'} or {content_dir / 'opportunities'}")


def register_from(result: Validation, today: date, strict: bool = False) -> Register:
    """The register from a validation, or ContentError listing every problem when it failed."""
    if result.failed(strict):
        raise ContentError(result.problems)
    return Register(result.employers, result.opportunities, today, result.digests)


def load_register(content_dir: Path, today: date, strict: bool = False) -> Register:
    """Validate the whole content folder and return the register (ContentError when invalid)."""
    return register_from(validate_content(content_dir, today), today, strict)
