"""The browser scripts' pure parts, unit-tested with node's own test runner."""

import shutil
import subprocess

from tests.conftest import ROOT


def test_plan_units() -> None:
    node = shutil.which("node")
    assert node, "node is needed (make install uses it for npm)"
    run = subprocess.run([node, "--test", str(ROOT / "tests" / "js" / "plan.test.mjs")], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "# fail 0" in run.stdout and "# pass 5" in run.stdout


def test_search_worker_units() -> None:
    node = shutil.which("node")
    assert node, "node is needed (make install uses it for npm)"
    run = subprocess.run(
        [node, "--test", str(ROOT / "tests" / "js" / "search-worker.test.mjs")], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "# fail 0" in run.stdout and "# pass 3" in run.stdout


DATES = ["1 Jan 2027", "1/1/2027", "01/01/27", "2027-1-5", "Wed 10th March 2027", "10 Sept. 2027", "31/2/2027",
         "30 February 2027", "next Tuesday", "2027-13-01", "1.3.2027", "10 Marchh 2027"]  # fmt: skip
LINES = ["2027-03-10", "10 March 2027 09:30-13:00", "14/4/2027 to 16/4/2027", "1 Jan 2027 – 3 Jan 2027, from 9.30 to 16:00",
         "10 March 2027 25:00-26:00", "10 March", "soon"]  # fmt: skip
URLS = [
    "www.example.org",
    "example.org/a?b=1",
    "https://example.org",
    "javascript:alert(1)",
    "not a site",
    "EXAMPLE.ORG",
]
POSTCODES = ["m15 4az", "M154AZ", " sw1a 1aa ", "bad", "EC1A1BB"]
NAMES = ["Northfield Robotics Ltd", "  Café & Co.  ", "A" * 80, "---"]


def test_the_page_reads_answers_and_warns_as_python_does() -> None:
    """One set of rules in two languages: the page's script and the Python that reads the issue
    forms, emails and `new` answers must agree on every input, and give the validator's warnings."""
    import json

    from stemx.rules import MOBILE, PERSONAL_EMAIL, PHONE_IN_TEXT
    from stemx.submission.answers import read_date, read_postcode, read_session, read_url, slug
    from stemx.submission.forms import form_description

    desc = form_description("employer")
    person = {
        "name": "Harbour Lights", "website": "www.example.org", "sector": "rail",
        "summary": "We fix signals; call Jo on 0161 496 0000 or jo.bloggs@example.org to visit.",
        "regions_served": ["london"], "offers": [], "contact_team": "Education", "contact_email": "jane.smith@example.org",
        "contact_phone": "07700 900123", "contact_publish": "yes",
    }  # fmt: skip
    blank = {f["id"]: [] if f["kind"] == "multiselect" else "" for f in desc["fields"]}
    forms = [
        blank,
        blank | person,
        blank
        | person
        | {
            "contact_email": "outreach@example.org",
            "contact_phone": "",
            "summary": "We fix railway signals and welcome teachers.",
        },
    ]
    node = shutil.which("node")
    assert node
    run = subprocess.run(
        [node, str(ROOT / "tests" / "js" / "submit-rules-run.mjs")],
        input=json.dumps(
            {
                "desc": desc,
                "dates": DATES,
                "lines": LINES,
                "urls": URLS,
                "postcodes": POSTCODES,
                "names": NAMES,
                "forms": forms,
            }
        ),  # fmt: skip
        capture_output=True,
        text=True,
        check=True,
    )
    js = json.loads(run.stdout)
    assert js["dates"] == [read_date(t) for t in DATES]
    assert js["dates"][:6] == ["2027-01-01", "2027-01-01", "2027-01-01", "2027-01-05", "2027-03-10", "2027-09-10"]
    assert js["lines"] == [read_session(t) for t in LINES]
    assert js["urls"] == [read_url(t) for t in URLS]
    assert js["postcodes"] == [read_postcode(t) for t in POSTCODES]
    assert js["names"] == [slug(t) for t in NAMES]
    empty, warned, clean = js["forms"]
    assert empty["problems"][:2] == ["name", "website"] and "contact_publish" in empty["problems"]
    assert warned["problems"] == [] and warned["entry"]["website"] == "https://www.example.org"
    assert {(w["id"], w["message"]) for w in warned["warnings"]} == {
        ("summary", PHONE_IN_TEXT.format(value="0161 496 0000")),
        ("summary", PERSONAL_EMAIL.format(value="jo.bloggs@example.org")),
        ("contact_email", PERSONAL_EMAIL.format(value="jane.smith@example.org")),
        ("contact_phone", MOBILE),
    }
    assert clean["warnings"] == []
