"""The data pages under the site's real CSP: the JSON-LD blocks are data (no CSP report, no
error), and every chart on the statistics page has a drawn size and an accessible name
made of its title and its text summary. (axe runs on these pages in test_pages.py.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/data/", "/data/dictionary/", "/stats/"])
def test_no_errors_under_the_csp(browser: Browser, server: str, path: str) -> None:
    context = browser.new_context()  # CSP enforced
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(server + path)
    assert problems == []
    if path == "/data/":
        blocks = page.locator('script[type="application/ld+json"]')
        assert blocks.count() == 2
        types = [page.evaluate("t => JSON.parse(t)['@type']", blocks.nth(i).text_content()) for i in range(2)]
        assert types == ["Dataset", "dcat:Dataset"]
    context.close()


def test_charts_have_names_and_size(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 900})
    page = context.new_page()
    page.goto(server + "/stats/")
    charts = page.locator("svg[role=img]")
    assert charts.count() == 11
    for i in range(charts.count()):
        chart = charts.nth(i)
        name = chart.evaluate(
            "e => e.getAttribute('aria-labelledby').split(' ')"
            ".map(id => document.getElementById(id).textContent).join(' ')"
        )
        heading = chart.locator("xpath=ancestor::section//h2").inner_text()
        assert name.startswith(heading) and ("Largest" in name or "Most:" in name or "none yet" in name)
        box = chart.bounding_box()
        assert box is not None and box["height"] > 20 and box["width"] <= 375
    context.close()
