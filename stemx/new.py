"""`python build.py new employer|opportunity`: ask for the essentials, write a valid starter file.

Each answer is checked against the schema as it is given (the same form questions as the
issue forms), so the file it writes passes validation; optional details can be added later.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TextIO

from .content import FOLDERS, EntryFile, check_file
from .entry_yaml import dump_entry
from .errors import UsageError
from .forms import Question, questions, to_entry

# The questions `new` asks: the required ones, plus the few every entry should have.
ASKED = {
    "employer": ("name", "id", "summary", "description", "website", "sector", "size", "location_name", "location_postcode",
                 "location_region", "regions_served", "subjects", "contact_team", "contact_email", "contact_publish"),
    "opportunity": ("title", "id", "employer", "summary", "description", "type", "audience", "subjects", "format",
                    "location_name", "location_postcode", "location_region", "dates", "duration_hours", "closes",
                    "apply_instructions", "apply_email"),
}  # fmt: skip


def _slug(text: str) -> str:
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", text.lower())).strip("-")[:60]


def _ask(q: Question, read: Callable[[str], str], out: TextIO, default: str = "") -> object:
    out.write(f"\n{q.label}{' (required)' if q.required else ''}\n  {q.help}\n")
    if q.options:
        for i, (_code, label) in enumerate(q.options, 1):
            out.write(f"  {i:2}. {label}\n")
        out.write("  Type a number" + (", or several separated by commas" if q.kind == "multiselect" else "") + ".\n")
    while True:
        prompt = f"> [{default}] " if default else "> "
        answer = read(prompt).strip() or default
        if q.kind == "boolean":
            if answer.lower() in ("y", "yes", "n", "no"):
                return answer.lower().startswith("y")
            out.write("  Please answer yes or no.\n")
            continue
        if not answer:
            if not q.required:
                return ""
            out.write("  This one is needed.\n")
            continue
        if q.options:
            picks = [p.strip() for p in answer.split(",")] if q.kind == "multiselect" else [answer]
            if all(p.isdigit() and 1 <= int(p) <= len(q.options) for p in picks):
                codes = [q.options[int(p) - 1][0] for p in picks]
                return codes if q.kind == "multiselect" else codes[0]
            out.write(f"  Type a number from 1 to {len(q.options)}.\n")
            continue
        if q.max_length and len(answer) > q.max_length:
            out.write(f"  Please keep it to {q.max_length} characters (this is {len(answer)}).\n")
            continue
        if q.pattern and q.kind == "text" and not re.search(q.pattern, answer):
            out.write(f"  That does not look right: {q.help}\n")
            continue
        return answer


def run(
    kind: str, content_dir: Path, today: date, read: Callable[[str], str] = input, out: TextIO | None = None
) -> Path:
    import sys

    out = out or sys.stdout
    if kind not in FOLDERS:
        raise UsageError("say which: new employer, or new opportunity")
    out.write(f"New {kind}. Press Enter to accept a suggestion in [brackets]. Ctrl+C stops without writing anything.\n")
    answers: dict[str, object] = {}
    by_id = {q.id: q for q in questions(kind)}
    for qid in ASKED[kind]:
        q = by_id[qid]
        if qid.startswith("location_") and answers.get("format") == "online":
            continue
        default = _slug(str(answers.get("name") or answers.get("title") or "")) if qid == "id" else ""
        answers[qid] = _ask(q, read, out, default)
    entry, problems = to_entry(kind, answers)
    stamp = today.isoformat()
    entry |= {"registered": stamp, "reviewed": stamp} if kind == "employer" else {"published": stamp, "reviewed": stamp}
    path = content_dir / FOLDERS[kind] / f"{entry['id']}.yaml"
    if path.exists():
        raise UsageError(f"{path} already exists; edit it instead")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_entry(entry, f"Written by `python build.py new {kind}` on {stamp}."), encoding="utf-8")
    employers = content_dir / FOLDERS["employer"]
    checked = check_file(EntryFile(kind, path, str(path)), lambda e: (employers / f"{e}.yaml").exists(), today)
    for problem in [*problems, *checked.problems]:
        out.write(f"  {problem}\n")
    out.write(f"\nWrote {path}. Check it with: python build.py validate {path}\n")
    return path
