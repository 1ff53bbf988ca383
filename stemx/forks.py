"""Starting a forked process while Ctrl+C (SIGINT) or SIGTERM may arrive.

A signal that lands while os.fork() runs its at-fork handlers (logging's lock release is one)
raises KeyboardInterrupt inside them, where Python reports it as ignored: the signal is lost
and `serve` or a build goes on as if it had never been asked to stop. So the signals are held
back while a process starts, and arrive in the parent as soon as it has; the child, which
inherits them held, lets them in once it has its own handlers (`child_signals`).
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator

_HELD = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def child_signals(interrupt: bool = True) -> None:
    """In a child started under signals_held: SIGTERM ends it outright (its parent stops it so),
    Ctrl+C is ignored unless `interrupt` (the parent handles it and stops the child), and
    both are let in."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if not interrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)
