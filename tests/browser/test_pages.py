"""What a person sees: every page type passes axe at phone and desktop widths, a real journey works."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import SCREENSHOTS, axe_violations

pytestmark = pytest.mark.browser

PAGE_TYPES = {
    "home": "/",
    "opportunities": "/opportunities/",
    "browse-region": "/opportunities/region/north-west/",
    "browse-online": "/opportunities/region/online/",
    "opportunities-page-2": "/opportunities/page/2/",
    "browse-type": "/opportunities/type/site-visit/",
    "browse-subject": "/opportunities/subject/physics/",
    "browse-audience": "/opportunities/audience/careers-leaders/",
    "closed": "/opportunities/closed/",
    "opportunity-on-request": "/opportunities/aire-valley-advice-call/",
    "opportunity-closed": "/opportunities/fenland-bioinformatics-cpd/",
    "opportunity-withdrawn": "/opportunities/ribble-spc-withdrawn/",
    "employers-region": "/employers/region/wales/",
    "employers-sector": "/employers/sector/space/",
    "about": "/about/",
    "about-teachers": "/about/teachers/",
    "about-researchers": "/about/researchers/",
    "opportunity": "/opportunities/docklands-soc-shadowing/",
    "opportunity-past": "/opportunities/humber-net-zero-talk/",
    "employers": "/employers/",
    "employer": "/employers/mersey-bioprocess/",
    "employer-no-opportunities": "/employers/menai-tidal-energy/",
    "about-employers": "/about/employers/",
    "data": "/data/",
    "dictionary": "/data/dictionary/",
    "stats": "/stats/",
    "search": "/search/?q=engineering",
    "not-found": "/404.html",
}


@pytest.mark.parametrize("width", [375, 1280], ids=["phone", "desktop"])
@pytest.mark.parametrize("name", PAGE_TYPES)
def test_page_is_accessible(browser: Browser, server: str, name: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(server + PAGE_TYPES[name])
    if name == "search":
        page.wait_for_selector("#results li")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    assert axe_violations(page) == []
    context.close()


def test_teacher_finds_and_opens_an_opportunity_without_javascript(browser: Browser, server: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(server + "/")
    page.get_by_role("link", name="Browse opportunities").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open opportunities")
    page.locator("summary", has_text=re.compile(r"^Where$")).click()
    page.get_by_role("link", name="North West (").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open opportunities: North West")
    first = page.locator(".card-title a").first
    title = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("heading", name="How to apply")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("CPD time")
    page.go_back()
    page.get_by_role("link", name="Remove filter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open opportunities")
    page.get_by_role("link", name="Page 2").click()
    expect(page.get_by_role("link", name="Page 2, current page")).to_be_visible()
    context.close()


def test_statistics_read_on_a_phone(browser: Browser, server: str) -> None:
    """At 390 pixels every chart label is at least 12 pixels tall, the number tables start
    folded, and the monthly series is a time chart (one column per month)."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server + "/stats/")
    heights = page.evaluate(
        "[...document.querySelectorAll('svg.chart text')].map((t) => t.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 12
    assert page.locator("details.numbers").count() == page.locator("svg.chart").count()
    assert page.locator("details.numbers[open]").count() == 0 and not page.locator("table").first.is_visible()
    months = page.locator("#opp-month svg rect")
    assert months.count() >= 12  # a column per month with publications, and the axis
    assert page.evaluate("document.documentElement.scrollHeight") < 10_000  # was 14,600 with tables open
    context.close()


def test_nothing_is_wider_than_a_phone(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    wide = []
    for path in PAGE_TYPES.values():
        page.goto(server + path)
        if page.evaluate("document.documentElement.scrollWidth") > 375:
            wide.append(path)
    context.close()
    assert wide == []


def test_keyboard_user_reaches_main_content_by_the_skip_link(page: Page, server: str) -> None:
    page.goto(server + "/opportunities/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_csp_blocks_inline_script(browser: Browser, server: str) -> None:
    context = browser.new_context()  # CSP enforced
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text))
    page.goto(server + "/search/?q=cyber")
    page.wait_for_selector("#results li")  # the site's module script, its worker and SQLite's WebAssembly run
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1'; document.body.append(s); }"
    )
    assert page.evaluate("window.injected") is None
    assert any("Content Security Policy" in v for v in violations)
    context.close()


def test_keyboard_focus_is_clearly_visible(page: Page, server: str) -> None:
    page.goto(server + "/opportunities/region/north-west/")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the site name, on the dark header
    focused = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement); return [s.backgroundColor, s.color]; }"
    )
    assert focused == ["rgb(255, 221, 0)", "rgb(11, 12, 12)"]  # yellow with near-black text, as GOV.UK
