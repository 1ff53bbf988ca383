"""Where, in the search page as a teacher uses it: one meaning of a region, near a town by name
or by location alone and kept on reload, counts within the distance, and what to try when
nothing matched."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_violations
from tests.browser.test_search import WANTED, count, results

pytestmark = pytest.mark.browser


def test_where_means_the_same_as_on_the_browse_pages(page: Page, server: str) -> None:
    page.goto(server + "/search/?type=CPD+session&format=Online&region=North+West&q=engineering")
    assert results(page) == []  # online opportunities are not in a region: they are Online (anywhere)
    expect(page.locator("#suggestions")).to_contain_text("Remove the filter “North West”")
    page.get_by_role("button", name="Remove the filter “North West”").click()
    assert results(page) == WANTED
    page.goto(server + "/search/?region=Online+%28anywhere%29")
    results(page)
    online = int(re.match(r"\d+", page.inner_text("#result-count")).group())
    page.goto(server + "/opportunities/region/online/")
    expect(page.locator(".result-count")).to_contain_text(f"{online} opportunities open to applications")


def test_a_search_with_no_results_suggests_what_to_try(page: Page, server: str) -> None:
    page.goto(server + "/search/?q=cobot&subject=Biology")
    assert results(page) == []
    suggestions = page.locator("#suggestions li").all_inner_texts()
    assert "Remove the filter “Biology”" in suggestions
    assert any(s.startswith("Try Robotics and automation instead") for s in suggestions)  # a related subject
    assert "Check the spelling, or search for fewer or different words." in suggestions
    assert axe_violations(page) == []
    page.get_by_role("button", name=re.compile("^Try Robotics and automation")).click()
    assert results(page) and "subject=Robotics+and+automation" in page.url
    expect(page.locator("#suggestions")).to_be_hidden()


def test_near_a_town_by_name_or_by_location_alone_and_kept_on_reload(browser, server: str) -> None:
    context = browser.new_context(geolocation={"latitude": 53.4794, "longitude": -2.2453}, permissions=["geolocation"])
    page = context.new_page()
    page.goto(server + "/search/?place=leeds&radius=25")
    expect(page.locator("#result-count")).to_contain_text("near Leeds, England")  # not the LE postcode area
    near_leeds = results(page)
    assert near_leeds
    page.reload()
    expect(page.locator("#result-count")).to_contain_text("near Leeds, England")
    assert results(page) == near_leeds  # the place is in the address, like every filter
    page.goto(server + "/search/?place=Atlantis")
    expect(page.locator("#near-message")).to_have_text(
        "We do not know a place called “Atlantis”. Try its postcode, or a larger town nearby."
    )
    page.goto(server + "/search/")
    page.get_by_role("button", name="Use my location").click()  # on its own: no keyword, no filter
    expect(page.locator("#result-count")).to_contain_text("near your location")
    assert results(page) and "near=53.48%2C-2.25" in page.url
    page.reload()
    expect(page.locator("#result-count")).to_contain_text("near your location")
    page.goto(server + "/search/?radius=25")  # a distance without a place is explained, not ignored
    expect(page.locator("#near-message")).to_contain_text("Enter a postcode, town or city, or use your location")
    context.close()


def test_counts_are_right_with_a_place_set(page: Page, server: str) -> None:
    page.goto(server + "/search/?place=M15+4AZ&radius=25")
    results(page)
    page.locator(".filter-panel").evaluate(
        "(p) => { p.open = true; p.querySelectorAll('details').forEach((d) => { d.open = true; }); }"
    )
    total = int(re.match(r"\d+", page.inner_text("#result-count")).group())
    assert count(page, "show", "Open opportunities") == total
    values = page.locator('input[name="type"]').evaluate_all("(l) => l.map((c) => c.value)")
    assert sum(count(page, "type", t) for t in values) == total  # one type each, within the distance


def test_browse_combines_a_second_choice_on_the_search_page(page: Page, server: str) -> None:
    """Physics in the North West: the browse page's panel counts within the North West, and its
    link opens the search page with both choices, finding the same number."""
    page.goto(server + "/opportunities/region/north-west/")
    nav = page.locator("nav.facets")
    expect(nav).to_contain_text("Counts are within this page's choice")
    nav.locator("summary", has_text="Type").click()
    link = nav.get_by_role("link", name=re.compile(r"^Site visit \(\d+\)$"))
    within = int(re.search(r"\((\d+)\)", link.inner_text()).group(1))
    everywhere = page.goto(server + "/opportunities/type/site-visit/") and int(
        re.match(r"\d+", page.locator(".result-count").inner_text()).group()
    )
    assert 0 < within < everywhere  # the count is within the North West, not the whole register
    page.go_back()
    page.locator("nav.facets summary", has_text="Type").click()
    page.locator("nav.facets").get_by_role("link", name=re.compile(r"^Site visit \(")).click()
    assert "region=North+West" in page.url and "type=Site+visit" in page.url
    assert len(results(page)) == within
