"""The submit form on the built sample site, found by its labels as a screen reader user would."""

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from stemx.content import EntryFile, check_file
from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser


def test_errors_are_summarised_linked_and_accessible(page: Page, server: str) -> None:
    page.goto(server + "/submit/employer/")
    page.get_by_role("button", name="Check my answers").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    link = summary.get_by_role("link", name="Answer this question: organisation name")
    link.click()
    expect(page.locator("#name")).to_be_focused()  # the link moves focus to the question itself
    assert axe_violations(page) == []


def test_employer_form_prepares_a_valid_entry(page: Page, server: str, tmp_path: Path) -> None:
    page.goto(server + "/submit/employer/")
    page.get_by_label(re.compile(r"^Organisation name")).fill("Northfield Robotics")
    page.get_by_label(re.compile(r"^Website")).fill("example.org/northfield")
    page.get_by_label(re.compile(r"^Sector")).select_option(label="Advanced manufacturing")
    page.get_by_label(re.compile(r"^What does your organisation do")).fill("Too short")
    page.locator("#q-regions_served").get_by_label("North West").check()
    page.locator("#q-offers").get_by_label("Teacher placement").check()
    page.get_by_label(re.compile(r"^Team or role")).fill("Outreach team")
    page.get_by_label(re.compile(r"^Team email")).fill("outreach@example.org")
    page.get_by_label("Yes: show them").check()
    page.get_by_role("button", name="Check my answers").click()
    expect(page.locator("#error-summary")).to_contain_text(
        "“What does your organisation do?” needs at least 20 characters (it has 9)."
    )
    page.get_by_label(re.compile(r"^What does your organisation do")).fill(
        'We program robots for food factories: "cobots" & more.'
    )
    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_role("heading", name="Your answers are ready to send")).to_be_focused()
    expect(page.get_by_role("link", name="Open my email with the answers")).to_have_attribute(
        "href", re.compile(r"^mailto:submissions@stem-exchange\.example\.org\?subject=Register%20an%20employer")
    )
    text = page.locator("#yaml").input_value()
    folder = tmp_path / "employers"
    folder.mkdir()
    (folder / "northfield-robotics.yaml").write_text(text)
    checked = check_file(
        EntryFile.at("employer", folder / "northfield-robotics.yaml", "northfield-robotics.yaml"),
        bool,
        date(2026, 11, 24),
    )
    assert [str(p) for p in checked.problems] == []
    assert checked.entry.website == "https://example.org/northfield"
    assert checked.entry.offers == ("teacher-placement",)


def test_without_javascript_the_form_points_to_email_and_the_issue_form(browser, server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "/submit/opportunity/")
    expect(page.get_by_text("This form needs JavaScript")).to_be_visible()
    expect(page.get_by_role("link", name="GitHub form")).to_have_attribute(
        "href", re.compile(r"issues/new\?template=add-opportunity\.yml$")
    )
    expect(page.get_by_role("link", name="submissions@stem-exchange.example.org")).to_be_visible()
    context.close()
