"""`python build.py new` with answers piped to stdin, as a terminal would give them."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import yaml

from stemx.content import validate_content
from tests.conftest import ROOT, TODAY

EMPLOYER = [
    "Northfield Robotics", "",  # the suggested web address name, northfield-robotics, is accepted
    "northfield", "www.example.org/northfield",  # not a website; then one without https://, which is added
    "99", "1",  # not a sector; then the first
    "We program robots for small food factories and help teachers.",
    "2,12", "1,3", "Outreach team", "outreach@example.org", "0161 496 0000", "maybe", "true",
]  # fmt: skip
OPPORTUNITY = [
    "A day on the shop floor", "", "nobody", "Northfield Robotics",  # found by its name
    "Spend a day with our engineers programming robot cells.",
    "You will program a cobot and see a food line, then plan a lesson.",
    "1", "1,5", "21", "1", "Northfield workshop", "m15 4az", "2", "Wed 10 March 2027 9:30-13:00", "3.5",
    "1 May 2027",  # after the only date: the validator refuses it, and the question is asked again
    "Email us with your school and the date you prefer.", "outreach@example.org",
    "1/3/2027",
]  # fmt: skip


def new(kind: str, content: Path, answers: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "build.py", "new", kind, "--content", str(content), "--today", TODAY.isoformat()],
        cwd=ROOT,
        input="\n".join(answers) + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_piped_answers_write_files_that_pass_validation(tmp_path: Path) -> None:
    employer = new("employer", tmp_path, EMPLOYER)
    assert employer.returncode == 0, employer.stdout + employer.stderr
    assert "Type a number from 1 to 21." in employer.stdout  # 99 is not a sector
    assert "That is not in the form we need: type it like www.example.org." in employer.stdout
    assert "Please answer yes or no." in employer.stdout
    written = yaml.safe_load((tmp_path / "employers" / "northfield-robotics.yaml").read_text())
    assert written["website"] == "https://www.example.org/northfield" and written["contact"]["publish"] is True
    assert written["offers"] == ["site-visit", "cpd-session"]
    # the command it prints to check the file runs as printed, from where the person is
    check = employer.stdout.split("Check it with: ", 1)[1].strip()
    ran = subprocess.run(shlex.split(check), cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "0 errors" in ran.stdout, check + ran.stdout + ran.stderr

    opportunity = new("opportunity", tmp_path, OPPORTUNITY)
    assert opportunity.returncode == 0, opportunity.stdout + opportunity.stderr
    assert "No registered organisation is called 'nobody'" in opportunity.stdout
    assert "register the organisation first" in opportunity.stdout
    assert "closes: closing date 2027-05-01 is after the last date it runs (2027-03-10)" in opportunity.stdout

    data = yaml.safe_load((tmp_path / "opportunities" / "a-day-on-the-shop-floor.yaml").read_text())
    assert data["closes"] == "2027-03-01" and data["subjects"] == ["robotics-and-automation"]
    assert data["employer"] == "northfield-robotics" and data["location"]["postcode"] == "M15 4AZ"
    assert data["availability"]["dates"] == [
        {"start": "2027-03-10", "end": "2027-03-10", "start_time": "09:30", "end_time": "13:00"}
    ]
    result = validate_content(tmp_path, TODAY)
    assert (result.files, [str(p) for p in result.problems]) == (2, [])


def test_an_existing_entry_is_never_overwritten(tmp_path: Path) -> None:
    assert new("employer", tmp_path, EMPLOYER).returncode == 0
    path = tmp_path / "employers" / "northfield-robotics.yaml"
    before = path.read_bytes()
    again = new("employer", tmp_path, EMPLOYER[:2])  # the same identifier is offered and refused, then input ends
    assert again.returncode == 1
    assert "northfield-robotics.yaml already exists: choose another web address name" in again.stdout
    assert "nothing was written" in again.stdout
    assert path.read_bytes() == before
