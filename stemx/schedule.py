"""Running the output stages: each says where it runs and which stages it runs after.

- "here": in order, in this process, once the stages it runs after are done;
- "process": in a forked child, from the start (rendering is CPU-bound Python, so a thread
  would wait on the GIL); what it wrote comes back to this process's Output.
A "process" stage may be `shared`: its work comes in pieces (a Share), and this process takes
pieces too once its own stages are done, so that both cores stay busy to the end of the build
instead of one waiting for the other. When one stage fails the others are stopped: the child
is terminated.

No stage runs in a thread beside another: the search index did, for its SQLite work runs
without the GIL, but every row SQLite steps through gives the GIL up and waits to take it back
from the other thread (up to 5 ms each time). Beside the open data's ~300,000 inserted rows,
that waiting was most of both stages' time: at 10,000 employers the open data took 42 s and the
search index 34 s alongside each other, 19 s and 15 s one after the other.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from multiprocessing.process import BaseProcess
from typing import Any, Literal, TypeVar

from . import interrupts
from .collector import give_back_free_memory
from .config import BuildConfig
from .errors import BuildError
from .forks import child_signals, forked, stop
from .model import Register
from .output import Output, Writer

Where = Literal["here", "process"]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Stage:
    name: str
    # (register, writer, config, *the results of the stages in `after`) -> this stage's result;
    # a shared stage: (register, writer, config, share) -> None
    run: Callable[..., Any]
    where: Where = "here"
    after: tuple[str, ...] = ()
    shared: bool = False


class Share:
    """A shared stage's pieces, each run by the first process to take it: the stage's child
    from the start, this process once its own stages are done. `share(pieces)` yields the
    pieces this process takes; both processes must pass the same pieces in the same order."""

    def __init__(self) -> None:
        self._taken = _context().Value("q", 0)  # in shared memory: the forked child sees the same count

    def __call__(self, pieces: Sequence[T]) -> Iterator[T]:
        while True:
            with self._taken.get_lock():
                number = self._taken.value
                self._taken.value += 1
            if number >= len(pieces):
                return
            yield pieces[number]


def every(pieces: Sequence[T]) -> Iterator[T]:
    """The Share of a shared stage run on its own (tests, serve, benchmarks): every piece."""
    return iter(pieces)


def _context() -> Any:
    """Fork, where the system has it: the child inherits the register rather than a copy sent to it."""
    return multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)


@dataclass(frozen=True, slots=True)
class Timing:
    stage: str
    seconds: float
    files: int
    alongside: bool  # ran beside the others: its seconds overlap theirs


StageProgress = Callable[[str, int, int], None]  # (stage, its number, how many) as each starts


def run_stages(
    stages: Sequence[Stage], register: Register, config: BuildConfig, output: Output,
    progress: StageProgress | None = None,
) -> tuple[dict[str, Any], list[Timing]]:  # fmt: skip
    """Run every stage; returns each one's result and timing. A failure stops the others and is raised."""
    for stage in stages:
        if stage.where != "here" and stage.after:
            raise ValueError(f"{stage.name}: a stage run alongside starts first, so it cannot run after others")
        if stage.shared and stage.where != "process":
            raise ValueError(f"{stage.name}: only a stage in its own process can be shared")
    results: dict[str, Any] = {}
    timings: list[Timing] = []
    background: dict[str, _Child] = {}
    helps: dict[str, Callable[[], object]] = {}  # a shared stage's pieces left, run here
    started = time.perf_counter()
    here = [s for s in stages if s.where == "here"]
    try:
        for stage in stages:
            if stage.where == "process":
                args: tuple[Any, ...] = (register, output.writer(stage.name), config)
                if stage.shared:
                    args += (share := Share(),)
                    helps[stage.name] = partial(stage.run, register, output.writer(stage.name), config, share)
                background[stage.name] = _Child(stage, output, *args)

        def result_of(name: str) -> Any:
            if name in background:  # help with it, then wait for it
                helped = 0.0
                if name in helps:
                    try:
                        helps.pop(name)()
                    except Exception as error:  # reported as the stage's own process reports it
                        raise BuildError(f"{name} failed: {_describe(error)}") from error
                    helped = time.perf_counter() - started
                seconds, results[name] = background.pop(name).result()
                timings.append(Timing(name, max(seconds, helped), output.count(name), alongside=True))
            return results[name]

        for number, stage in enumerate(here, 1):
            earlier = [result_of(name) for name in stage.after]
            if progress:
                progress(stage.name, number, len(here))
            seconds, results[stage.name] = _timed(stage.run, register, output.writer(stage.name), config, *earlier)
            timings.append(Timing(stage.name, seconds, output.count(stage.name), alongside=False))
            give_back_free_memory()  # what the stage freed, rather than held to the end beside the pages process
            interrupts.check()  # a Ctrl+C that a finalizer swallowed during the stage stops the build now
        for name in list(background):
            result_of(name)
    except BaseException:
        for job in background.values():
            job.stop()
        raise
    return results, timings


def _timed(run: Callable[..., Any], *args: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = run(*args)
    return time.perf_counter() - started, result


def _describe(error: BaseException) -> str:
    """A failed stage's error: its message when it is one a user can act on, else where it happened."""
    return str(error) if isinstance(error, BuildError) else traceback.format_exc()


class _Child:
    """A stage in a forked child process. result() gives (seconds, result), having added what
    the child wrote to this process's Output, or raises BuildError with the child's error.

    Where fork is not available the stage simply runs in this process, when result() is asked."""

    def __init__(self, stage: Stage, output: Output, *args: Any) -> None:
        self._stage, self._output, self._args = stage, output, args
        self._process: BaseProcess | None = None
        # What the child makes, handed over as it goes (Output.spill): a temporary file, gone once closed.
        self._spilled = tempfile.TemporaryFile()  # noqa: SIM115 (closed by result() or stop())
        started = forked(self._run)
        if started is not None:
            self._process, self._results = started

    def _run(self, sender: multiprocessing.connection.Connection) -> None:
        child_signals()  # stop() terminates the child outright
        self._output.spill_to(self._spilled.fileno())
        try:
            seconds, result = _timed(self._stage.run, *self._args)
            sender.send(("ok", (seconds, result, self._output.handover())))
        except BaseException as error:  # sent to the parent, which reports it and fails the build
            sender.send(("error", _describe(error)))

    def result(self) -> tuple[float, Any]:
        with self._spilled:
            if self._process is None:
                return _timed(self._stage.run, *self._args)
            try:
                status, value = self._results.recv()
            except EOFError:
                status, value = "error", f"the process ended unexpectedly (exit code {self._process.exitcode})"
            self._process.join()
            if status != "ok":
                raise BuildError(f"{self._stage.name} failed: {value}")
            seconds, result, handed = value
            self._output.merge_spilled(self._spilled.fileno())
            self._output.merge(handed)
            return seconds, result

    def stop(self) -> None:
        self._spilled.close()
        if self._process is not None:
            stop(self._process)


__all__ = ["Share", "Stage", "StageProgress", "Timing", "Writer", "every", "run_stages"]
