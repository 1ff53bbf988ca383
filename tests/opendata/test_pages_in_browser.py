"""The data, dictionary and statistics pages in headless Chromium: no script errors under
the site's CSP, no axe-core violations, and the charts drawn with their text alternatives."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not AXE.is_file() or not CHROMIUM.is_file(), reason="needs npm ci and chromium"),
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def origin(built_site: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(built_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.mark.parametrize("path", ["/data/", "/data/dictionary/", "/stats/"])
def test_page_is_accessible_and_script_free(origin: str, path: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page()
            problems: list[str] = []
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(origin + path)
            assert problems == []  # the JSON-LD blocks are data: the CSP does not block or run them
            page.evaluate(AXE.read_text(encoding="utf-8"))  # evaluated by the test, not by the page
            result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
            violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
            assert violations == []
            if path == "/stats/":
                charts = page.locator("svg[role=img]")
                assert charts.count() == 11
                for i in range(charts.count()):
                    name = charts.nth(i).evaluate(
                        "e => e.getAttribute('aria-labelledby').split(' ').map(id => document.getElementById(id).textContent).join(' ')"
                    )
                    assert name.startswith(page.locator("h2").nth(i).inner_text())
                    assert charts.nth(i).bounding_box()["height"] > 20
        finally:
            browser.close()
