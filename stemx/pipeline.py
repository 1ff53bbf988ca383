"""The build as one short pipeline: load -> validate -> model -> render -> publish.

The two longest stages run alongside the others: the pages in a forked process (rendering is
CPU-bound Python, so a thread would wait on the GIL) and the search index in a thread (most of
its work is SQLite's, which runs without the GIL). A 2-core machine then has both cores busy.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import signal
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .cache import PageCache, tidy
from .config import BuildConfig
from .content import Progress, Validation, register_from, validate_content
from .errors import BuildError
from .model import Register
from .publish import staging

# Each output stage writes into the staging folder and returns how many files it wrote.
Stage = Callable[[Register, Path, BuildConfig], int]


def stages() -> list[tuple[str, Stage]]:
    """Stages run one after another in the main process."""
    from .opendata import write_open_data
    from .opendata.pages import write_data_pages
    from .site import write_sitemap
    from .submission.pages import write_submit_pages

    return [
        ("open data", write_open_data),
        ("data pages", write_data_pages),
        ("submit pages", write_submit_pages),
        ("sitemap", write_sitemap),  # last: it lists every page all the other stages wrote
    ]


def alongside() -> list[tuple[str, Stage, str]]:
    """Stages started first and run beside the others: (name, stage, "process" or "thread")."""
    from .search import write_search
    from .site import render_site

    return [("pages, feeds, calendars", render_site, "process"), ("search index", write_search, "thread")]


@dataclass(slots=True)
class BuildReport:
    validation: Validation
    employers: int = 0
    opportunities: int = 0
    timings: list[tuple[str, float, int]] = field(default_factory=list)  # (stage, seconds, files)
    seconds: float = 0.0  # start to finish: less than the sum of the stages, which overlap


def build(config: BuildConfig, progress: Progress | None = None) -> BuildReport:
    """Validate the content and write the whole site; ContentError leaves `out_dir` untouched."""
    begun = started = time.perf_counter()
    validation = validate_content(config.content_dir, config.today, progress=progress, cache_dir=config.cache_dir)
    register = register_from(validation, config.today, config.strict)
    report = BuildReport(validation, len(register.employers), len(register.opportunities))
    report.timings.append(("load and validate", time.perf_counter() - started, 0))
    steps = stages()
    with staging(config.out_dir) as stage, ThreadPoolExecutor(max_workers=1) as pool:
        cancel = threading.Event()  # tells the thread to stop when the build fails
        running: list[tuple[str, _Process | Future[tuple[float, int]]]] = []
        try:
            # Processes are forked before the search thread starts (a fork copies only the calling
            # thread); the child only renders and writes files, so it needs no other thread's locks.
            for name, write, how in sorted(alongside(), key=lambda s: s[2] != "process"):
                args = (register, stage, config) + ((cancel,) if how == "thread" else ())
                running.append(
                    (name, _Process(write, *args) if how == "process" else pool.submit(_timed, write, *args))
                )
            for number, (name, write) in enumerate(steps, 1):
                if number == len(steps):  # the last stage sees everything the others wrote
                    report.timings += [(f"{other} (alongside)", *job.result()) for other, job in running]
                if progress:
                    progress(-number, len(steps))  # negative: the stage being written
                report.timings.append((name, *_timed(write, register, stage, config)))
        except BaseException:
            cancel.set()
            for _, job in running:
                if isinstance(job, _Process):
                    job.stop()
            raise
    if config.cache_dir is not None:  # the site is in place: its page manifest becomes current
        PageCache.finish(config.cache_dir, config.out_dir)
        tidy(config.cache_dir)
    report.seconds = time.perf_counter() - begun
    return report


def _timed(write: Callable[..., int], *args: object) -> tuple[float, int]:
    started = time.perf_counter()
    files = write(*args)
    return time.perf_counter() - started, files


class _Process:
    """A stage in a forked child process; result() gives (seconds, files) or raises BuildError.

    Where fork is not available the stage simply runs in this process, when result() is asked."""

    def __init__(self, write: Stage, *args: object) -> None:
        self._write, self._args = write, args
        self._process = None
        if "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")  # the child inherits the register, not a copy sent to it
            self._results, sender = context.Pipe(duplex=False)
            self._process = context.Process(target=self._run, args=(sender,))
            self._process.start()
            sender.close()

    def _run(self, sender: multiprocessing.connection.Connection) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # stop() terminates the child outright
        try:
            sender.send(("ok", _timed(self._write, *self._args)))
        except BaseException:  # sent to the parent, which reports it and fails the build
            sender.send(("error", traceback.format_exc()))

    def result(self) -> tuple[float, int]:
        if self._process is None:
            return _timed(self._write, *self._args)
        try:
            status, value = self._results.recv()
        except EOFError:
            status, value = "error", f"the process ended unexpectedly (exit code {self._process.exitcode})"
        self._process.join()
        if status != "ok":
            raise BuildError(f"{self._write.__name__} failed:\n{value}")
        return value

    def stop(self) -> None:
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
        if self._process is not None:
            self._process.join()
