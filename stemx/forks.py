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
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from .interrupts import SIGNALS


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

    handlers = {number: signal.getsignal(number) for number in SIGNALS}
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


def forked(target: Callable[..., object], *args: Any, daemon: bool = False) -> tuple[BaseProcess, Connection] | None:
    """`target(*args, sender)` in a forked process started now, with the signals held; returns it
    and the receiving end of the one-way pipe it sends on (None where the system cannot fork).
    A Ctrl+C held while it started stops it before it is raised."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=target, args=(*args, sender), daemon=daemon)
    try:
        with signals_held():
            process.start()
    except BaseException:  # not wanted now
        stop(process)
        receiver.close()
        raise
    finally:
        sender.close()  # the child's copy is the one it sends on
    return process, receiver


def stop(process: BaseProcess) -> None:
    """End a forked process (SIGTERM, which child_signals lets end it) and wait for it."""
    if process.is_alive():
        process.terminate()
    process.join()
