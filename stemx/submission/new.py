"""`python build.py new employer|opportunity`: ask for the essentials, write a valid starter file.

Each answer is checked against the schema as it is given (the same form questions as the
issue forms), so the file it writes passes validation; optional details can be added later.
"""

from __future__ import annotations

import re
import shlex
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TextIO

from ..config import ROOT
from ..content import FOLDERS, EntryFile, check_file, employer_registered
from ..errors import Problem, UsageError
from .answers import slug
from .entry_yaml import dump_entry
from .forms import PATHS, STAMPS, Question, questions, tidy, to_entry
from .issue_parse import SubmissionError, find_employer

# The questions `new` asks: for an employer, the two-minute registration; for an opportunity,
# the required ones plus the few every opportunity should have.
ASKED = {
    "employer": ("name", "id", "website", "sector", "summary", "regions_served", "offers", "contact_team",
                 "contact_email", "contact_phone", "contact_publish"),
    "opportunity": ("title", "id", "employer", "summary", "description", "type", "audience", "subjects", "format",
                    "location_name", "location_postcode", "location_region", "dates", "duration_hours", "closes",
                    "apply_instructions", "apply_email"),
}  # fmt: skip
YES_WORDS, NO_WORDS = ("y", "yes", "true"), ("n", "no", "false")


def _ask(q: Question, read: Callable[[str], str], out: TextIO, default: str = "") -> object:
    example = f" For example: {q.example}" if q.example and q.kind == "text" else ""
    out.write(f"\n{q.label}{' (required)' if q.required else ''}\n  {q.help}{example}\n")
    if q.options and q.kind != "yesno":
        for i, (_code, label) in enumerate(q.options, 1):
            out.write(f"  {i:2}. {label}\n")
        out.write("  Type a number" + (", or several separated by commas" if q.kind == "multiselect" else "") + ".\n")
    while True:
        prompt = f"> [{default}] " if default else "> "
        answer = read(prompt).strip() or default
        if q.kind == "yesno":
            if answer.lower() in YES_WORDS + NO_WORDS:
                return "yes" if answer.lower() in YES_WORDS else "no"
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
        answer = tidy(q.id, answer)
        if q.pattern and q.kind == "text" and q.id != "employer" and not re.search(q.pattern, answer):
            shown = f"type it like {q.example}" if q.example else q.help
            out.write(f"  That is not in the form we need: {shown}.\n")
            continue
        return answer


def check_entry(kind: str, entry_id: str, text: str, content_dir: Path, today: date) -> list[Problem]:
    """What the validator would say about an entry file's text, checked in a scratch folder
    before anything is written (employers named are looked up in content_dir)."""
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / FOLDERS[kind] / f"{entry_id}.yaml"
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
        checked = check_file(EntryFile.at(kind, path, path.name), employer_registered(content_dir), today)
    return checked.problems


def _questions_for(kind: str, field: str) -> set[str]:
    """The questions whose answers land in a problem's field (e.g. 'how_to_apply.email' -> apply_email)."""
    top = re.split(r"[.\[]", field, maxsplit=1)[0]
    paths = PATHS[kind]
    return {qid for qid in ASKED[kind] if paths.get(qid, (qid,))[0] == top}


def run(
    kind: str, content_dir: Path, today: date, read: Callable[[str], str] = input, out: TextIO | None = None
) -> Path:
    """Ask, check, ask again about answers the validator refuses, then write; refuses to overwrite."""
    out = out or sys.stdout
    if kind not in FOLDERS:
        raise UsageError("say which: new employer, or new opportunity")
    folder = content_dir / FOLDERS[kind]
    out.write(f"New {kind}. Press Enter to accept a suggestion in [brackets]. Ctrl+C stops without writing anything.\n")
    answers: dict[str, object] = {}
    by_id = {q.id: q for q in questions(kind)}

    def ask(qid: str) -> None:
        default = slug(str(answers.get("name") or answers.get("title") or "")) if qid == "id" else ""
        answers[qid] = _ask(by_id[qid], read, out, str(answers.get(qid) or default))
        while qid == "id" and (folder / f"{answers['id']}.yaml").exists():
            out.write(
                f"  {folder / str(answers['id'])}.yaml already exists: choose another web address name, or edit that file.\n"
            )
            answers[qid] = _ask(by_id[qid], read, out)
        while qid == "employer":
            try:
                answers[qid] = find_employer(str(answers[qid]), employer_registered(content_dir))
                break
            except SubmissionError as e:
                out.write(f"  {str(e)[0].upper()}{str(e)[1:]}.\n")
                answers[qid] = _ask(by_id[qid], read, out)

    for qid in ASKED[kind]:
        if qid.startswith("location_") and answers.get("format") == "online":
            continue
        ask(qid)

    stamp = today.isoformat()
    for _ in range(3):  # a few rounds of corrections, then give up without writing
        entry, unreadable = to_entry(kind, answers)
        entry |= dict.fromkeys(STAMPS[kind], stamp)
        problems = [] if unreadable else check_entry(kind, entry["id"], dump_entry(entry, "check"), content_dir, today)
        errors = [p for p in problems if p.severity == "error"]
        if not unreadable and not errors:
            break
        out.write("\nSome answers need changing:\n")
        redo: set[str] = {"dates"} if unreadable else set()
        for message in unreadable:
            out.write(f"  {message}\n")
        for p in errors:
            out.write(f"  {p.field or 'file'}: {p.message}\n")
            redo |= _questions_for(kind, p.field)
        for qid in ASKED[kind]:
            if qid in redo:
                ask(qid)
    else:
        raise UsageError("the answers still have problems, so nothing was written")

    path = folder / f"{entry['id']}.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as file:  # "x": never overwrite an existing entry
            file.write(dump_entry(entry, f"Written by `python build.py new {kind}` on {stamp}."))
    except FileExistsError:
        raise UsageError(f"{path} already exists; edit it instead") from None
    for p in problems:
        out.write(f"  {p.severity}: {p.field}: {p.message}\n")
    out.write(f"\nWrote {path}. Check it with: {check_command(content_dir, path)}\n")
    return path


def _shown(path: Path) -> str:
    """A path as short as it can be written from here: relative to the current folder when inside it."""
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)


def check_command(content_dir: Path, path: Path) -> str:
    """The validate command for a new file, as it runs when pasted here: this Python (the
    project's virtual environment, where the dependencies are), and the content folder given."""
    return shlex.join([
        _shown(Path(sys.executable)), _shown(ROOT / "build.py"), "validate",
        "--content", _shown(content_dir.resolve()), _shown(path.resolve()),
    ])  # fmt: skip


def main(kind: str, content_dir: Path, today: date, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """The `new` command: 0 when a file was written, 1 when stopped or refused (nothing written)."""
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout

    def read(prompt: str) -> str:
        stdout.write(prompt)
        stdout.flush()
        line = stdin.readline()
        if not line:
            raise EOFError
        return line.rstrip("\n")

    try:
        run(kind, content_dir, today, read, stdout)
    except EOFError:
        stdout.write("\nStopped before the end; nothing was written.\n")
        return 1
    except UsageError as e:
        stdout.write(f"\n{e}\n")
        return 1
    return 0
