"""The habits that keep the code as it is: ruff (lint and format), mypy and ESLint, all clean."""

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

BIN = Path(sys.executable).parent
PYTHON_PATHS = ["stemx", "tests", "bench", "scripts", "build.py"]


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing_and_the_code_is_formatted() -> None:
    check = run(str(BIN / "ruff"), "check", *PYTHON_PATHS)
    assert check.returncode == 0, check.stdout + check.stderr
    fmt = run(str(BIN / "ruff"), "format", "--check", *PYTHON_PATHS)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_mypy_finds_no_type_errors() -> None:
    result = run(str(BIN / "mypy"))  # settings in pyproject.toml: stemx/, untyped bodies checked too
    assert result.returncode == 0 and "Success: no issues found" in result.stdout, result.stdout + result.stderr


def test_eslint_finds_nothing_in_the_scripts() -> None:
    npx = shutil.which("npx")
    assert npx, "npx is needed (make install uses npm)"
    result = run(npx, "--no-install", "eslint", "--max-warnings", "0", "static", "tests/js")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_holds_the_entries_frozen(tmp_path: Path) -> None:
    """Entries and entry files are made without frozen's guard at run time (model.entry_type): the
    type checker is what refuses an assignment to one, so it must see them as frozen."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from stemx.content import EntryFile\n"
        "from stemx.model import Opportunity, Place\n"
        "def edit(o: Opportunity, p: Place, f: EntryFile) -> None:\n"
        "    o.title = 'changed'\n"
        "    p.postcode = 'M1 1AA'\n"
        "    f.name = 'other.yaml'\n"
    )
    result = run(str(BIN / "mypy"), "--no-incremental", "--follow-imports=silent", str(probe))
    assert result.stdout.count("is read-only") == 3, result.stdout + result.stderr
