"""Turn a submitted GitHub issue form into a content file, safely.

The body is untrusted text. It is read only as "### Label" sections whose labels must be
the form's own; answers become data, and the file is written by PyYAML's safe dumper
(entry_yaml), never by pasting text into YAML. The real validator then checks the result.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from ..content import FOLDERS, employer_registered
from ..errors import UsageError
from .answers import slug
from .entry_yaml import dump_entry
from .forms import YES, employer_id, questions, to_entry

MAX_BODY = 64 * 1024
NO_RESPONSE = "_No response_"
# The control characters the validator refuses too (tab and line breaks are fine).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_HEADING = re.compile(r"^###[ \t]+(.+?)[ \t]*$")


class SubmissionError(Exception):
    """The issue cannot be turned into an entry; the message says why, in plain words."""


def sections(body: str, labels: set[str]) -> dict[str, str]:
    if len(body.encode("utf-8")) > MAX_BODY:
        raise SubmissionError(f"the submission is longer than {MAX_BODY // 1024} KB; shorten the description")
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    control = _CONTROL.search(body)
    if control:
        number = body.count("\n", 0, control.start()) + 1
        raise SubmissionError(
            f"line {number} holds an invisible control character (U+{ord(control.group()):04X}); please retype that answer"
        )
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in body.split("\n"):
        heading = _HEADING.match(line)
        if heading:
            label = heading.group(1)
            if label not in labels:
                raise SubmissionError(
                    f"unexpected heading '### {label[:60]}': answers must not contain lines starting with ###"
                )
            if label in found:
                raise SubmissionError(f"the question '{label}' appears twice")
            current = found.setdefault(label, [])
        elif current is not None:
            current.append(line)
        elif line.strip():
            raise SubmissionError("text before the first question; please use the issue form as given")
    return {label: "\n".join(lines).strip() for label, lines in found.items()}


def answers(kind: str, body: str) -> dict[str, Any]:
    qs = questions(kind)
    raw = sections(body, {q.label for q in qs})
    result: dict[str, Any] = {}
    problems = []
    for q in qs:
        text = raw.get(q.label, "")
        if text == NO_RESPONSE:
            text = ""
        if q.kind == "yesno":
            result[q.id] = "yes" if text == YES else "no"
        elif q.kind in ("select", "multiselect"):
            by_label = {label: code for code, label in q.options}
            chosen = [part.strip() for part in text.split(", ")] if text else []
            unknown = [c for c in chosen if c not in by_label]
            if unknown:
                problems.append(f"{q.label}: '{unknown[0][:60]}' is not one of the choices")
                continue
            codes = [by_label[c] for c in chosen if c in by_label]
            result[q.id] = codes if q.kind == "multiselect" else (codes[0] if codes else "")
        else:
            result[q.id] = text
        if q.required and q.id != "id" and result[q.id] in ("", [], None):
            problems.append(f"{q.label}: this question needs an answer")
    if problems:
        raise SubmissionError("; ".join(problems))
    return result


def find_employer(named: str, exists: Callable[[str], bool]) -> str:
    """The id of the employer an answer names: its id, "Name (id)" as the submit page writes it,
    or its name, when the id was made from the name (with or without Ltd, PLC or Limited)."""
    answer = employer_id(named)
    if exists(answer):
        return answer
    made = slug(answer)
    for candidate in (made, re.sub(r"-(ltd|limited|plc|llp|cic)$", "", made)):
        if candidate and exists(candidate):
            return candidate
    raise SubmissionError(
        f"no registered organisation is called '{named[:60]}'; check its name on the site's Employers page, "
        "or register the organisation first"
    )


def to_yaml(
    kind: str, body: str, today: date, employer_exists: Callable[[str], bool] | None = None, route: str = "issue form"
) -> tuple[str, str]:
    """(entry id, YAML text) for a submitted issue body; SubmissionError when it cannot be read."""
    given = answers(kind, body)
    if kind == "opportunity" and employer_exists is not None and given.get("employer"):
        given["employer"] = find_employer(given["employer"], employer_exists)
    entry, problems = to_entry(kind, given)
    if problems:
        raise SubmissionError("; ".join(problems))
    entry_id = entry.get("id", "")
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", entry_id):
        raise SubmissionError(f"the id '{entry_id[:60]}' must be lower-case letters, digits and single hyphens")
    stamp = today.isoformat()
    entry |= {"registered": stamp, "reviewed": stamp} if kind == "employer" else {"published": stamp, "reviewed": stamp}
    return entry_id, dump_entry(entry, f"Submitted through the {kind} {route} on {stamp}.")


def main(
    kind: str,
    content_dir: Path,
    today: date,
    body_file: Path | None = None,
    body_env: str | None = None,
    out: TextIO | None = None,
) -> int:
    """The `issue-to-yaml` command: write the entry's file and print its path (exit 0), or print
    why it cannot be read, in plain words (exit 1). The body comes from a file or from an
    environment variable, so a workflow never pastes the issue's text into a script."""
    out = out or sys.stdout
    if (body_file is None) == (body_env is None):
        raise UsageError("give the issue body as --body-file FILE or --body-env NAME")
    if body_file is not None:
        body = body_file.read_text(encoding="utf-8", errors="replace")
    else:
        body = os.environ.get(str(body_env), "")
    try:
        entry_id, text = to_yaml(kind, body, today, employer_registered(content_dir))
    except SubmissionError as e:
        out.write(f"The submission could not be read: {e}.\n")
        return 1
    path = content_dir / FOLDERS[kind] / f"{entry_id}.yaml"
    if path.exists():
        out.write(f"An entry with the id '{entry_id}' already exists; choose another id, or edit the existing file.\n")
        return 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    out.write(f"{path}\n")
    return 0
