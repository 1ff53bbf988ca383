"""Real issue-form bodies, fair and hostile: exact files out, or exact refusals in plain words."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from stemx.content import EntryFile, check_file
from stemx.submission.forms import questions
from stemx.submission.issue_parse import MAX_BODY, SubmissionError, to_yaml

BODIES = Path(__file__).parent / "bodies"
TODAY = date(2026, 11, 24)


def body(name: str) -> str:
    return (BODIES / name).read_text(encoding="utf-8")


def problems(kind: str, text: str, tmp_path: Path, employers: tuple[str, ...] = ()) -> list[str]:
    """What the real validator says about the file."""
    folder = tmp_path / ("employers" if kind == "employer" else "opportunities")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{yaml.safe_load(text)['id']}.yaml"
    path.write_text(text, encoding="utf-8")
    return [str(p) for p in check_file(EntryFile.at(kind, path, path.name), lambda e: e in employers, TODAY).problems]


@pytest.mark.parametrize("kind", ["employer", "opportunity"])
def test_a_fair_body_gives_exactly_the_expected_file(kind: str, tmp_path: Path) -> None:
    entry_id, text = to_yaml(kind, body(f"{kind}.md"), TODAY)
    assert text == body(f"{kind}.expected.yaml")
    assert entry_id == yaml.safe_load(text)["id"]
    assert problems(kind, text, tmp_path, employers=("northfield-robotics",)) == []


def test_windows_line_endings_give_the_same_file() -> None:
    assert to_yaml("employer", body("employer.md").replace("\n", "\r\n"), TODAY)[1] == body("employer.expected.yaml")


def test_yaml_injection_is_text_inside_one_value(tmp_path: Path) -> None:
    _, text = to_yaml("employer", body("hostile-yaml-injection.md"), TODAY)
    data = yaml.safe_load(text)
    assert data["summary"] == 'We program robots.\nid: evil\ncontact: {publish: true}\n---\n"publish": true'
    assert data["id"] == "northfield-robotics"
    assert data["contact"]["publish"] is True  # from the consent box, not from the injected text
    assert list(yaml.safe_load_all(text)) == [data]  # one document: the '---' stayed inside the value


def test_yaml_tags_anchors_and_directives_stay_text(tmp_path: Path) -> None:
    _, text = to_yaml("employer", body("hostile-python-tag.md"), TODAY)
    data = yaml.safe_load(text)
    assert data["name"] == '!!python/object/apply:os.system ["touch /tmp/pwned"]'
    assert data["contact"]["team"] == "&anchor *alias !!binary | %YAML 1.1"
    assert "name: '!!python/object/apply:os.system [\"touch /tmp/pwned\"]'\n" in text
    assert problems("employer", text, tmp_path) == []


def test_markdown_headings_inside_an_answer_stay_in_it(tmp_path: Path) -> None:
    _, text = to_yaml("employer", body("hostile-markdown-headings.md"), TODAY)
    assert yaml.safe_load(text)["description"] == (
        "We build **cobot cells** for bakeries and dairies.\n\n#### Not a question\n\n## Nor this\n\n"
        "###No space, so not a heading\n\n<script>alert(1)</script>\n\n"
        "We welcome teachers to our workshop in Manchester."
    )
    assert problems("employer", text, tmp_path) == []  # the site shows the HTML as text


def test_a_javascript_address_is_refused_by_the_validator(tmp_path: Path) -> None:
    _, text = to_yaml("employer", body("hostile-javascript-url.md"), TODAY)
    assert problems("employer", text, tmp_path) == [
        "northfield-robotics.yaml:9:10: website: 'javascript:alert(document.cookie)' is not in the expected form: "
        "A full web address starting with https:// (or http://)."
    ]


@pytest.mark.parametrize(
    ("name", "kind", "message"),
    [
        (
            "hostile-heading.md",
            "employer",
            "unexpected heading '### id': answers must not contain lines starting with ###",
        ),
        ("hostile-repeated-question.md", "employer", "the question 'Organisation name' appears twice"),
        (
            "hostile-text-before-questions.md",
            "employer",
            "text before the first question; please use the issue form as given",
        ),
        (
            "hostile-control-characters.md",
            "employer",
            "line 61 holds an invisible control character (U+001B); please retype that answer",
        ),
        ("hostile-unknown-choice.md", "employer", "Sector: 'Bitcoin mining' is not one of the choices"),
        ("missing-required.md", "employer", "Organisation name: this question needs an answer"),
        (
            "bad-id.md",
            "employer",
            "the id '../../etc/passwd' must be lower-case letters, digits and single hyphens",
        ),
        (
            "bad-dates.md",
            "opportunity",
            "line 2 of the dates ('next Tuesday') is not a date we can read: write it like 10 March 2027, "
            "10/3/2027 or 2027-03-10, a run of days as 10 March 2027 to 12 March 2027, with times as "
            "10 March 2027 09:30-13:00",
        ),
    ],
)
def test_unreadable_bodies_are_refused_exactly(name: str, kind: str, message: str) -> None:
    with pytest.raises(SubmissionError) as refused:
        to_yaml(kind, body(name), TODAY)
    assert str(refused.value) == message


def test_a_huge_body_is_refused_before_it_is_read() -> None:
    huge = body("employer.md").replace("We welcome teachers", "x" * MAX_BODY)
    with pytest.raises(SubmissionError) as refused:
        to_yaml("employer", huge, TODAY)
    assert str(refused.value) == "the submission is longer than 64 KB; shorten the description"


def test_an_opportunity_form_body_is_not_an_employer() -> None:
    with pytest.raises(SubmissionError, match="^unexpected heading '### Title'"):
        to_yaml("employer", body("opportunity.md"), TODAY)


@pytest.mark.parametrize("kind", ["employer", "opportunity"])
def test_choice_labels_survive_githubs_comma_joining(kind: str) -> None:
    """GitHub joins several chosen options with ', ', so no label may contain one."""
    for q in questions(kind):
        assert all(", " not in label for _, label in q.options), q.id
