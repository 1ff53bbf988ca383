"""The submit pages in real headless Chromium, under their own CSP: filled in by keyboard alone, its file passes validation."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from urllib.request import urlopen

import pytest
import yaml

from stemx.config import BuildConfig
from stemx.content import EntryFile, check_file, load_register
from stemx.submit_page import write_submit_pages
from tests.browser.conftest import collect_errors
from tests.conftest import CASES, ROOT, TODAY

pytestmark = pytest.mark.browser


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("submit")
    config = BuildConfig(out_dir=out, today=TODAY)
    written = write_submit_pages(load_register(CASES / "valid" / "minimal" / "content", TODAY), out, config)
    assert written == 3  # submit/, submit/employer/, submit/opportunity/
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


def make_file(page) -> str:
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


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def axe_violations(browser, url: str, errors_shown: bool) -> list[str]:
    context = browser.new_context(bypass_csp=True)  # only so that axe-core can be injected
    p = context.new_page()
    p.goto(url)
    if errors_shown:
        p.click("#submit-form button[type=submit]")
    p.add_script_tag(path=str(AXE))
    result = p.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    context.close()
    return [f"{v['id']}: {v['help']} {v['nodes'][0]['target']}" for v in result["violations"]]


@pytest.mark.parametrize("kind", ["employer", "opportunity"])
@pytest.mark.parametrize("errors_shown", [False, True])
def test_axe_finds_no_violations(browser, site: str, kind: str, errors_shown: bool) -> None:
    assert axe_violations(browser, f"{site}{kind}/", errors_shown) == []


def test_nu_html_checker_reports_nothing(site: str, tmp_path: Path) -> None:
    pages = []
    for path in ("", "employer/", "opportunity/"):
        pages.append(tmp_path / f"{path.strip('/') or 'submit'}.html")
        pages[-1].write_bytes(urlopen(site + path).read())
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True,
        timeout=120,
    )
    messages = json.loads(result.stderr or result.stdout or b'{"messages": []}')["messages"]
    assert [f"{m.get('lastLine')}: {m['message']}" for m in messages] == []


def test_without_script_the_other_routes_are_explained(browser, site: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    p = context.new_page()
    p.goto(site + "employer/")
    assert p.is_visible("text=This form needs JavaScript")
    assert p.is_visible("a[href$='issues/new?template=register-employer.yml']")
    assert p.is_visible("a[href$='/blob/main/CONTRIBUTING.md']")
    assert not p.is_visible("#submit-form")
    context.close()


def test_errors_are_summarised_and_linked_to_their_questions(csp_page, site: str) -> None:
    page = csp_page
    page.goto(site + "employer/")
    assert not page.is_visible("text=This form needs JavaScript")
    page.focus("#submit-form button[type=submit]")
    page.keyboard.press("Enter")
    assert active_id(page) == "error-summary"
    problems = page.locator("#error-summary li").all_inner_texts()
    assert problems[0] == "Enter name."
    assert "Answer at least one of: Email, Contact page." in problems
    assert page.get_attribute("#name", "aria-invalid") == "true"
    assert page.get_attribute("#name", "aria-describedby") == "name-help name-error"
    page.keyboard.press("Tab")  # the first link in the summary
    page.keyboard.press("Enter")
    assert active_id(page) == "name"
    answer(page, "name", "x")
    answer(page, "website", "javascript:alert(1)")
    page.focus("#submit-form button[type=submit]")
    page.keyboard.press("Enter")
    problems = page.locator("#error-summary li").all_inner_texts()
    assert "Name must be at least 2 characters (it is 1)." in problems
    assert any(p.startswith("Website is not in the expected form.") for p in problems)


def test_keyboard_alone_makes_valid_files(csp_page, site: str, tmp_path: Path) -> None:
    page = csp_page
    page.goto(site + "employer/")
    answer(page, "name", "Northfield Robotics")
    page.keyboard.press("Tab")  # leaving the name suggests an identifier
    assert page.input_value("#id") == "northfield-robotics"
    answer(page, "summary", "We program robots for small food factories: ask us about automation.")
    answer(page, "description", "We build **cobot cells** for bakeries.\n\nTeachers are welcome: #1 rule is safety.")
    answer(page, "website", "https://www.example.org/northfield")
    choose(page, "sector", "Advanced manufacturing")
    choose(page, "size", "Small (10 to 49 staff)")
    answer(page, "location_name", "Northfield workshop, Manchester")
    answer(page, "location_postcode", "m154az")  # tidied to M15 4AZ
    choose(page, "location_region", "North West")
    tick(page, "regions_served-north-west")
    tick(page, "subjects-robotics-and-automation")
    answer(page, "contact_team", "Outreach team")
    answer(page, "contact_email", "outreach@example.org")
    tick(page, "contact_publish")
    employer_yaml = make_file(page)
    data = yaml.safe_load(employer_yaml)
    assert data["locations"] == [
        {"name": "Northfield workshop, Manchester", "postcode": "M15 4AZ", "region": "north-west"}
    ]
    assert data["contact"] == {"team": "Outreach team", "email": "outreach@example.org", "publish": True}
    assert data["description"] == "We build **cobot cells** for bakeries.\n\nTeachers are welcome: #1 rule is safety."
    assert passes_validation("employer", employer_yaml, tmp_path) == []

    # The file is offered to copy, to download and on GitHub's new-file page.
    page.focus("#copy")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('copy-status').textContent !== ''")
    assert page.evaluate("navigator.clipboard.readText()") == employer_yaml
    page.focus("#download")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == "northfield-robotics.yaml"
    assert Path(download.value.path()).read_text(encoding="utf-8") == employer_yaml
    link = urlsplit(page.get_attribute("#open-github", "href"))
    assert link.netloc == "github.com" and link.path == "/stem-exchange/register/new/main/content/employers"
    assert parse_qs(link.query) == {"filename": ["northfield-robotics.yaml"], "value": [employer_yaml]}
    issue = urlsplit(page.get_attribute("#open-issue", "href"))
    assert parse_qs(issue.query)["template"] == ["register-employer.yml"]
    assert parse_qs(issue.query)["name"] == ["Northfield Robotics"]

    page.goto(site + "opportunity/")
    answer(page, "title", "A day on the shop floor")
    answer(page, "id", "northfield-shop-floor-day")
    answer(page, "employer", "northfield-robotics")
    answer(page, "summary", "Spend a day with our engineers programming robot cells.")
    answer(page, "description", "You will program a cobot and see a food line.\n- Safety first\n- Lunch provided")
    choose(page, "type", "Site visit")
    tick(page, "audience-fe-teachers")
    tick(page, "subjects-robotics-and-automation")
    choose(page, "format", "In person")
    answer(page, "location_name", "Northfield workshop, Manchester")
    answer(page, "location_postcode", "M15 4AZ")
    choose(page, "location_region", "North West")
    answer(page, "dates", "2027-03-10 09:30-13:00\n2027-04-14 to 2027-04-16")
    answer(page, "duration_hours", "3.5")
    answer(page, "closes", "2027-03-01")
    answer(page, "apply_instructions", "Email us with your school and the date you prefer.")
    answer(page, "apply_email", "outreach@example.org")
    answer(page, "requirements", "- Photo ID\n- Closed-toe shoes")
    opportunity_yaml = make_file(page)
    data = yaml.safe_load(opportunity_yaml)
    assert data["availability"] == {
        "kind": "dates",
        "dates": [
            {"start": "2027-03-10", "end": "2027-03-10", "start_time": "09:30", "end_time": "13:00"},
            {"start": "2027-04-14", "end": "2027-04-16"},
        ],
    }
    assert data["cost"] == 0 and data["duration_hours"] == 3.5
    assert data["requirements"] == ["Photo ID", "Closed-toe shoes"]
    assert passes_validation("opportunity", opportunity_yaml, tmp_path, employers=("northfield-robotics",)) == []


def test_hostile_answers_stay_values(csp_page, site: str, tmp_path: Path) -> None:
    """Text that looks like YAML is written so that it reads back as the same text."""
    page = csp_page
    page.goto(site + "employer/")
    hostile = 'Robots!\nid: evil\n"publish": true !!python/object/apply:os.system ["id"]\n  # not a comment\u2028end'
    page.fill("#name", "Evil: Corp # yes")
    page.fill("#id", "evil-corp")
    page.fill("#summary", "no")
    page.fill("#description", hostile)
    page.fill("#website", "https://www.example.org/")
    page.select_option("#sector", "nuclear")
    page.select_option("#size", "micro")
    page.fill("#location_name", "- [x]")
    page.fill("#location_postcode", "M1 1AA")
    page.select_option("#location_region", "london")
    page.check("#regions_served-london")
    page.check("#subjects-physics")
    page.fill("#contact_team", "'; DROP TABLE")
    page.fill("#contact_url", "https://www.example.org/contact?a=1&b=2#x")
    page.fill("#summary", "yes: this is twenty chars or more")
    text = make_file(page)
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
