"""Issue forms follow the schema; submitted issue bodies, fair or hostile, become entries or clear refusals."""

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from stemx.cli import main
from stemx.content import EntryFile, check_file
from stemx.submission.issue_forms import write
from stemx.submission.issue_parse import MAX_BODY, SubmissionError, to_yaml

BODIES = Path(__file__).parent / "bodies"
TODAY = date(2026, 11, 24)


def test_issue_forms_match_the_schema() -> None:
    assert write(check=True) == [], "run: python build.py forms"


def test_forms_drift_is_detected(tmp_path: Path) -> None:
    write(tmp_path)
    form = tmp_path / "add-opportunity.yml"
    form.write_text(form.read_text().replace("label: Title", "label: Name of it"))
    assert write(tmp_path, check=True) == [str(form)]


def _valid(kind: str, text: str, tmp_path: Path, employers: tuple[str, ...] = ()) -> list[str]:
    folder = tmp_path / ("employers" if kind == "employer" else "opportunities")
    folder.mkdir(parents=True, exist_ok=True)
    entry_id = yaml.safe_load(text)["id"]
    path = folder / f"{entry_id}.yaml"
    path.write_text(text)
    checked = check_file(EntryFile.at(kind, path, path.name), lambda e: e in employers, TODAY)
    return [str(p) for p in checked.problems]


def test_employer_body_becomes_a_valid_entry(tmp_path: Path) -> None:
    entry_id, text = to_yaml("employer", (BODIES / "employer.md").read_text(), TODAY)
    assert entry_id == "northfield-robotics"
    data = yaml.safe_load(text)
    assert data["sector"] == "advanced-manufacturing" and data["regions_served"] == [
        "north-west",
        "yorkshire-and-the-humber",
    ]
    assert data["contact"] == {"team": "Outreach team", "email": "outreach@example.org", "publish": True}
    assert _valid("employer", text, tmp_path) == []


def test_opportunity_body_becomes_a_valid_entry(tmp_path: Path) -> None:
    entry_id, text = to_yaml("opportunity", (BODIES / "opportunity.md").read_text(), TODAY)
    data = yaml.safe_load(text)
    assert data["availability"]["dates"] == [
        {"start": "2027-03-10", "end": "2027-03-10", "start_time": "09:30", "end_time": "13:00"},
        {"start": "2027-04-14", "end": "2027-04-16"},
    ]
    assert data["requirements"] == ["Photo ID", "Closed-toe shoes"]
    assert _valid("opportunity", text, tmp_path, employers=("northfield-robotics",)) == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("hostile-heading.md", "unexpected heading '### id'"),
        ("hostile-unknown-choice.md", "Sector: 'Bitcoin mining' is not one of the choices"),
        ("missing-required.md", "Organisation name: this question needs an answer"),
        ("bad-dates.md", "line 2 of the dates ('next Tuesday')"),
        ("bad-id.md", "the id '../../etc/passwd' must be lower-case letters"),
    ],
)
def test_unreadable_bodies_are_refused_in_plain_words(body: str, message: str) -> None:
    kind = "opportunity" if "dates" in body else "employer"
    with pytest.raises(SubmissionError) as e:
        to_yaml(kind, (BODIES / body).read_text(), TODAY)
    assert message in str(e.value)


def test_yaml_injection_stays_inside_the_value(tmp_path: Path) -> None:
    body = (
        (BODIES / "employer.md")
        .read_text()
        .replace(
            "We program robots for small food factories.",
            'We program robots.\\nid: evil\\n"publish": true !!python/object:os.system',
        )
    )
    _, text = to_yaml("employer", body, TODAY)
    data = yaml.safe_load(text)
    assert data["id"] == "northfield-robotics"
    assert data["summary"].startswith("We program robots.\\nid: evil")


def test_oversized_body_is_refused() -> None:
    with pytest.raises(SubmissionError, match="longer than"):
        to_yaml("employer", "### Name\n\n" + "x" * MAX_BODY, TODAY)


def test_issue_to_yaml_command_writes_the_file(tmp_path: Path, capsys) -> None:
    code = main(
        [
            "issue-to-yaml",
            "employer",
            "--body-file",
            str(BODIES / "employer.md"),
            "--content",
            str(tmp_path),
            "--today",
            "2026-11-24",
        ]
    )
    assert code == 0
    assert (tmp_path / "employers" / "northfield-robotics.yaml").is_file()
    assert (
        main(
            [
                "issue-to-yaml",
                "employer",
                "--body-file",
                str(BODIES / "missing-required.md"),
                "--content",
                str(tmp_path),
            ]
        )
        == 1
    )
    assert "could not be read" in capsys.readouterr().out


def test_new_command_writes_a_valid_file_from_answers(tmp_path: Path) -> None:
    from stemx.submission.new import run
    from tests.submission.test_new import EMPLOYER

    answers = iter(EMPLOYER)
    out = __import__("io").StringIO()
    path = run("employer", tmp_path, TODAY, read=lambda prompt: next(answers), out=out)
    assert path == tmp_path / "employers" / "northfield-robotics.yaml"  # the suggested id was accepted
    assert "Type a number from 1 to 21" in out.getvalue()  # 99 was refused
    assert "That is not in the form we need: type it like www.example.org." in out.getvalue()
    assert "Please answer yes or no" in out.getvalue()
    assert _valid("employer", path.read_text(), tmp_path / "check") == []


def test_issue_forms_follow_githubs_rules() -> None:
    """What GitHub's issue-form syntax requires: unique ids and labels, valid ids, unique
    dropdown options, and no option called 'None' (GitHub reserves it)."""
    from tests.conftest import ROOT

    for path in sorted((ROOT / ".github" / "ISSUE_TEMPLATE").glob("*.yml")):
        form = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert form["name"] and form["description"] and form["body"], path.name
        fields = [f for f in form["body"] if f["type"] != "markdown"]
        ids = [f["id"] for f in fields]
        labels = [f["attributes"]["label"] for f in fields]
        assert len(set(ids)) == len(ids) and len(set(labels)) == len(labels), path.name
        for f in fields:
            assert re.fullmatch(r"[A-Za-z0-9_-]+", f["id"]), (path.name, f["id"])
            assert f["type"] in ("input", "textarea", "dropdown", "checkboxes"), (path.name, f["type"])
            options = f["attributes"].get("options", [])
            if f["type"] == "dropdown":
                assert options and len(set(options)) == len(options) and "None" not in options, (path.name, f["id"])


@pytest.mark.parametrize("kind", ["employer", "opportunity"])
def test_the_form_description_puts_answers_where_to_entry_does(kind: str) -> None:
    """The submit page's script writes each answer at its description path; to_entry (issue forms,
    `new`) must agree, so that all routes produce the same shape of file."""
    from stemx.submission.forms import form_description, to_entry

    description = form_description(kind)
    answers: dict[str, object] = {}
    for f in description["fields"]:
        if f["kind"] == "yesno":
            answers[f["id"]] = "yes"
        elif f["id"] == "closes":
            answers[f["id"]] = "1 March 2027"  # read as people write it, stored as YYYY-MM-DD
        elif f["id"] == "location_postcode":
            answers[f["id"]] = "m154az"
        elif f["kind"] == "multiselect":
            answers[f["id"]] = [f["options"][0][0]]
        elif f["kind"] == "select":
            answers[f["id"]] = f["options"][-1][0]
        elif f["kind"] == "dates":
            answers[f["id"]] = "2027-03-10"
        elif f["type"] in ("number", "integer"):
            answers[f["id"]] = "7"
        else:
            answers[f["id"]] = f"answer to {f['id']}"
    entry, problems = to_entry(kind, answers)
    assert problems == []
    for f in description["fields"]:
        node: object = entry
        for step in f["path"]:
            node = node[step]  # type: ignore[index]
        if f["kind"] == "dates":
            assert node == {"kind": "dates", "dates": [{"start": "2027-03-10", "end": "2027-03-10"}]} | (
                {"notes": answers["availability_notes"]} if "availability_notes" in answers else {}
            )
        elif f["type"] == "list" and f["kind"] == "textarea":
            assert node == [answers[f["id"]]], f["id"]
        elif f["type"] in ("number", "integer"):
            assert node == 7, f["id"]
        elif f["kind"] == "yesno":
            assert node is True
        elif f["id"] == "closes":
            assert node == "2027-03-01"
        elif f["id"] == "location_postcode":
            assert node == "M15 4AZ"
        else:
            assert node == answers[f["id"]], f["id"]
    assert set(entry) <= set(description["order"])
