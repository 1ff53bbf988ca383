"""A teacher builds a term's CPD plan: save from cards and pages, choose dates, see clashes and
closing dates, count hours against a target by term, export to a calendar and a spreadsheet,
and move the plan to another browser by link. Kept in the browser only."""

import csv
import io
import re
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser

CYBER = "Practical cyber security CPD: phishing, passwords and logs"  # 2, 9, 23 Feb and 2 Mar 2027, 16:30-17:30
TRAINS = "Condition monitoring: data that keeps trains running"  # 9 Feb 2027, 16:00-17:30
ADVICE = "Ask a data analyst: advice for computing and maths teachers"  # on request


def save_three(page: Page, server: str) -> None:
    page.clock.set_fixed_time("2027-01-28T10:00:00")  # the teacher's today, for "days left"
    page.goto(server + "/opportunities/docklands-cyber-cpd/")
    page.get_by_role("button", name="Save to my plan").click()
    expect(page.get_by_role("button", name="Saved to my plan (remove)")).to_have_attribute("aria-pressed", "true")
    page.goto(server + "/opportunities/trent-condition-monitoring-cpd/")
    page.get_by_role("button", name="Save to my plan").click()
    page.goto(server + "/opportunities/type/advice/")  # from a card
    page.locator(".card", has_text=ADVICE).get_by_role("button", name="Save to my plan").click()
    page.goto(server + "/plan/")
    page.wait_for_selector("body[data-plan-ready=yes]")


def titles(page: Page) -> list[str]:
    return page.locator("#plan-list .card-title").all_inner_texts()


def test_save_plan_and_export_a_term(page: Page, server: str, tmp_path: Path) -> None:
    save_three(page, server)
    assert titles(page) == [CYBER, TRAINS, ADVICE]  # date order; on request last
    cyber = page.locator(".plan-item[data-id=docklands-cyber-cpd]")
    trains = page.locator(".plan-item[data-id=trent-condition-monitoring-cpd]")
    expect(cyber).to_contain_text("Apply by")
    cyber.get_by_label("Which date?").select_option(label="Tue, 9 Feb 2027, 16:30 to 17:30")
    expect(page.locator(".plan-item[data-id=docklands-cyber-cpd]")).to_contain_text(f"Clashes with “{TRAINS}”")
    expect(page.locator(".plan-item[data-id=trent-condition-monitoring-cpd]")).to_contain_text(
        f"Clashes with “{CYBER}”"
    )
    # Hours: 4 + 1.5 + 0.75 planned against a target the teacher sets, by term
    page.get_by_label("My target for the year (hours)").fill("20")
    page.get_by_label("My target for the year (hours)").press("Tab")
    expect(page.locator("#plan-progress")).to_have_text("0 of 20 hours done, 6.25 more planned: 13.75 to find.")
    trains.get_by_label("Done: count these hours as completed").check()
    expect(page.locator("#plan-progress")).to_have_text("1.5 of 20 hours done, 4.75 more planned: 13.75 to find.")
    terms = page.locator("#plan-terms tbody tr").all_inner_texts()
    assert [re.split(r"\s+", t) for t in terms[1:]] == [
        ["Spring", "term", "4", "1.5"],
        ["Summer", "term", "0", "0"],
        ["No", "date", "yet", "0.75", "0"],
    ]
    expect(page.locator(".plan-item[data-id=docklands-cyber-cpd]")).not_to_contain_text(
        "Clashes"
    )  # done ones no longer clash

    with page.expect_download() as ics:
        page.get_by_role("link", name="Download it for your calendar").click()
    raw = Path(ics.value.path()).read_bytes()
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # long titles are folded
    cal = icalendar.Calendar.from_ical(raw)
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {CYBER, TRAINS}  # the dates chosen; on request has none
    start = events[CYBER].decoded("DTSTART")
    assert start.isoformat() == "2027-02-09T16:30:00+00:00"  # the chosen date, 16:30 in London in February

    with page.expect_download() as spreadsheet:
        page.get_by_role("link", name="Download it as a spreadsheet").click()
    rows = list(csv.DictReader(io.StringIO(Path(spreadsheet.value.path()).read_text(encoding="utf-8-sig"))))
    assert [(r["title"], r["date"], r["done"]) for r in rows] == [
        (TRAINS, "2027-02-09", "yes"),  # 16:00, before the other at 16:30
        (CYBER, "2027-02-09", "no"),
        (ADVICE, "", "no"),
    ]
    assert rows[1]["cpd_hours"] == "4" and rows[1]["address"].endswith("/opportunities/docklands-cyber-cpd/")

    # A reload keeps everything: it lives in this browser
    page.reload()
    page.wait_for_selector("body[data-plan-ready=yes]")
    expect(page.locator("#plan-progress")).to_have_text("1.5 of 20 hours done, 4.75 more planned: 13.75 to find.")
    assert axe_violations(page) == []


def test_a_plan_moves_to_another_browser_by_link(browser: Browser, page: Page, server: str) -> None:
    save_three(page, server)
    page.locator(".plan-item[data-id=docklands-cyber-cpd]").get_by_label("Which date?").select_option(index=3)
    page.locator(".plan-item[data-id=aire-valley-advice-call]").get_by_label(
        "Done: count these hours as completed"
    ).check()
    link = page.locator("#plan-link").input_value()
    assert re.search(r"/plan/#p=[\w-]+$", link)
    other = browser.new_context()  # another device: nothing saved there
    there = other.new_page()
    there.goto(link)
    expect(there.locator("#plan-import")).to_contain_text("This link holds 3 opportunities and a target of 30 hours.")
    there.get_by_role("button", name="Add them to my plan").click()
    expect(there.locator("#plan-list .card-title")).to_have_count(3)
    expect(there.locator(".plan-item[data-id=docklands-cyber-cpd]").get_by_label("Which date?")).to_have_value("3")
    expect(
        there.locator(".plan-item[data-id=aire-valley-advice-call]").get_by_label(
            "Done: count these hours as completed"
        )
    ).to_be_checked()
    assert "#p=" not in there.url
    other.close()


def test_withdrawn_changed_and_removed_entries_are_marked_not_dropped(browser: Browser, server: str) -> None:
    context = browser.new_context()  # not the checked page: asking for the removed one's page is a 404 on purpose
    page = context.new_page()
    page.goto(server + "/plan/")
    page.evaluate(
        """() => localStorage.setItem("stemx-plan", JSON.stringify({target: 30, items: {
          "docklands-cyber-cpd": {id: "docklands-cyber-cpd", url: "/opportunities/docklands-cyber-cpd/", title: "Old title",
            snapshot: {title: "Old title", sessions: [], hours: 4, where: "Online"}, chosen: null, done: false},
          "ribble-spc-withdrawn": {id: "ribble-spc-withdrawn", url: "/opportunities/ribble-spc-withdrawn/", title: "x", snapshot: null, chosen: null, done: false},
          "gone-away": {id: "gone-away", url: "/opportunities/gone-away/", title: "A visit that was removed", snapshot: null, chosen: null, done: false}
        }}))"""
    )
    page.reload()
    page.wait_for_selector("body[data-plan-ready=yes]")
    expect(page.locator(".plan-item[data-id=docklands-cyber-cpd]")).to_contain_text(
        "Changed since you saved it: check the details"
    )
    expect(page.locator(".plan-item[data-id=ribble-spc-withdrawn]")).to_contain_text("Withdrawn by the employer")
    expect(page.locator(".plan-item[data-id=gone-away]")).to_contain_text("No longer listed")
    page.locator(".plan-item[data-id=docklands-cyber-cpd]").get_by_role("button", name="I have checked it").click()
    expect(page.locator(".plan-item[data-id=docklands-cyber-cpd]")).not_to_contain_text("Changed since")
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_plan_page_is_accessible(browser: Browser, server: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    save_three(page, server)
    page.locator(".plan-item[data-id=docklands-cyber-cpd]").get_by_label("Which date?").select_option(
        index=1
    )  # a clash shown
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()


def test_without_javascript_the_plan_is_explained_and_nothing_offers_to_save(browser: Browser, server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "/plan/")
    expect(page.get_by_text("Your plan needs JavaScript")).to_be_visible()
    page.goto(server + "/opportunities/docklands-cyber-cpd/")
    expect(page.get_by_role("button", name="Save to my plan")).to_be_hidden()
    context.close()


def test_a_search_result_can_be_saved_too(page: Page, server: str) -> None:
    page.goto(server + "/search/?q=condition+monitoring")
    card = page.locator("#results .card", has_text=TRAINS)
    card.get_by_role("button", name="Save to my plan").click()
    expect(card.get_by_role("button", name="Saved to my plan (remove)")).to_be_visible()
    page.goto(server + "/plan/")
    page.wait_for_selector("body[data-plan-ready=yes]")
    assert titles(page) == [TRAINS]
    expect(page.locator(".plan-item[data-id=trent-condition-monitoring-cpd]")).to_contain_text(
        "1.5 CPD hours"
    )  # read from its page
