"""Time a saved edit under `python build.py serve`: from writing the file to the served page
showing it, and to the whole build after it (the lists, search and open data).

`run(cmd, content file, page URL, change, repeat)` starts serve on a built site (its first
build reuses everything), then saves `repeat` title changes one at a time, each once the
build the last one started has finished, and returns the medians.
"""

from __future__ import annotations

import re
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from markupsafe import escape

BUILD_DONE = "Build summary"  # printed at the end of every whole build


def free_port() -> int:
    """A port on 127.0.0.1 no one is listening on (serve's tests use it too)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _title(file: Path) -> str:
    found = re.search(r'^title: "?(.*?)"?$', file.read_text(encoding="utf-8"), flags=re.M)
    assert found, file
    return found[1]


def run(
    cmd: list[str], cwd: Path, file: Path, page: str, change: Callable[[], None], repeat: int, timeout: float = 900
) -> dict[str, Any]:
    """`cmd` is serve's command without --port; `page` the edited entry's address ("opportunities/x/")."""
    port = free_port()
    with tempfile.NamedTemporaryFile("w+", suffix=".log") as log:
        process = subprocess.Popen([*cmd, "--port", str(port)], cwd=cwd, stdout=log, stderr=subprocess.STDOUT)

        def output() -> str:
            return Path(log.name).read_text(encoding="utf-8", errors="replace")

        def until(check: Callable[..., bool], what: str) -> float:
            begun = time.perf_counter()
            while time.perf_counter() - begun < timeout:
                if process.poll() is not None:
                    raise RuntimeError(f"serve exited while waiting for {what}:\n{output()[-2000:]}")
                if check():
                    return time.perf_counter() - begun
                time.sleep(0.01)
            raise RuntimeError(f"{what}: not within {timeout} s\n{output()[-2000:]}")

        def shows(title: str) -> bool:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/{page}", timeout=10) as response:
                    return f"<h1>{escape(title)}</h1>" in response.read().decode("utf-8")
            except OSError:  # the folder is being swapped for a new build's, for a moment: ask again
                return False

        try:
            until(lambda: "Serving" in output(), "the first build")
            to_page, to_build = [], []
            for _ in range(repeat):
                builds = output().count(BUILD_DONE)
                begun = time.perf_counter()
                change()
                title = _title(file)
                until(lambda title=title: shows(title), "the edited page")
                to_page.append(time.perf_counter() - begun)
                until(lambda builds=builds: output().count(BUILD_DONE) > builds, "the whole build after the edit")
                to_build.append(time.perf_counter() - begun)
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()  # reaped, so no zombie is left (and no ResourceWarning fails a test)
    return {
        "edit to page": {"seconds": statistics.median(to_page), "runs": to_page},
        "edit to whole build": {"seconds": statistics.median(to_build), "runs": to_build},
    }
