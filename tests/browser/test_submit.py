"""The submit form in a real browser: errors are summarised and linked; the entry it prepares is valid."""

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
    page.get_by_role("button", name="Prepare my entry").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter name")
    summary.get_by_role("link", name="Enter name").click()
    expect(page.locator("#name")).to_be_focused()  # the link moves focus to the question itself
    assert axe_violations(page) == []


def test_employer_form_prepares_a_valid_entry(page: Page, server: str, tmp_path: Path) -> None:
    page.goto(server + "/submit/employer/")
    page.get_by_label(re.compile(r"^Name")).fill("Northfield Robotics")
    page.get_by_label(re.compile(r"^Identifier")).fill("northfield-robotics")
    page.get_by_label(re.compile(r"^Summary")).fill('We program robots for food factories: "cobots" & more.')
    page.get_by_label(re.compile(r"^Description")).fill("We build cobot cells.\n\nid: evil\n- a list item")
    page.get_by_label(re.compile(r"^Website")).fill("https://www.example.org/northfield")
    page.get_by_label(re.compile(r"^Sector")).select_option(label="Advanced manufacturing")
    page.get_by_label(re.compile(r"^Size")).select_option(label="Small (10 to 49 staff)")
    page.get_by_label(re.compile(r"^Location: place name")).fill("Northfield workshop")
    page.get_by_label(re.compile(r"^Location: postcode")).fill("m15 4az")
    page.get_by_label(re.compile(r"^Location: region")).select_option(label="North West")
    page.locator("#q-regions_served").get_by_label("North West").check()
    page.locator("#q-subjects").get_by_label("Computing").check()
    page.get_by_label(re.compile(r"^Team")).fill("Outreach team")
    page.get_by_label(re.compile(r"^Email")).fill("outreach@example.org")
    page.get_by_label("Yes, publish these contact details").check()
    page.get_by_label(re.compile(r"^Summary")).fill("Too short")
    page.get_by_role("button", name="Prepare my entry").click()
    expect(page.locator("#error-summary")).to_contain_text("Summary must be at least 20 characters (it is 9).")
    page.get_by_label(re.compile(r"^Summary")).fill('We program robots for food factories: "cobots" & more.')
    page.get_by_role("button", name="Prepare my entry").click()
    expect(page.get_by_role("heading", name="Your entry is ready")).to_be_focused()
    text = page.locator("#yaml").input_value()
    href = page.get_by_role("link", name=re.compile("Open GitHub's new-file page")).get_attribute("href")
    assert href.startswith(
        "https://github.com/stem-exchange/register/new/main/content/employers?filename=northfield-robotics.yaml&value="
    )
    assert page.get_by_role("link", name="download it").get_attribute("download") == "northfield-robotics.yaml"
    folder = tmp_path / "employers"
    folder.mkdir()
    (folder / "northfield-robotics.yaml").write_text(text)
    checked = check_file(
        EntryFile.at("employer", folder / "northfield-robotics.yaml", "northfield-robotics.yaml"),
        bool,
        date(2026, 11, 24),
    )
    assert [str(p) for p in checked.problems] == []
    assert checked.entry.description == "We build cobot cells.\n\nid: evil\n- a list item"


def test_without_javascript_the_form_points_to_the_issue_form(browser, server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "/submit/opportunity/")
    expect(page.get_by_text("This form needs JavaScript")).to_be_visible()
    expect(page.get_by_role("link", name="GitHub issue form")).to_have_attribute(
        "href", re.compile(r"issues/new\?template=add-opportunity\.yml$")
    )
    context.close()
