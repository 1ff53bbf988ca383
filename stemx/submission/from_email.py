"""`python build.py from-email FILE`: turn an employer's emailed submission into an entry file.

The submit page's email button writes the answers as the issue forms do ("### Question" then
the answer), between a start line naming the form and an end line, so one parser (issue_parse)
reads both routes. FILE is a saved email (.eml, as mail programs save them) or the message's
text pasted into a file. The entry is checked by the real validator before anything is written;
what is wrong is said per question, in the words the employer saw.
"""

from __future__ import annotations

import email
import email.policy
import re
import sys
from datetime import date
from email.message import EmailMessage
from pathlib import Path
from typing import TextIO

from ..content import FOLDERS, employer_registered
from .forms import PATHS, questions
from .issue_forms import FORMS
from .issue_parse import MAX_BODY, SubmissionError, to_yaml
from .new import check_entry

START = "----- {name} -----"
END = "----- End of the entry -----"
_START = re.compile(r"^-{5} (?P<name>.+?) -{5}$", re.MULTILINE)


def message_text(raw: bytes) -> str:
    """The plain text of a saved email, or the bytes as text when they are not an email."""
    if not re.match(rb"^[\w-]+:", raw.lstrip()[:200]):
        return raw.decode("utf-8", errors="replace")  # pasted text, not a saved message
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    part = message.get_body(preferencelist=("plain",))
    if part is None:
        raise SubmissionError("the email has no plain-text part; ask the sender to send it as plain text")
    text = str(part.get_content())
    if part.get_param("format") == "flowed":  # RFC 3676: a line ending in a space goes on
        text = re.sub(r" \r?\n(?!>)", " ", text)
    return text


def entry_section(text: str) -> tuple[str, str]:
    """(kind, the answers) from the message: the lines between the start and end lines."""
    text = text.replace("\r\n", "\n")
    text = re.sub(r"^> ?", "", text, flags=re.MULTILINE) if "\n> ### " in text else text  # a quoted forward
    names = {name: kind for kind, (_, name, _) in FORMS.items()}
    for m in _START.finditer(text):
        if m["name"] in names:
            end = text.find(END, m.end())
            if end < 0:
                raise SubmissionError("the message is cut short: its end line is missing; ask for the whole message")
            return names[m["name"]], text[m.end() : end].strip("\n")
    raise SubmissionError(
        "no entry found in the message: it should hold the answers between a line such as "
        f"'{START.format(name=FORMS['employer'][1])}' and '{END}'"
    )


def _label(kind: str, field: str) -> str:
    """The question an employer answered for a field the validator names (contact.email -> Team email address)."""
    dotted = {".".join(str(s) for s in PATHS[kind].get(q.id, (q.id,))): q.label for q in questions(kind)}
    plain = re.sub(r"\[\d+\]", "", field)
    plain = plain.replace("locations.", "locations.0.") if kind == "employer" else plain
    return dotted.get(plain) or dotted.get(plain.split(".")[0]) or field or "The entry"


def main(file: Path, content_dir: Path, today: date, out: TextIO | None = None) -> int:
    """Write the entry's file and print its path (exit 0), or say what is wrong (exit 1)."""
    out = out or sys.stdout
    try:
        raw = file.read_bytes()
    except OSError as e:
        out.write(f"Cannot read {file}: {e.strerror}. Nothing was written.\n")
        return 1
    if len(raw) > 4 * MAX_BODY:
        out.write("The message is too long to be an entry; nothing was written.\n")
        return 1
    try:
        kind, body = entry_section(message_text(raw))
        entry_id, text = to_yaml(kind, body, today, employer_registered(content_dir), "email")
    except SubmissionError as e:
        out.write(f"The message could not be read: {e}. Nothing was written.\n")
        return 1
    path = content_dir / FOLDERS[kind] / f"{entry_id}.yaml"
    if path.exists():
        out.write(f"An entry called '{entry_id}' is already registered ({path}); nothing was written.\n")
        return 1
    problems = check_entry(kind, entry_id, text, content_dir, today)
    errors = [p for p in problems if p.severity == "error"]
    for p in problems:
        label = "Needs changing" if p.severity == "error" else "Worth checking"
        out.write(f"{label}: {_label(kind, p.field)}: {p.message}\n")
    if errors:
        out.write("Nothing was written: reply to the sender with the changes above.\n")
        return 1
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as f:  # never overwrite an entry
        f.write(text)
    out.write(f"{path}\n")
    return 0
