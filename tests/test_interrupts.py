"""Ctrl+C and SIGTERM are noted as well as raised, so one whose KeyboardInterrupt Python
swallowed (raised inside a finalizer) still stops the command (stemx/interrupts.py)."""

import io
import os
import signal
import threading
import time
import weakref
from pathlib import Path

import pytest
from rich.console import Console

from stemx import interrupts, schedule
from stemx.cli import main
from stemx.config import BuildConfig
from stemx.serve import Builds
from tests.conftest import ROOT, TODAY

# Python reports the KeyboardInterrupt raised inside the finalizer as an "exception ignored".
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


class _Dropped:
    pass


def _pressed() -> None:
    """Ctrl+C arriving while a finalizer runs (as when the garbage collector closes a dropped store)."""

    def closing() -> None:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # the handler runs here, inside the finalizer

    dropped = _Dropped()
    weakref.finalize(dropped, closing)
    del dropped


def test_a_ctrl_c_lost_in_a_finalizer_is_raised_at_the_next_check() -> None:
    went_on = []
    with interrupts.handled():
        _pressed()
        went_on.append("after")  # Python went on: the first KeyboardInterrupt was swallowed
        with pytest.raises(KeyboardInterrupt):
            interrupts.check()
    assert went_on == ["after"]
    interrupts.check()  # forgotten once the command is over
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the handlers put back


def test_a_build_whose_ctrl_c_was_lost_publishes_nothing(tmp_path: Path, monkeypatch, capsys) -> None:
    pressed = []

    def give_back() -> None:  # runs after each of the main process's stages
        if not pressed:
            pressed.append(True)
            _pressed()

    monkeypatch.setattr(schedule, "give_back_free_memory", give_back)
    site = tmp_path / "site"
    code = main(["build", "--content", str(ROOT / "content"), "--out", str(site), "--today", TODAY.isoformat(),
                 "--no-cache"])  # fmt: skip
    assert pressed
    assert code == 130
    assert "interrupted; nothing was published" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no site, no staging folder


def test_serve_waiting_for_changes_stops_on_a_ctrl_c_that_was_lost(tmp_path: Path) -> None:
    builds = Builds(BuildConfig(out_dir=tmp_path / "site", today=TODAY), Console(file=io.StringIO()))
    stop = threading.Event()
    # Without the note, serve would wait for the next change for ever: this ends the test instead.
    timer = threading.Timer(20, lambda: (stop.set(), builds.changed(set())))
    timer.start()
    try:
        with interrupts.handled():
            _pressed()  # as during the last build
            began = time.monotonic()
            with pytest.raises(KeyboardInterrupt):
                builds.run(stop)
    finally:
        timer.cancel()
    assert time.monotonic() - began < 5
