"""A saved entry file live at once under `serve`: its own pages rewritten in place.

`serve` keeps the register of its last build in memory. When entry files change, only those
files are checked; if they pass, the register is updated and just the pages that show each
entry on its own are rewritten in the published site, each file replaced whole: the
opportunity's page and calendar, and its employer's page (an employer's change also rewrites
its opportunities' pages, which show it). The lists, feeds, search index and open data follow
with the whole build `serve` starts next, which also runs every check across files.

Anything else (a template, the code, a removed employer) is left to that build.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .cache import file_digest
from .config import BuildConfig
from .content import FOLDERS, SUFFIXES, EntryFile, check_file, display_path
from .errors import Problem
from .load import LoadError, read_bytes
from .model import Employer, Opportunity, Register
from .output import Output


@dataclass(slots=True)
class Edit:
    """What a live edit did: the problems found (none written when one is an error), and the
    pages it rewrote or removed."""

    problems: list[Problem] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


class Live:
    def __init__(self, config: BuildConfig, register: Register) -> None:
        self.config, self.register = config, register

    def apply(self, paths: Iterable[Path]) -> Edit | None:
        """Check the changed files and rewrite their entries' pages; None when the change is
        not only entry files written or opportunities removed (the whole build does it)."""
        begun = time.perf_counter()
        content = self.config.content_dir.resolve()
        if not all(Path(p).resolve().is_relative_to(content) for p in paths):
            return None
        # Only entry files (not an editor's backup file or a README); employers first: an
        # opportunity in the same change may name a new one.
        files = sorted(filter(None, map(self._entry_file, paths)), key=lambda f: f.kind != "employer")
        if not files:
            return None
        if any(f.kind == "employer" and not f.path.exists() for f in files):
            return None  # its opportunities would be left without one: the whole build reports them
        register, edit = self.register, Edit()
        employers, opportunities = dict(register.employers), dict(register.opportunities)
        # By file, as a register of dicts keeps them (a national one's stores keep their own).
        digests = dict(register.digests)
        if not digests and register.digested:
            everyone: list[Employer | Opportunity] = [*employers.values(), *opportunities.values()]
            digests = {e.source: d for e in everyone if (d := register.digest(e)) is not None}
        pages: set[str] = set()  # opportunity ids
        employer_pages: set[str] = set()
        gone: list[Opportunity] = []
        for f in files:
            old = (employers if f.kind == "employer" else opportunities).get(f.stem)
            if not f.path.exists():
                if isinstance(old, Opportunity):
                    gone.append(opportunities.pop(f.stem))
                    employer_pages.add(old.employer)
                digests.pop(f.source, None)
                continue
            checked = check_file(f, employers.__contains__, register.today)
            edit.problems += checked.problems
            entry = checked.entry
            if entry is None:
                continue
            try:
                digests[f.source] = file_digest(read_bytes(f.path))
            except LoadError:
                return None  # changed again while being read: the whole build catches up
            if isinstance(entry, Employer):
                employers[entry.id] = entry
                employer_pages.add(entry.id)
                pages.update(o.id for o in register.opportunities_of(entry.id))
            else:
                opportunities[entry.id] = entry
                pages.add(entry.id)
                employer_pages.add(entry.employer)
                if isinstance(old, Opportunity):
                    employer_pages.add(old.employer)  # it may have moved to another employer
        if edit.failed or any(e not in employers for e in employer_pages):
            edit.seconds = time.perf_counter() - begun
            return edit
        pages &= opportunities.keys()
        register = Register(employers, opportunities, register.today, digests)
        output = Output(self.config.out_dir, self.config, register, in_place=True)
        from .site import STAGE, has_calendar, render_entries

        writer = output.writer(STAGE)
        render_entries(register, writer, self.config, sorted(pages), sorted(employer_pages))
        for o in gone:
            output.remove(f"opportunities/{o.id}/index.html")
            output.remove(f"calendar/{o.id}.ics")
        for o in (opportunities[i] for i in pages):
            if not has_calendar(register, o):  # a calendar it had is gone with its dates, or as it closed
                output.remove(f"calendar/{o.id}.ics")
            else:
                # Left for the whole build to list: its key says whether the place's, subject's
                # and type's calendars, not rewritten here, show the entry's events as they are.
                output.forget(f"calendar/{o.id}.ics")
        edit.pages = [p.removesuffix("index.html") for p in writer.paths if p.endswith("index.html")]
        edit.pages += [f"opportunities/{o.id}/ (removed)" for o in gone]
        edit.seconds = time.perf_counter() - begun  # the pages are live: the manifest follows
        output.save_in_place()
        self.register = register
        return edit

    def _entry_file(self, path: Path) -> EntryFile | None:
        """The entry file at `path`, named as the whole build names it; None if it is not one."""
        path = Path(path)
        for kind, folder in FOLDERS.items():
            directory = self.config.content_dir / folder
            if path.parent.resolve() == directory.resolve() and path.name.endswith(SUFFIXES):
                if path.name.startswith(".") or path.is_symlink() or (path.exists() and not path.is_file()):
                    return None
                source = f"{display_path(self.config.content_dir)}/{folder}/{path.name}"
                return EntryFile(kind, directory, path.name, source)
        return None
