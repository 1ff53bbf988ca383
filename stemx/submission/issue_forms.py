"""GitHub issue forms for registering an employer and adding an opportunity, generated from the schema.

`python build.py forms` rewrites .github/ISSUE_TEMPLATE/; `--check` fails when the files
differ from what the schema says (a test runs it, so forms cannot drift).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..config import ROOT
from ..schemas import vocabularies
from .forms import Question, questions

FORMS = {
    "employer": (
        "register-employer.yml",
        "Register an employer",
        "Register your organisation's support for STEM teaching staff.",
    ),
    "opportunity": (
        "add-opportunity.yml",
        "Add an opportunity",
        "List a development opportunity for STEM teaching staff.",
    ),
}
FOLDER = ROOT / ".github" / "ISSUE_TEMPLATE"
# Issue forms have no "more options": the web address name is made from the name when left empty.
MADE_FROM_NAME = " Leave empty to have it made from the name."


def _field(q: Question) -> dict[str, Any]:
    help = q.help + (f" For example: {q.example}" if q.example and q.kind == "text" else "")
    attributes: dict[str, Any] = {"label": q.label, "description": help + (MADE_FROM_NAME if q.id == "id" else "")}
    if q.kind in ("select", "multiselect", "yesno"):
        field: dict[str, Any] = {"type": "dropdown", "id": q.id}
        attributes["options"] = [label for _, label in q.options]
        if q.kind == "multiselect":
            attributes["multiple"] = True
    else:
        field = {"type": "textarea" if q.kind in ("textarea", "dates") else "input", "id": q.id}
    field["attributes"] = attributes
    if q.required and q.id != "id":
        field["validations"] = {"required": True}
    return field


def form(kind: str) -> str:
    _, name, description = FORMS[kind]
    intro = (
        "Answer the questions below. A member of the register's team reads every submission and usually "
        "replies within five working days; you will see the reply here. Use team contact details (such as "
        "education@your-company), never a named person's. Everything you write here is public. To change a "
        'published entry or withdraw an opportunity, use the "Change or withdraw an entry" form instead.'
    )
    document = {
        "name": name,
        "description": description,
        "title": f"{name}: ",
        "labels": ["submission", kind],
        "body": [{"type": "markdown", "attributes": {"value": intro}}] + [_field(q) for q in questions(kind)],
    }
    header = "# Generated from schemas/ by `python build.py forms`; do not edit by hand.\n"
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120)


CHANGE_FORM = "change-entry.yml"


def change_form() -> str:
    """A form for changing an entry or withdrawing an opportunity; the team makes the edit.

    It is labelled "change", not "submission", so no workflow turns it into a file: changes
    to a published entry are read by a person.
    """
    withdrawn = vocabularies().label("status", "withdrawn")
    document = {
        "name": "Change or withdraw an entry",
        "description": "Ask for a change to your organisation's entry or an opportunity, or withdraw an opportunity.",
        "title": "Change or withdraw: ",
        "labels": ["change"],
        "body": [
            {
                "type": "markdown",
                "attributes": {
                    "value": "Tell us which entry and what should change; the register's team edits the file and "
                    "links the change here for you to check. You can also edit the file yourself: see CONTRIBUTING.md. "
                    "Everything you write here is public."
                },
            },
            {
                "type": "dropdown",
                "id": "kind",
                "attributes": {"label": "Kind of entry", "options": ["Employer", "Opportunity"]},
                "validations": {"required": True},
            },
            {
                "type": "input",
                "id": "id",
                "attributes": {
                    "label": "Web address of the entry",
                    "description": "Copy it from your browser's address bar on the entry's page, such as "
                    "https://stem-exchange.example.org/employers/northfield-robotics/",
                },
                "validations": {"required": True},
            },
            {
                "type": "dropdown",
                "id": "action",
                "attributes": {
                    "label": "What should happen",
                    "description": "A withdrawn opportunity is not deleted: it stays in the open data, marked as "
                    "withdrawn, so the record of what was offered is kept.",
                    "options": [
                        "Change some details",
                        f"Withdraw the opportunity ({withdrawn[0].lower() + withdrawn[1:]})",
                        "Remove our organisation from the register",
                    ],
                },
                "validations": {"required": True},
            },
            {
                "type": "textarea",
                "id": "changes",
                "attributes": {
                    "label": "What should change",
                    "description": "The new details, in plain words. Use team contact details, never a named person's.",
                },
            },
        ],
    }
    header = "# Generated by `python build.py forms`; do not edit by hand.\n"
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120)


def write(folder: Path = FOLDER, check: bool = False) -> list[str]:
    """Write the forms (or, with check, list those that differ from the schema)."""
    stale = []
    folder.mkdir(parents=True, exist_ok=True)
    files = [(file, form(kind)) for kind, (file, _, _) in FORMS.items()] + [(CHANGE_FORM, change_form())]
    for file, text in files:
        path = folder / file
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path))
            if not check:
                path.write_text(text, encoding="utf-8")
    return stale
