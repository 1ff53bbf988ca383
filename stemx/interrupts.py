"""Ctrl+C (SIGINT) and SIGTERM stop a command: raised as KeyboardInterrupt in the main thread,
and noted.

Python reports an exception raised while a finalizer runs (a weakref callback or a `__del__`,
set off by the garbage collector or by a dropped reference) as ignored, and goes on: a stop that
arrives just then is lost, and `serve` would run on after Ctrl+C. The note is not lost: `check()`
raises it again where a command can stop cleanly (between stages, before a build is published,
while `serve` waits for changes).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM)  # what stops a command; forks.py holds the same two
_noted = threading.Event()


def _stop(signum: int, frame: object) -> None:
    _noted.set()
    raise KeyboardInterrupt


@contextlib.contextmanager
def handled() -> Iterator[None]:
    """While a command runs: both signals raise KeyboardInterrupt and are noted. A terminated build
    (a cancelled CI job, `kill`) so cleans up like an interrupted one: the staging folder goes and
    the published site stays as it was."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield
        return
    previous = {number: signal.getsignal(number) for number in SIGNALS}
    _noted.clear()
    for number in SIGNALS:
        signal.signal(number, _stop)
    try:
        yield
    finally:
        for number, handler in previous.items():
            if handler is not None:  # None: not set from Python, nothing to put back
                signal.signal(number, handler)
        _noted.clear()


def check() -> None:
    """Raise KeyboardInterrupt again if a stop was noted (its first raising may have been lost)."""
    if _noted.is_set():
        raise KeyboardInterrupt
