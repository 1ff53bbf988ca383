"""The browser scripts' pure parts, unit-tested with node's own test runner."""

import shutil
import subprocess

from tests.conftest import ROOT


def test_search_worker_units() -> None:
    node = shutil.which("node")
    assert node, "node is needed (make install uses it for npm)"
    run = subprocess.run(
        [node, "--test", str(ROOT / "tests" / "js" / "search-worker.test.mjs")], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "# fail 0" in run.stdout and "# pass 3" in run.stdout
