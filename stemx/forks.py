"""Starting a forked process while Ctrl+C (SIGINT) or SIGTERM may arrive.

A handler that raises (KeyboardInterrupt) while os.fork() runs its at-fork handlers (logging's
lock release is one) raises inside them, where Python reports the exception as ignored: the
signal is lost, and `serve` or a build goes on as if it had never been asked to stop. So while
a process starts, the two signals are only noted, and the first one noted is raised again to
its own handler once the process has started. (Holding them back in the kernel would hold
them back from this thread only: another, such as serve's watcher, would take them instead.)
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # Python runs handlers in the main thread only: none can interrupt a fork made here
        return
    noted: list[int] = []
    parent = os.getpid()

    def note(signum: int, frame: object) -> None:
        if os.getpid() != parent:  # in the new process, before it sets its own: as if none were set
            signal.signal(signum, signal.SIG_DFL)
            signal.raise_signal(signum)
        noted.append(signum)

    handlers = {number: signal.getsignal(number) for number in _SIGNALS}
    held = [number for number, handler in handlers.items() if handler is not None]  # None: not Python's
    for number in held:
        signal.signal(number, note)
    try:
        yield
    finally:
        for number in held:
            signal.signal(number, handlers[number])
        if noted:
            signal.raise_signal(noted[0])


def child_signals(interrupt: bool = True) -> None:
    """First thing in a child started under signals_held (it inherits the noting handlers):
    SIGTERM ends it outright (its parent stops it so), Ctrl+C raises KeyboardInterrupt or, without
    `interrupt`, is ignored (the parent handles it and stops the child). Until then either
    signal ends it, as if no handler were set."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler if interrupt else signal.SIG_IGN)
