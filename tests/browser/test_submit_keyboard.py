"""The submit pages in real headless Chromium, under their own CSP, used as an employer who is not a
programmer would: by keyboard alone, with dates and websites typed as people type them, a draft
that survives a reload, warnings as `validate` gives them, and each way of sending the answers."""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from datetime import date
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit
from urllib.request import urlopen

import pytest
import yaml
from playwright.sync_api import expect

from stemx.cli import main
from stemx.config import BuildConfig
from stemx.content import EntryFile, check_file, load_register
from stemx.output import standalone
from stemx.rules import PERSONAL_EMAIL
from stemx.submission.pages import write_submit_pages
from tests.browser.conftest import collect_errors
from tests.conftest import CASES, ROOT, TODAY

pytestmark = pytest.mark.browser
MINIMAL = CASES / "valid" / "minimal" / "content"  # one employer: Harbourline Marine Engineering


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("submit")
    config = BuildConfig(out_dir=out, today=TODAY)
    write_submit_pages(load_register(MINIMAL, TODAY), standalone(out, config, "submit pages"), config)
    pages = {str(p.relative_to(out)) for p in out.rglob("index.html")}
    assert pages == {f"submit/{p}index.html" for p in ("", "employer/", "opportunity/", "next/")}
    assert json.loads((out / "submit" / "employers" / "ha.json").read_text()) == [
        ["harbourline-marine", "Harbourline Marine Engineering", "Harbourline Works, Plymouth"]
    ]  # the picker's file for names with a word starting "ha"
    assert json.loads((out / "submit" / "employers" / "index.json").read_text()) == {"en": 1, "ha": 1, "ma": 1}
    shutil.copytree(ROOT / "static", out / "static")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/submit/"  # + employer/ or opportunity/
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def csp_page(browser, site: str) -> Iterator[object]:
    context = browser.new_context(accept_downloads=True)  # the page's own CSP applies
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.rsplit("/submit/", 1)[0])
    p = context.new_page()
    errors = collect_errors(p)
    yield p
    context.close()
    assert errors == []


def active_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def tab_to(page, element_id: str, limit: int = 150) -> None:
    """Press Tab until the element has focus: it must be reachable by keyboard, in order."""
    for _ in range(limit):
        if active_id(page) == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"#{element_id} never received focus by Tab")


def answer(page, element_id: str, text: str) -> None:
    tab_to(page, element_id)
    page.keyboard.type(text)


def choose(page, element_id: str, label: str) -> None:
    """A drop-down, by keyboard: type the start of the label."""
    tab_to(page, element_id)
    page.keyboard.type(label)
    selected = page.evaluate(
        f"(() => {{ const s = document.getElementById({element_id!r}); return s.options[s.selectedIndex].text; }})()"
    )
    assert selected == label


def tick(page, element_id: str) -> None:
    tab_to(page, element_id)
    page.keyboard.press("Space")
    assert page.is_checked(f"#{element_id}")


def unfold(page, summary_id: str) -> None:
    tab_to(page, summary_id)
    page.keyboard.press("Enter")
    assert page.evaluate(f"document.getElementById({summary_id!r}).parentElement.open")


def check_answers(page) -> str:
    page.focus("#submit-form button[type=submit]")
    page.keyboard.press("Enter")
    assert active_id(page) == "result-heading", page.inner_text("#error-summary")
    return page.input_value("#yaml")


def passes_validation(kind: str, text: str, tmp_path: Path, employers: tuple[str, ...] = ()) -> list[str]:
    data = yaml.safe_load(text)
    folder = tmp_path / ("employers" if kind == "employer" else "opportunities")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{data['id']}.yaml"
    path.write_text(text, encoding="utf-8")
    checked = check_file(EntryFile.at(kind, path, path.name), lambda e: e in employers, date.today())
    return [str(p) for p in checked.problems]


def register_in_two_minutes(page, site: str) -> None:
    """The short first step, by keyboard, answered as an employer types."""
    page.goto(site + "employer/")
    answer(page, "name", "Northfield Robotics")
    answer(page, "website", "www.example.org/northfield")  # no https://: added
    choose(page, "sector", "Advanced manufacturing")
    answer(page, "summary", "We program robots for small food factories: ask us about automation.")
    tick(page, "regions_served-north-west")
    tick(page, "offers-site-visit")
    tick(page, "offers-cpd-session")
    answer(page, "contact_team", "Outreach team")
    answer(page, "contact_email", "outreach@example.org")
    tick(page, "contact_publish-yes")


def saved_email(page, tmp_path: Path) -> Path:
    """The message the email button opens, saved as a mail program would save it once sent."""
    link = urlsplit(page.get_attribute("#send-email", "href"))
    query = parse_qs(link.query)
    message = EmailMessage()
    message["To"] = unquote(link.path)
    message["Subject"] = query["subject"][0]
    message.set_content(query["body"][0])
    path = tmp_path / "message.eml"
    path.write_bytes(bytes(message))
    return path


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def axe_violations(browser, url: str, state: str) -> list[str]:
    context = browser.new_context(bypass_csp=True)  # only so that axe-core can be injected
    p = context.new_page()
    p.goto(url)
    if state == "errors":
        p.click("#submit-form button[type=submit]")
    elif state == "sent":
        register_in_two_minutes(p, url.rsplit("employer/", 1)[0])
        p.fill("#contact_email", "jane.smith@example.org")  # a warning is shown too
        check_answers(p)
        p.click("#copy-message")
    p.add_script_tag(path=str(AXE))
    result = p.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    context.close()
    return [f"{v['id']}: {v['help']} {v['nodes'][0]['target']}" for v in result["violations"]]


@pytest.mark.parametrize(
    ("path", "state"),
    [("employer/", "empty"), ("employer/", "errors"), ("employer/", "sent"), ("opportunity/", "empty"),
     ("opportunity/", "errors"), ("next/", "empty"), ("", "empty")],
)  # fmt: skip
def test_axe_finds_no_violations(browser, site: str, path: str, state: str) -> None:
    assert axe_violations(browser, f"{site}{path}", state) == []


def test_nu_html_checker_reports_nothing(site: str, tmp_path: Path) -> None:
    pages = []
    for path in ("", "employer/", "opportunity/", "next/"):
        pages.append(tmp_path / f"{path.strip('/') or 'submit'}.html")
        pages[-1].write_bytes(urlopen(site + path).read())
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True,
        timeout=120,
    )
    messages = json.loads(result.stderr or result.stdout or b'{"messages": []}')["messages"]
    assert [f"{m.get('lastLine')}: {m['message']}" for m in messages] == []


def test_the_pages_speak_plain_words(csp_page, site: str) -> None:
    """No developer words where an employer reads: not on the pages, not in the form's questions."""
    page = csp_page
    for path in ("", "employer/", "opportunity/", "next/"):
        page.goto(site + path)
        page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        words = page.inner_text("main").lower()
        words = words.split("for git users")[0]  # the file itself is offered under its own heading
        for jargon in ("yaml", "markdown", "itl1", "identifier", "true", "false", "content/", "schema", "json"):
            assert not re.search(rf"\b{re.escape(jargon)}\b", words), (path, jargon)


def test_without_script_the_other_routes_are_explained(browser, site: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    p = context.new_page()
    p.goto(site + "employer/")
    assert p.is_visible("text=This form needs JavaScript")
    assert p.is_visible("a[href='mailto:submissions@stem-exchange.example.org']")
    assert p.is_visible("a[href$='issues/new?template=register-employer.yml']")
    assert not p.is_visible("#submit-form")
    context.close()


def test_errors_are_summarised_and_say_what_to_type(csp_page, site: str) -> None:
    page = csp_page
    page.goto(site + "employer/")
    assert not page.is_visible("text=This form needs JavaScript")
    page.focus("#submit-form button[type=submit]")
    page.keyboard.press("Enter")
    assert active_id(page) == "error-summary"
    problems = page.locator("#error-summary li").all_inner_texts()
    assert problems[0] == "Answer this question: organisation name"
    assert "Answer at least one of “Team email address” or “Contact page”." in problems
    assert "Answer yes or no: may we show these contact details to teachers?" in problems
    assert page.get_attribute("#name", "aria-invalid") == "true"
    page.keyboard.press("Tab")  # the first link in the summary
    page.keyboard.press("Enter")
    assert active_id(page) == "name"
    answer(page, "name", "x")
    answer(page, "website", "javascript:alert(1)")
    page.focus("#submit-form button[type=submit]")
    page.keyboard.press("Enter")
    problems = page.locator("#error-summary li").all_inner_texts()
    assert "“Organisation name” needs at least 2 characters (it has 1)." in problems
    assert "“Website” is not in a form we can use: type it like www.example.org." in problems


def test_register_support_in_two_minutes_and_send_it_by_email(csp_page, site: str, tmp_path: Path, capsys) -> None:
    page = csp_page
    register_in_two_minutes(page, site)
    employer_yaml = check_answers(page)
    data = yaml.safe_load(employer_yaml)
    assert data["id"] == "northfield-robotics"  # made from the name
    assert data["website"] == "https://www.example.org/northfield"
    assert data["offers"] == ["site-visit", "cpd-session"] and "locations" not in data
    assert data["contact"] == {"team": "Outreach team", "email": "outreach@example.org", "publish": True}
    assert passes_validation("employer", employer_yaml, tmp_path / "file") == []

    # The email route: addressed to the register's inbox, read back by the maintainers' command.
    assert page.get_attribute("#send-email", "href").startswith("mailto:submissions@stem-exchange.example.org?")
    code = main(["from-email", str(saved_email(page, tmp_path)), "--content", str(tmp_path / "content")])
    written = capsys.readouterr().out
    assert code == 0, written
    assert yaml.safe_load(Path(written.strip()).read_text()) | {"registered": "", "reviewed": ""} == data | {
        "registered": "",
        "reviewed": "",
    }  # the same entry by email as in the file

    # GitHub's issue form, filled in by its question ids.
    issue = parse_qs(urlsplit(page.get_attribute("#open-issue", "href")).query)
    assert issue["template"] == ["register-employer.yml"] and issue["name"] == ["Northfield Robotics"]
    assert issue["website"] == ["www.example.org/northfield"]  # as typed: the issue parser reads it the same way

    # Copying the message (for webmail) is the email route too; it ends on "what happens next".
    page.focus("#copy-message")
    page.keyboard.press("Enter")
    expect(page.locator("#copy-status")).not_to_have_text("")
    assert "----- Register an employer -----" in page.evaluate("navigator.clipboard.readText()")
    tab_to(page, "next-link")
    page.keyboard.press("Enter")
    page.wait_for_url("**/submit/next/#email")
    assert page.is_visible("h2#email") and "five working days" in page.inner_text("main")


def test_the_file_is_offered_for_git_users(csp_page, site: str) -> None:
    page = csp_page
    register_in_two_minutes(page, site)
    employer_yaml = check_answers(page)
    page.focus("#copy")
    page.keyboard.press("Enter")
    expect(page.locator("#copy-status")).not_to_have_text("")
    assert page.evaluate("navigator.clipboard.readText()") == employer_yaml
    page.focus("#download")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == "northfield-robotics.yaml"
    assert Path(download.value.path()).read_text(encoding="utf-8") == employer_yaml
    link = urlsplit(page.get_attribute("#open-github", "href"))
    assert link.netloc == "github.com" and link.path == "/stem-exchange/register/new/main/content/employers"
    assert parse_qs(link.query) == {"filename": ["northfield-robotics.yaml"], "value": [employer_yaml]}


def test_more_details_and_the_web_address_name_are_folded_away(csp_page, site: str, tmp_path: Path) -> None:
    page = csp_page
    register_in_two_minutes(page, site)
    assert not page.is_visible("#description") and not page.is_visible("#id")
    unfold(page, "more-details")
    answer(page, "description", "We build **cobot cells** for bakeries.\n\nTeachers are welcome: #1 rule is safety.")
    choose(page, "size", "Small (10 to 49 staff)")
    tick(page, "subjects-robotics-and-automation")
    answer(page, "location_name", "Northfield workshop, Manchester")
    answer(page, "location_postcode", "m154az")  # tidied to M15 4AZ
    choose(page, "location_region", "North West")
    unfold(page, "more-options")
    assert page.input_value("#id") == "northfield-robotics"
    tab_to(page, "id")
    page.keyboard.press("Control+A")
    page.keyboard.type("northfield")
    data = yaml.safe_load(check_answers(page))
    assert data["id"] == "northfield" and data["size"] == "small"
    assert data["locations"] == [
        {"name": "Northfield workshop, Manchester", "postcode": "M15 4AZ", "region": "north-west"}
    ]
    assert data["description"] == "We build **cobot cells** for bakeries.\n\nTeachers are welcome: #1 rule is safety."
    assert passes_validation("employer", page.input_value("#yaml"), tmp_path) == []


def test_a_site_is_all_or_nothing(csp_page, site: str) -> None:
    page = csp_page
    register_in_two_minutes(page, site)
    unfold(page, "more-details")
    answer(page, "location_postcode", "M15 4AZ")
    page.focus("#submit-form button[type=submit]")
    page.keyboard.press("Enter")
    problems = page.locator("#error-summary li").all_inner_texts()
    assert problems == ["Answer this question: site name", "Choose one: region"]


def test_a_personal_email_is_warned_about_as_validate_would(csp_page, site: str) -> None:
    page = csp_page
    register_in_two_minutes(page, site)
    page.fill("#contact_email", "jane.smith@example.org")
    check_answers(page)  # a warning does not stop the entry
    assert page.is_visible("#warning-summary")
    assert page.locator("#warning-summary li").all_inner_texts() == [
        PERSONAL_EMAIL.format(value="jane.smith@example.org")
    ]
    assert page.inner_text("#contact_email-error").startswith("Check this: ")


def test_the_draft_survives_a_reload_until_started_again(csp_page, site: str) -> None:
    page = csp_page
    register_in_two_minutes(page, site)
    page.reload()
    assert page.input_value("#name") == "Northfield Robotics"
    assert page.is_checked("#offers-cpd-session") and page.is_checked("#contact_publish-yes")
    assert "answers from last time are back" in page.inner_text("#draft-status")
    page.focus("#start-again")
    page.keyboard.press("Enter")
    assert page.input_value("#name") == "" and not page.is_checked("#contact_publish-yes")
    assert page.evaluate("localStorage.getItem('stemx-draft-employer')") is None
    page.reload()
    assert page.input_value("#name") == "" and page.inner_text("#draft-status") == ""


def test_an_opportunity_with_the_employer_picked_and_dates_as_people_write_them(
    csp_page, site: str, tmp_path: Path
) -> None:
    page = csp_page
    page.goto(site + "opportunity/")
    answer(page, "employer", "harbour")
    expect(page.locator("#employer-options option")).to_have_count(1)  # waits; the page's CSP forbids eval
    assert page.get_attribute("#employer-options option", "value") == "Harbourline Marine Engineering"
    page.keyboard.type("line marine engineering")
    expect(page.locator("#employer-found")).to_have_text(re.compile("^Chosen: Harbourline Marine Engineering"))
    answer(page, "title", "A day on the shop floor")
    answer(page, "summary", "Spend a day with our engineers programming robot cells.")
    answer(page, "description", "You will program a cobot and see a food line.\n- Safety first\n- Lunch provided")
    choose(page, "type", "Site visit")
    tick(page, "audience-fe-teachers")
    tick(page, "subjects-robotics-and-automation")
    choose(page, "format", "In person")
    answer(page, "location_name", "Harbourline Works, Plymouth")
    answer(page, "location_postcode", "pl1 3aa")
    choose(page, "location_region", "South West")
    answer(page, "dates", "Wed 10 March 2027 9:30-13:00\n14/4/2027 to 16/4/2027")
    answer(page, "duration_hours", "3.5")
    answer(page, "closes", "1 Mar 2027")
    answer(page, "apply_instructions", "Email us with your school and the date you prefer.")
    answer(page, "apply_email", "outreach@example.org")
    answer(page, "requirements", "- Photo ID\n- Closed-toe shoes")
    data = yaml.safe_load(check_answers(page))
    assert data["employer"] == "harbourline-marine" and data["id"] == "a-day-on-the-shop-floor"
    assert data["availability"] == {
        "kind": "dates",
        "dates": [
            {"start": "2027-03-10", "end": "2027-03-10", "start_time": "09:30", "end_time": "13:00"},
            {"start": "2027-04-14", "end": "2027-04-16"},
        ],
    }
    assert data["closes"] == "2027-03-01" and data["location"]["postcode"] == "PL1 3AA"
    assert data["cost"] == 0 and data["duration_hours"] == 3.5
    assert data["requirements"] == ["Photo ID", "Closed-toe shoes"]
    assert (
        passes_validation("opportunity", page.input_value("#yaml"), tmp_path, employers=("harbourline-marine",)) == []
    )
    # a date picked from the calendar goes in too
    page.fill("#closes-picker", "2027-02-20")
    assert page.input_value("#closes") == "2027-02-20"


def test_an_unregistered_employer_leads_to_registration(csp_page, site: str) -> None:
    page = csp_page
    page.goto(site + "opportunity/")
    answer(page, "employer", "Nobody Ltd")
    expect(page.locator("#employer-found")).to_have_text("No registered organisation has that name yet.")
    assert page.get_attribute("text=Register your organisation first", "href").endswith("/submit/employer/")


def test_hostile_answers_stay_values(csp_page, site: str, tmp_path: Path) -> None:
    """Text that looks like YAML is written so that it reads back as the same text."""
    page = csp_page
    page.goto(site + "employer/")
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    hostile = 'Robots!\nid: evil\n"publish": true !!python/object/apply:os.system ["id"]\n  # not a comment\u2028end'
    page.fill("#name", "Evil: Corp # yes")
    page.fill("#id", "evil-corp")
    page.fill("#description", hostile)
    page.fill("#website", "https://www.example.org/")
    page.select_option("#sector", "nuclear")
    page.fill("#location_name", "- [x]")
    page.fill("#location_postcode", "M1 1AA")
    page.select_option("#location_region", "london")
    page.check("#regions_served-london")
    page.fill("#contact_team", "'; DROP TABLE")
    page.fill("#contact_url", "https://www.example.org/contact?a=1&b=2#x")
    page.check("#contact_publish-no")
    page.fill("#summary", "yes: this is twenty chars or more")
    text = check_answers(page)
    data = yaml.safe_load(text)
    assert data["name"] == "Evil: Corp # yes"
    assert data["description"] == hostile
    assert data["locations"][0]["name"] == "- [x]"
    assert data["contact"] == {
        "team": "'; DROP TABLE",
        "url": "https://www.example.org/contact?a=1&b=2#x",
        "publish": False,
    }
    assert passes_validation("employer", text, tmp_path) == []
