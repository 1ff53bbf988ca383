"""The timing script reports a failing command instead of stopping, and measures memory per
command: summed over its process tree, and its largest process."""

from __future__ import annotations

import sys
from pathlib import Path

from bench import run
from bench.run import Command, _run_quietly, measure, measure_pairs, table, timed


def test_a_failing_command_is_reported_with_its_last_words() -> None:
    run = timed([sys.executable, "-c", "import sys; print('checking'); sys.exit('3 errors in 2 files')"])
    assert run["ok"] is False and run["exit"] == 1
    assert run["error"].splitlines()[-1] == "3 errors in 2 files"
    result = measure(3, [sys.executable, "-c", "raise SystemExit(2)"])
    assert result["failed"] and result["exit"] == 2


HOLD = "import time; b = bytearray({mb} * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); time.sleep(1.5)"


def test_peak_memory_belongs_to_each_command() -> None:
    small = timed([sys.executable, "-c", "pass"])
    large = timed([sys.executable, "-c", HOLD.format(mb=200)])
    assert small["ok"] and large["ok"]
    assert large["peak_mb"] >= 200 > small["peak_mb"]


def test_peak_memory_is_summed_over_the_process_tree() -> None:
    """A parent holding 200 MB while its child holds 150 MB: 350 MB summed, 200 MB the largest."""
    child = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {HOLD.format(mb=150)!r}])"
    run = timed([sys.executable, "-c", f"b = bytearray(200 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); {child}"])
    assert run["ok"]
    assert run["peak_mb"] >= 350
    assert 200 <= run["largest_mb"] < 300
    assert run["pss_mb"] >= 350  # nothing shared: both measures agree


def test_pages_a_forked_child_shares_count_once_in_the_proportional_sum() -> None:
    """A parent holding 200 MB forks a child that only reads it: ~400 MB summed, ~200 MB PSS."""
    fork = "import os, time; pid = os.fork(); time.sleep(1.5); pid and os.waitpid(pid, 0)"
    run = timed([sys.executable, "-c", f"b = bytearray(200 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); {fork}"])
    assert run["ok"]
    assert run["peak_mb"] >= 400
    assert 200 <= run["pss_mb"] < 300


def test_table_shows_ratios_to_hugo_and_failures() -> None:
    report = {
        "employers": 10,
        "opportunities": 40,
        "pages": 120,
        "repeat": 3,
        "results": {
            "full build": {"seconds": 3.0, "peak_mb": 100, "largest_mb": 70},
            "one-file rebuild": {"failed": True, "exit": 1, "error": "trace\ninvalid: 1 error"},
            "hugo build": {"seconds": 2.0, "peak_mb": 80, "largest_mb": 80, "pages": 130},
        },
    }
    text = table(report)
    assert "1.50x" in text
    assert "FAILED" in text and "invalid: 1 error" in text


def test_pairs_take_turns_and_the_ratio_is_each_turns(tmp_path: Path) -> None:
    """Ours and Hugo's build alternate (a drifting machine slows both alike), and ours is
    reported against Hugo's turn by turn."""
    log = tmp_path / "order"

    def step(name: str, seconds: float) -> Command:
        code = f"import time; time.sleep({seconds}); open({str(log)!r}, 'a').write({name!r})"
        return Command([sys.executable, "-c", code])

    ours, hugo = measure_pairs(3, step("a", 0.6), step("b", 0.2))
    assert log.read_text() == "ababab"
    assert len(ours["runs"]) == len(hugo["runs"]) == 3
    assert 1.8 < ours["ratio"] < 3.2  # (0.6 s + start) / (0.2 s + start)
    assert "hugo build" not in ours and "ratio" not in hugo


def test_a_failing_turn_stops_the_pairs() -> None:
    ours, hugo = measure_pairs(
        3, Command([sys.executable, "-c", "pass"]), Command([sys.executable, "-c", "raise SystemExit(4)"])
    )
    assert hugo["failed"] and hugo["exit"] == 4
    assert len(ours["runs"]) == 1 and "ratio" not in ours


def test_the_full_builds_ratio_is_the_median_of_its_turns() -> None:
    results = {
        "full build": {
            "seconds": 3.0,
            "peak_mb": 100,
            "largest_mb": 70,
            "ratio": 0.9,
            "user_seconds": 70.0,
            "system_seconds": 50.5,
        },
        "hugo build": {"seconds": 2.0, "peak_mb": 80, "largest_mb": 80, "pages": 130},
    }
    text = table({"employers": 10, "opportunities": 40, "pages": 120, "repeat": 3, "results": results})
    assert "0.90x" in text and "1.50x" not in text
    assert "70.0" in text and "50.5" in text  # processor time, in user code and in the kernel


def test_processor_time_counts_the_processes_a_command_waited_for() -> None:
    """A command whose child spends ~0.5 s of processor time: the command's user time has it."""
    spin = "import time; end = time.process_time() + 0.5\nwhile time.process_time() < end: pass"
    child = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {spin!r}])"
    run = timed([sys.executable, "-c", child])
    assert run["ok"]
    assert run["user_seconds"] + run["system_seconds"] >= 0.45
    idle = timed([sys.executable, "-c", "import time; time.sleep(0.5)"])
    assert idle["user_seconds"] + idle["system_seconds"] < 0.3


def test_a_failing_untimed_step_fails_its_measurement_not_the_whole_run() -> None:
    """The next-day rebuild first builds the site again, untimed: when that fails, the other
    measurements are still reported, this one as failed with what the step said."""
    step = [sys.executable, "-c", "import sys; sys.exit('the site could not be built')"]
    result = measure(3, [sys.executable, "-c", "pass"], before=lambda: _run_quietly(step))
    assert result["failed"] and result["exit"] == 1
    assert "the site could not be built" in result["error"]


def test_a_clean_build_sets_the_last_output_aside_rather_than_deleting_it(tmp_path: Path) -> None:
    (tmp_path / "site" / "a").mkdir(parents=True)
    (tmp_path / "site" / "a" / "index.html").write_text("x")
    before = run.set_aside(tmp_path / "aside", tmp_path / "site", tmp_path / "cache")  # no cache yet
    before()
    assert not (tmp_path / "site").exists()
    [kept] = (tmp_path / "aside").iterdir()
    assert (kept / "a" / "index.html").read_text() == "x"  # its files still there, until the kit ends
    (tmp_path / "site").mkdir()
    before()
    assert len(list((tmp_path / "aside").iterdir())) == 2 and not (tmp_path / "site").exists()
