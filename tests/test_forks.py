"""Processes started while Ctrl+C may arrive: the signal is held, never lost (stemx/forks.py)."""

import multiprocessing
import os
import signal
import threading
import time

import pytest

from stemx.forks import child_signals, signals_held


def test_ctrl_c_while_a_process_starts_arrives_once_it_has() -> None:
    # Another thread, as serve has: the kernel may hand the signal to it rather than this one.
    other = threading.Thread(target=time.sleep, args=(1,), daemon=True)
    other.start()
    arrived = []
    with pytest.raises(KeyboardInterrupt), signals_held():
        os.kill(os.getpid(), signal.SIGINT)  # as if pressed while fork ran its handlers
        time.sleep(0.05)
        arrived.append("held")  # not interrupted in here
    assert arrived == ["held"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # its own handler again


def _waits() -> None:
    child_signals(interrupt=False)
    os.kill(os.getpid(), signal.SIGINT)  # ignored: the parent handles Ctrl+C
    time.sleep(60)


def test_a_child_started_with_signals_held_can_still_be_stopped() -> None:
    process = multiprocessing.get_context("fork").Process(target=_waits, daemon=True)
    with signals_held():
        process.start()
    time.sleep(0.3)
    assert process.is_alive()  # Ctrl+C alone did not end it
    process.terminate()  # SIGTERM, let in by child_signals
    process.join(10)
    assert process.exitcode == -signal.SIGTERM


def test_ctrl_c_held_while_the_listing_starts_stops_it_and_is_raised(tmp_path, monkeypatch) -> None:
    from multiprocessing.process import BaseProcess

    from stemx import content
    from stemx.content import _Listing
    from tests.conftest import ROOT

    start, parent = BaseProcess.start, os.getpid()

    def pressed_meanwhile(process: BaseProcess) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        start(process)

    def slow(folder):  # a listing still running when the Ctrl+C comes through
        if os.getpid() != parent:
            time.sleep(30)
        return ([], [])

    monkeypatch.setattr(BaseProcess, "start", pressed_meanwhile)
    monkeypatch.setattr(content, "discover", slow)
    with pytest.raises(KeyboardInterrupt):
        _Listing(ROOT / "content")
    assert not multiprocessing.active_children()  # stopped, not left listing
