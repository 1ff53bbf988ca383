"""`python build.py serve`: serves the site, rebuilds on change, keeps the last good build on errors."""

import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.serve import free_port
from tests.conftest import CASES, ROOT


def _fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def _wait_for(url: str, text: str, seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    page = ""
    while time.monotonic() < deadline:
        try:
            page = _fetch(url)
            if text in page:
                return page
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{text!r} not served at {url} within {seconds}s")


def test_serve_rebuilds_on_change_and_survives_bad_content(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CASES / "valid" / "minimal" / "content", content)
    port = free_port()
    cmd = [
        sys.executable,
        str(ROOT / "build.py"),
        "serve",
        "--content",
        str(content),
        "--out",
        str(tmp_path / "site"),
        "--port",
        str(port),
        "--today",
        "2026-11-24",
    ]
    server = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/opportunities/harbourline-battery-lab-visit/"
        _wait_for(url, "Battery lab visit: testing ferry power packs")
        entry = content / "opportunities" / "harbourline-battery-lab-visit.yaml"
        entry.write_text(entry.read_text().replace("testing ferry power packs", "testing harbour ferry packs"))
        _wait_for(url, "testing harbour ferry packs")
        entry.write_text("id: harbourline-battery-lab-visit\n")  # invalid: most fields missing
        time.sleep(3)
        assert "testing harbour ferry packs" in _fetch(url)  # the last good build stays up
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0].decode()
    assert "still serving the last good build" in output
    assert "Traceback" not in output
