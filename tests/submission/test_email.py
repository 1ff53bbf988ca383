"""The email route's maintainer command on saved messages: a valid entry written, or plain words."""

from __future__ import annotations

from pathlib import Path

import yaml

from stemx.cli import main
from stemx.content import validate_content
from tests.conftest import TODAY

BODIES = Path(__file__).parent / "bodies"
SAVED = BODIES / "email-employer.eml"  # as a mail program saves it: quoted-printable, lines broken at 76


def from_email(message: Path, content: Path, capsys) -> tuple[int, str]:
    code = main(["from-email", str(message), "--content", str(content), "--today", TODAY.isoformat()])
    return code, capsys.readouterr().out


def test_a_saved_email_becomes_a_valid_entry(tmp_path: Path, capsys) -> None:
    code, out = from_email(SAVED, tmp_path, capsys)
    path = tmp_path / "employers" / "quayside-ferries.yaml"
    assert (code, out) == (0, f"{path}\n")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["website"] == "https://www.example.org/quayside-ferries"  # typed without https://
    assert data["summary"].endswith("navigation systems work on the water.")  # the soft line break is gone
    assert data["regions_served"] == ["north-east", "scotland"] and data["offers"] == ["site-visit", "industry-talk"]
    assert data["contact"] == {
        "team": "Community team", "email": "community@example.org", "phone": "0191 498 0123", "publish": True,
    }  # fmt: skip
    assert data["registered"] == data["reviewed"] == TODAY.isoformat()
    assert path.read_text(encoding="utf-8").startswith(f"# Submitted through the employer email on {TODAY}.")
    result = validate_content(tmp_path, TODAY)
    assert [str(p) for p in result.problems] == []
    # sent twice: refused, and the first is untouched
    before = path.read_bytes()
    code, out = from_email(SAVED, tmp_path, capsys)
    assert code == 1 and "already registered" in out and path.read_bytes() == before


def test_pasted_or_forwarded_text_is_read_too(tmp_path: Path, capsys) -> None:
    text = (
        SAVED.read_bytes().decode().replace("\r\n", "\n").split("\n\n", 1)[1]
    )  # the body only, as pasted from a mail program
    text = text.replace("=\n", "")  # as displayed: no quoted-printable soft breaks
    forwarded = tmp_path / "forwarded.txt"
    forwarded.write_text(
        "---------- Forwarded message ---------\n" + "".join(f"> {line}\n" for line in text.splitlines())
    )
    code, out = from_email(forwarded, tmp_path / "content", capsys)
    assert code == 0, out
    assert (tmp_path / "content" / "employers" / "quayside-ferries.yaml").is_file()


def test_what_needs_changing_is_said_per_question_and_nothing_is_written(tmp_path: Path, capsys) -> None:
    message = tmp_path / "short.eml"
    raw = SAVED.read_bytes().decode().replace("\r\n", "\n")
    raw = raw.replace("\n\nQuayside Ferries\n", "\n\nQ\n", 1)  # a name of one letter
    raw = raw.replace("community@example.org\n\n### Phone", "jane.smith@example.org\n\n### Phone")
    message.write_text(raw)
    code, out = from_email(message, tmp_path / "content", capsys)
    assert code == 1
    assert "Needs changing: Organisation name: " in out
    assert "Worth checking: Team email address: 'jane.smith@example.org' looks like a personal email address" in out
    assert out.endswith("Nothing was written: reply to the sender with the changes above.\n")
    assert not (tmp_path / "content" / "employers").exists() or not any((tmp_path / "content" / "employers").iterdir())


def test_an_opportunity_names_its_employer_as_the_page_writes_it(tmp_path: Path, capsys) -> None:
    assert from_email(SAVED, tmp_path, capsys)[0] == 0
    body = (BODIES / "opportunity.md").read_text()
    body = body.replace(
        "### Your organisation\n\nnorthfield-robotics", "### Your organisation\n\nQuayside Ferries (quayside-ferries)"
    )
    message = tmp_path / "opportunity.txt"
    message.write_text(f"Hello,\n\n----- Add an opportunity -----\n{body}\n----- End of the entry -----\n")
    code, out = from_email(message, tmp_path, capsys)
    assert code == 0, out
    assert yaml.safe_load(Path(out.strip()).read_text())["employer"] == "quayside-ferries"
    message.write_text(message.read_text().replace("Quayside Ferries (quayside-ferries)", "Nobody Ltd"))
    code, out = from_email(message, tmp_path, capsys)
    assert code == 1 and "no registered organisation is called 'Nobody Ltd'" in out


def test_messages_without_an_entry_or_cut_short_are_explained(tmp_path: Path, capsys) -> None:
    message = tmp_path / "hello.txt"
    message.write_text("Hello, can you add us?\n")
    code, out = from_email(message, tmp_path, capsys)
    assert code == 1 and "no entry found in the message" in out
    message.write_text(SAVED.read_bytes().decode().replace("\r\n", "\n").split("----- End of the entry -----")[0])
    code, out = from_email(message, tmp_path, capsys)
    assert code == 1 and "its end line is missing" in out
    code, out = from_email(tmp_path / "missing.eml", tmp_path, capsys)
    assert code == 1 and "Cannot read" in out and "No such file" in out
