"""`python build.py serve`: build, serve on localhost, and keep the site up to date as files change.

When an entry file is saved, its own pages are rewritten in place at once from the register
kept in memory (live.py); then a whole build runs, staged and put in place like `build`,
and brings the lists, feeds, search index and open data up to date. A change to a template or
a static file goes straight to the whole build; a change to the code or the schemas starts
serve again (this process has read them already). An invalid change is reported and the last
good pages stay up.

Whole builds run in the main thread (Ctrl+C stops one cleanly); the watcher runs in a thread
of its own, so a file saved during a build is live at once and starts the next build.
"""

from __future__ import annotations

import functools
import gc
import http.server
import os
import sys
import threading
from pathlib import Path

from rich.console import Console
from watchfiles import watch

from . import interrupts
from .config import ROOT, BuildConfig
from .errors import ContentError
from .live import Live
from .pipeline import build
from .report import print_build_report

CODE = ("stemx", "schemas")  # below the project root


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # one quiet server
        pass


class Builds:
    """Whole builds one at a time, and live edits between and during them."""

    def __init__(self, config: BuildConfig, console: Console | None = None) -> None:
        self.config = config
        self.console = console or Console(stderr=True, highlight=False)
        self.live: Live | None = None
        self.pending: set[Path] = set()  # changed since the last build began
        self._wake = threading.Condition()

    def build(self) -> None:
        """One whole build; a good one becomes the register live edits start from."""
        # The last build's register was frozen for live edits (below): thawed and its garbage
        # collected now, before this build rather than after it, where an edit would wait.
        gc.unfreeze()
        gc.collect()
        try:
            report = build(self.config)
        except ContentError as e:
            for problem in e.problems:
                self.console.print(str(problem), markup=False, soft_wrap=True)
            self.console.print("The content has errors; still serving the last good build.")
            gc.freeze()  # the last good register stays the one live edits start from
            return
        print_build_report(report, self.config, self.console)
        if report.register is not None:
            # Live edits start from this register and make little garbage: frozen, it is not
            # scanned by the collections an edit sets off (one or two of 0.3 s each at 50,000
            # entries), and freezing is instant where collecting first took 0.4 s.
            gc.freeze()
            with self._wake:
                self.live = Live(self.config, report.register)
                # Pages written live while the build ran may have been overwritten by its older copies: write them again.
                if self.pending:
                    self._apply(self.pending, quiet=True)

    def changed(self, paths: set[Path]) -> None:
        """Files changed (the watcher's thread): entry files are live at once; a build follows."""
        with self._wake:
            if self.live is not None:
                self._apply(paths)
            self.pending |= paths
            self._wake.notify()

    def run(self, stop: threading.Event) -> bool:
        """Build whenever something changed, until `stop` is set; True when the code changed
        (this process still runs the old code: serve must start again)."""
        while not stop.is_set():
            with self._wake:
                while not (self.pending or stop.is_set()):
                    # Woken each second too: a Ctrl+C whose KeyboardInterrupt a finalizer swallowed
                    # (during a build, say) is still noted, and stops serve here.
                    self._wake.wait(1.0)
                    interrupts.check()
                paths, self.pending = self.pending, set()
            if any(_is_code(p) for p in paths):
                return True
            if not stop.is_set():
                self.build()
        return False

    def _apply(self, paths: set[Path], quiet: bool = False) -> None:
        assert self.live is not None
        edit = self.live.apply(paths)
        if edit is None:
            return  # not only entry files: the whole build does it
        for problem in edit.problems:
            self.console.print(str(problem), markup=False, soft_wrap=True)
        if edit.failed:
            self.console.print("Not updated: the file has errors; the last good pages stay up.")
        elif not quiet:
            shown = ", ".join(edit.pages[:3]) + (f" and {len(edit.pages) - 3:,} more" if len(edit.pages) > 3 else "")
            self.console.print(
                f"Updated {shown} in {edit.seconds:.2f} s; lists, search and open data follow with the next build.",
                markup=False,
                soft_wrap=True,
            )


def serve(config: BuildConfig, port: int = 8000) -> None:
    builds = Builds(config)
    watched = [
        p
        for p in (config.content_dir, config.templates_dir, config.static_dir, *(ROOT / f for f in CODE))
        if p.exists()
    ]
    stop, ready = threading.Event(), threading.Event()

    def watcher() -> None:
        # Watching starts before the first build, so a file saved during it is built next. An
        # empty set comes every half second: the first says the watches are in place.
        for changes in watch(*watched, stop_event=stop, yield_on_timeout=True, rust_timeout=500):
            ready.set()
            if changes:
                builds.changed({Path(path) for _, path in changes})

    threading.Thread(target=watcher, daemon=True).start()
    builds.build()
    # The handler resolves the folder per request, so a build swapped in whole is served at once.
    handler = functools.partial(_Handler, directory=str(config.out_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    ready.wait()
    builds.console.print(
        f"Serving {config.out_dir} at http://127.0.0.1:{port}{config.base_url} (Ctrl+C to stop)", markup=False
    )
    try:
        restart = builds.run(stop)
    finally:
        stop.set()
        httpd.shutdown()
        httpd.server_close()
    if restart:
        builds.console.print("The code or the schemas changed: starting serve again.")
        os.execv(sys.executable, [sys.executable, *sys.argv])


def _is_code(path: Path) -> bool:
    """Whether `path` is the build's code or schemas, which a running process has already read."""
    return any(Path(path).resolve().is_relative_to(ROOT / folder) for folder in CODE)
