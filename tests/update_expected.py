"""Regenerate tests/cases/invalid/*/expected.txt from the current validator.

Run it after a deliberate change to messages, then read the diff before committing:
    python tests/update_expected.py
"""

import contextlib
import io
import os
import sys
from pathlib import Path

CASES = Path(__file__).resolve().parent / "cases" / "invalid"
sys.path.insert(0, str(CASES.parents[2]))

from stemx.cli import main  # noqa: E402

TODAY = "2026-11-24"


def run(case: Path) -> tuple[int, str]:
    """Validate a case folder as a person would, from inside it; (exit code, problem lines)."""
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(case)
    try:
        with contextlib.redirect_stdout(out):
            code = main(["validate", "--strict", "--content", "content", "--today", TODAY])
    finally:
        os.chdir(cwd)
    lines = out.getvalue().splitlines()
    return code, "\n".join(lines[:-1]) + "\n"  # the last line is the summary


if __name__ == "__main__":
    for case in sorted(CASES.iterdir()):
        code, problems = run(case)
        (case / "expected.txt").write_text(problems, encoding="utf-8")
        print(f"{case.name}: exit {code}, {problems.count(chr(10))} problem(s)")
