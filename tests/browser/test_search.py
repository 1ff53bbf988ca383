"""Search in a real browser: queries, filters and counts, URL state, near me, no JavaScript."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser


def results(page: Page) -> list[str]:
    """The result titles, once the page has announced the count (it does so after showing them)."""
    page.wait_for_selector("#results[aria-busy=false]", state="attached")
    return page.locator("#results .card-title").all_inner_texts()


def count(page: Page, filter_name: str, value: str) -> int:
    """The count beside a filter value, once the page has counted (after showing the results)."""
    page.wait_for_function("document.getElementById('search-app').dataset.counted === 'yes'")
    label = page.locator(f'input[name="{filter_name}"][value="{value}"] + label .count')
    return int(label.inner_text().strip("()"))


def test_keyword_finds_the_right_opportunity(page: Page, server: str) -> None:
    page.goto(server + "/search/")
    page.get_by_label("Search by keyword").fill("CNC")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#result-count")).to_contain_text("for “CNC”")
    assert "Join our apprentices' CNC turning course" in results(page)


# Online CPD about engineering: online opportunities are open to teachers anywhere, so both.
WANTED = [
    "Condition monitoring: data that keeps trains running",
    "Composite repair on aircraft wings: online CPD for engineering lecturers",
]


def test_online_cpd_in_engineering_in_the_north_west_in_one_action(page: Page, server: str) -> None:
    page.goto(server + "/search/")
    # Typed as a teacher would say it: the words naming a type and a format become filters; the
    # region is left out, since online opportunities are open to teachers anywhere.
    page.get_by_label("Search by keyword").fill("online CPD sessions in engineering in the North West")
    page.get_by_label("Search by keyword").press("Enter")  # 1
    assert results(page) == WANTED
    assert page.get_by_label("Search by keyword").input_value() == "engineering"
    for name, value in (("type", "CPD session"), ("format", "Online")):
        expect(page.locator(f'input[name="{name}"][value="{value}"]')).to_be_checked()
    expect(page.locator('input[name="region"][value="North West"]')).not_to_be_checked()
    expect(page.locator("#understood")).to_have_text(
        "Filtered by CPD session, Online; searching for “engineering”. Online opportunities are open to"
        " teachers anywhere, so North West is not used as a filter."
    )
    assert "format=Online" in page.url and "region=" not in page.url and "q=engineering" in page.url
    page.locator('input[name="format"][value="Online"]').uncheck()  # the message no longer describes the filters
    expect(page.locator("#understood")).to_be_empty()


def test_the_same_search_with_a_keyword_and_two_ticks(page: Page, server: str) -> None:
    page.goto(server + "/search/")
    # Type, region and format are open on arrival: nothing to expand.
    page.get_by_label("Search by keyword").fill("engineering")
    page.get_by_label("Search by keyword").press("Enter")
    expect(page.locator("#understood")).to_be_empty()  # a plain keyword stays a keyword
    page.locator('input[name="type"][value="CPD session"]').check()
    page.locator('input[name="format"][value="Online"]').check()
    assert results(page) == WANTED


def test_names_inside_other_words_stay_keywords(page: Page, server: str) -> None:
    page.goto(server + "/search/")
    page.get_by_label("Search by keyword").fill("Londoners adviceline")  # neither London nor Advice
    page.get_by_label("Search by keyword").press("Enter")
    results(page)
    expect(page.locator("#understood")).to_be_empty()
    assert page.get_by_label("Search by keyword").input_value() == "Londoners adviceline"
    assert "region=" not in page.url and "type=" not in page.url


def test_values_of_one_filter_combine_with_or_and_counts_stay_right(page: Page, server: str) -> None:
    page.goto(server + "/search/?type=Site+visit")
    results(page)
    north_west, yorkshire = count(page, "region", "North West"), count(page, "region", "Yorkshire and the Humber")
    page.get_by_label(re.compile(r"^North West")).check()
    expect(page.locator("#result-count")).to_have_text(re.compile(rf"^{north_west} result"))
    page.get_by_label(re.compile(r"^Yorkshire and the Humber")).check()
    expect(page.locator("#result-count")).to_have_text(re.compile(rf"^{north_west + yorkshire} result"))
    assert count(page, "region", "North West") == north_west  # a filter's own choices do not shrink its counts
    assert count(page, "type", "Site visit") == north_west + yorkshire


def test_show_counts_after_a_keyword_alone_add_up(page: Page, server: str) -> None:
    # With only the default "Open opportunities" chosen, the other show counts come from the
    # main search's unfiltered counts rather than a second search: they must still add up.
    page.goto(server + "/search/?q=engineering")
    results(page)
    open_now = int(page.locator("#result-count").inner_text().split()[0])
    closed, employers = count(page, "show", "Closed and past opportunities"), count(page, "show", "Employers")
    assert closed and employers and count(page, "show", "Open opportunities") == open_now
    page.get_by_label(re.compile(r"^Closed and past")).check()
    expect(page.locator("#result-count")).to_have_text(re.compile(rf"^{open_now + closed} result"))
    page.get_by_label(re.compile(r"^Employers")).check()
    expect(page.locator("#result-count")).to_have_text(re.compile(rf"^{open_now + closed + employers} result"))


def test_url_round_trips_and_back_forward_work(page: Page, server: str) -> None:
    page.goto(server + "/search/?q=battery&subject=Chemistry")
    first = results(page)
    assert first and page.get_by_label("Search by keyword").input_value() == "battery"
    expect(page.get_by_label(re.compile(r"^Chemistry"))).to_be_checked()
    page.get_by_label(re.compile(r"^Chemistry")).uncheck()
    expect(page).to_have_url(re.compile(r"q=battery$"))
    page.go_back()
    expect(page.get_by_label(re.compile(r"^Chemistry"))).to_be_checked()
    assert results(page) == first


def test_closed_and_past_are_excluded_until_asked_for(page: Page, server: str) -> None:
    page.goto(server + "/search/?q=net+zero")
    assert "Net zero in the Humber: a talk for teachers and careers leaders" not in results(page)
    page.get_by_label(re.compile(r"^Closed and past opportunities")).check()
    expect(page.locator("#results")).to_contain_text("Net zero in the Humber")
    expect(page.locator("#results")).to_contain_text("Took place")


def test_employers_are_searchable(page: Page, server: str) -> None:
    page.goto(server + "/search/?q=satellite&show=Employers")
    assert "Clyde Satellite Works" in results(page)


def test_near_me_sorts_by_distance_and_keeps_online(page: Page, server: str) -> None:
    page.goto(server + "/search/?type=Site+visit&postcode=M1+1AE&radius=50")  # links made with "postcode=" still work
    expect(page.locator("#result-count")).to_contain_text("near M1")
    wheres = page.locator("#results .card-facts").all_inner_texts()
    miles = [int(m) for w in wheres for m in re.findall(r"\((\d+) miles?\)", w)]
    assert miles and miles == sorted(miles) and max(miles) <= 50
    page.goto(server + "/search/?type=CPD+session&format=Online&postcode=M1+1AE&radius=10")
    assert len(results(page)) >= 3  # online opportunities are never excluded by distance


def test_unknown_postcode_district_is_explained(page: Page, server: str) -> None:
    page.goto(server + "/search/?postcode=ZZ99+9ZZ")
    expect(page.locator("#near-message")).to_contain_text("We do not know where the postcode district ZZ99 is")
    assert results(page)


def test_axe_with_results_shown(page: Page, server: str) -> None:
    page.goto(server + "/search/?q=engineering&region=North+West")
    results(page)
    assert axe_violations(page) == []


def test_without_javascript_the_page_explains_and_links_to_browse(browser, server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "/search/")
    expect(page.get_by_text("Search needs JavaScript")).to_be_visible()
    expect(page.locator("#search-app")).to_be_hidden()
    page.get_by_role("link", name="All open opportunities").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open opportunities")
    context.close()


def test_on_a_phone_the_filters_fold_away_and_name_their_choices(page: Page, server: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server + "/search/")
    page.get_by_label("Search by keyword").fill("online CPD in engineering in the North West")
    page.get_by_label("Search by keyword").press("Enter")
    assert results(page) == WANTED
    expect(page.locator(".filter-panel")).not_to_have_attribute("open", "")
    expect(page.locator(".filter-panel > summary")).to_have_text("Filter: CPD session, Online")
    box = page.locator("#results .card").first.bounding_box()
    assert box and box["y"] < 844  # the result is on the first screen
