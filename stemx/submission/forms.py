"""Form questions derived from the JSON Schema, for people who do not write YAML.

One description serves the GitHub issue forms, the parser of submitted issues and the
submit page, so a question's label, help text, allowed answers and whether it is
required all come from the schema. A form asks for one site and one list of dates; more
can be added later by editing the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .. import rules
from ..opendata.tableschema import json_schema_property
from ..schemas import load_schema
from .answers import (
    DATE_EXAMPLES,
    DATES_HELP,
    browser_patterns,
    read_date,
    read_postcode,
    read_session,
    read_url,
    slug,
)

# (question id, schema source, kind, section). Kinds: text, textarea, select, multiselect,
# yesno, dates (one line per date, read by answers.read_session). Sections: "first" is asked
# of everyone (for an employer, the two-minute registration), "more" is folded away as
# optional details, "options" holds the web address name made from the name.
EMPLOYER_QUESTIONS = (
    ("name", "employer:name", "text", "first"),
    ("website", "employer:website", "text", "first"),
    ("sector", "employer:sector", "select", "first"),
    ("summary", "employer:summary", "textarea", "first"),
    ("regions_served", "employer:regions_served", "multiselect", "first"),
    ("offers", "employer:offers", "multiselect", "first"),
    ("contact_team", "employer:contact.team", "text", "first"),
    ("contact_email", "employer:contact.email", "text", "first"),
    ("contact_phone", "employer:contact.phone", "text", "first"),
    ("contact_publish", "employer:contact.publish", "yesno", "first"),
    ("description", "employer:description", "textarea", "more"),
    ("size", "employer:size", "select", "more"),
    ("subjects", "employer:subjects", "multiselect", "more"),
    ("location_name", "common:place.name", "text", "more"),
    ("location_address", "common:place.address", "text", "more"),
    ("location_postcode", "common:place.postcode", "text", "more"),
    ("location_region", "common:place.region", "select", "more"),
    ("contact_url", "employer:contact.url", "text", "more"),
    ("org_id", "employer:org_id", "text", "more"),
    ("id", "employer:id", "text", "options"),
)
OPPORTUNITY_QUESTIONS = (
    ("employer", "opportunity:employer", "text", "first"),
    ("title", "opportunity:title", "text", "first"),
    ("summary", "opportunity:summary", "textarea", "first"),
    ("description", "opportunity:description", "textarea", "first"),
    ("type", "opportunity:type", "select", "first"),
    ("audience", "opportunity:audience", "multiselect", "first"),
    ("subjects", "opportunity:subjects", "multiselect", "first"),
    ("format", "opportunity:format", "select", "first"),
    ("location_name", "common:place.name", "text", "first"),
    ("location_address", "common:place.address", "text", "first"),
    ("location_postcode", "common:place.postcode", "text", "first"),
    ("location_region", "common:place.region", "select", "first"),
    ("dates", "opportunity:availability.dates", "dates", "first"),
    ("availability_notes", "opportunity:availability.notes", "text", "first"),
    ("duration_hours", "opportunity:duration_hours", "text", "first"),
    ("cost", "opportunity:cost", "text", "first"),
    ("closes", "opportunity:closes", "text", "first"),
    ("apply_instructions", "opportunity:how_to_apply.instructions", "textarea", "first"),
    ("apply_email", "opportunity:how_to_apply.email", "text", "first"),
    ("apply_url", "opportunity:how_to_apply.url", "text", "first"),
    ("capacity", "opportunity:capacity", "text", "more"),
    ("requirements", "opportunity:requirements", "textarea", "more"),
    ("accessibility", "opportunity:accessibility", "textarea", "more"),
    ("id", "opportunity:id", "text", "options"),
)
# Questions the schema does not require but a form must ask: the id (made from the name when
# left alone) and the yes/no consent, which has no safe default.
REQUIRED_IN_FORM = {"id", "contact_publish"}
# The yes/no answers to the consent question, as the forms and the issue parser word them.
YES = "Yes: show them"
NO = "No: keep them for the register's team"
# Sites: all or nothing. Once any part of a place is given, the parts the schema requires are needed.
PLACE = ("location_name", "location_address", "location_postcode", "location_region")


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    label: str
    help: str
    kind: str
    required: bool
    options: tuple[tuple[str, str], ...] = ()  # (code, label)
    max_length: int | None = None
    pattern: str | None = None
    example: str | None = None
    section: str = "first"


def _declared(source: str) -> dict[str, Any]:
    """A property where it is declared (a list's own node, not its items'); {} for shared definitions."""
    schema_name, path = source.split(":", 1)
    if schema_name == "common":
        return {}
    node = load_schema(schema_name)
    for step in path.split("."):
        node = node.get("properties", {}).get(step, {})
    return node


def _required(source: str) -> bool:
    schema_name, path = source.split(":", 1)
    if schema_name == "common":
        return False
    steps = path.split(".")
    node = load_schema(schema_name)
    for step in steps[:-1]:
        node = node["properties"][step]
    return steps[-1] in node.get("required", ())


def _asked(kind: str) -> tuple[tuple[str, str, str, str], ...]:
    return EMPLOYER_QUESTIONS if kind == "employer" else OPPORTUNITY_QUESTIONS


def questions(kind: str) -> list[Question]:
    """The questions, worded for the people who answer them: the schema's x-form wording
    (label, hint, example) where it has one, else its title and description."""
    out = []
    for qid, source, qkind, section in _asked(kind):
        prop = json_schema_property(source)
        own = _declared(source)
        wording = own.get("x-form") or prop.get("x-form") or {}
        options = tuple((o["const"], o["title"]) for o in prop.get("oneOf", ()))
        if qkind == "yesno":
            options = (("yes", YES), ("no", NO))
        label = wording.get("label") or own.get("title") or prop.get("title", qid)
        if qid.startswith("location_") and kind == "opportunity":
            label = f"Where: {label[0].lower()}{label[1:]}"
        examples = prop.get("examples") or own.get("examples") or [None]
        out.append(
            Question(
                id=qid,
                label=label,
                help=DATES_HELP if qkind == "dates" else wording.get("hint") or prop.get("description", ""),
                kind=qkind,
                required=qid in REQUIRED_IN_FORM or (_required(source) and qkind != "dates" and qid != "cost"),
                options=options,
                max_length=prop.get("maxLength"),
                pattern=prop.get("pattern"),
                example=wording.get("example") or examples[0],
                section=section,
            )
        )
    return out


def parse_dates(text: str) -> list[dict[str, str]] | str:
    """Sessions from the dates answer, or a message naming the line that could not be read."""
    sessions = []
    for number, line in enumerate((line.strip() for line in text.splitlines()), 1):
        if not line:
            continue
        session = read_session(line)
        if session is None:
            return (
                f"line {number} of the dates ('{line[:40]}') is not a date we can read: "
                f"write it like {DATE_EXAMPLES}, a run of days as 10 March 2027 to 12 March 2027, "
                "with times as 10 March 2027 09:30-13:00"
            )
        sessions.append(session)
    return sessions


def _number(text: str) -> int | float | str:
    try:
        value = float(text.replace("£", "").replace(",", "").strip())
    except ValueError:
        return text  # left as text: the validator explains what is wrong with it
    return int(value) if value.is_integer() else value


def tidy(qid: str, answer: str) -> str:
    """An answer in the register's form when it can be read as one (a website without https://,
    a postcode in small letters, a date in words); otherwise as typed, for the checks to explain."""
    if qid in ("website", "contact_url", "apply_url"):
        return read_url(answer)
    if qid == "location_postcode":
        return read_postcode(answer)
    if qid == "closes":
        return read_date(answer) or answer
    return answer


def to_entry(kind: str, answers: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The entry (as its YAML file would hold it) from form answers, plus problems found on the way.

    Answers are text, lists of codes (multiselect) or booleans. Empty answers are left out.
    Dates of the submission (registered, published, reviewed) are added by the caller.
    """
    problems: list[str] = []
    a = {k: v.strip() if isinstance(v, str) else v for k, v in answers.items()}
    entry: dict[str, Any] = {}

    def put(key: str, qid: str, convert: Any = None) -> None:
        value = a.get(qid)
        if value not in (None, "", []):
            entry[key] = convert(value) if convert else value

    a["id"] = a.get("id") or slug(str(a.get("name") or a.get("title") or ""))
    put("id", "id")
    for qid in ("website", "contact_url", "apply_url", "location_postcode"):
        if a.get(qid):
            a[qid] = tidy(qid, a[qid])
    location = {k: a.get(f"location_{k}") for k in ("name", "address", "postcode", "region") if a.get(f"location_{k}")}
    if kind == "employer":
        for key in ("name", "org_id", "summary", "description", "website", "sector", "size"):
            put(key, key)
        if location:
            entry["locations"] = [location]
        put("regions_served", "regions_served")
        put("subjects", "subjects")
        put("offers", "offers")
        contact = {k: a.get(f"contact_{k}") for k in ("team", "email", "url", "phone") if a.get(f"contact_{k}")}
        contact["publish"] = a.get("contact_publish") in (True, "yes")
        entry["contact"] = contact
        return entry, problems
    if a.get("employer"):
        a["employer"] = employer_id(a["employer"])
    for key in ("employer", "title", "summary", "description", "type", "audience", "subjects", "format"):
        put(key, key)
    if location:
        entry["location"] = location
    sessions = parse_dates(a.get("dates") or "")
    if isinstance(sessions, str):
        problems.append(sessions)
        sessions = []
    entry["availability"] = {"kind": "dates", "dates": sessions} if sessions else {"kind": "on-request"}
    if a.get("availability_notes"):
        entry["availability"]["notes"] = a["availability_notes"]
    put("duration_hours", "duration_hours", _number)
    put("capacity", "capacity", _number)
    entry["cost"] = _number(a["cost"]) if a.get("cost") else 0
    if a.get("closes"):
        closes = read_date(a["closes"])
        if closes is None:
            problems.append(
                f"the closing date ('{a['closes'][:40]}') is not a date we can read: write it like {DATE_EXAMPLES}"
            )
        entry["closes"] = closes or a["closes"]
    apply = {"instructions": a.get("apply_instructions") or ""}
    apply |= {k: a[f"apply_{k}"] for k in ("email", "url") if a.get(f"apply_{k}")}
    entry["how_to_apply"] = apply
    requirements = [line.lstrip("-* ").strip() for line in (a.get("requirements") or "").splitlines() if line.strip()]
    if requirements:
        entry["requirements"] = requirements
    put("accessibility", "accessibility")
    return entry, problems


_NAMED_ID = re.compile(r"\(([a-z0-9]+(?:-[a-z0-9]+)*)\)\s*$")


def employer_id(answer: str) -> str:
    """The employer's id from the answer: the page writes "Name (id)"; an id alone is kept."""
    m = _NAMED_ID.search(answer)
    return m.group(1) if m else answer.strip()


# Where each answer goes in the entry (keys, with list positions as numbers). The submit page's
# script builds the entry from these paths, so it writes the same shape as to_entry.
PATHS: dict[str, dict[str, tuple[str | int, ...]]] = {
    "employer": {
        "location_name": ("locations", 0, "name"),
        "location_address": ("locations", 0, "address"),
        "location_postcode": ("locations", 0, "postcode"),
        "location_region": ("locations", 0, "region"),
        "contact_team": ("contact", "team"),
        "contact_email": ("contact", "email"),
        "contact_url": ("contact", "url"),
        "contact_phone": ("contact", "phone"),
        "contact_publish": ("contact", "publish"),
    },
    "opportunity": {
        "location_name": ("location", "name"),
        "location_address": ("location", "address"),
        "location_postcode": ("location", "postcode"),
        "location_region": ("location", "region"),
        "dates": ("availability",),
        "availability_notes": ("availability", "notes"),
        "apply_instructions": ("how_to_apply", "instructions"),
        "apply_email": ("how_to_apply", "email"),
        "apply_url": ("how_to_apply", "url"),
    },
}
STAMPS = {"employer": ("registered", "reviewed"), "opportunity": ("published", "reviewed")}
# Answers that default when left empty (the schema requires cost; most opportunities are free).
DEFAULTS = {"cost": "0"}


def _value_type(source: str, kind: str) -> str:
    if kind in ("multiselect", "dates") or source.endswith(("requirements",)):
        return "list"
    return str(json_schema_property(source).get("type", "string"))


def _any_of(kind: str) -> list[list[str]]:
    """Groups of questions where at least one needs an answer (the schema's anyOf of required keys)."""
    schema = load_schema(kind)
    paths = PATHS[kind]
    groups = []
    for parent, prop in schema["properties"].items():
        keys = [k for option in prop.get("anyOf", ()) for k in option.get("required", ())]
        if keys:
            groups.append([qid for qid, path in paths.items() if path[0] == parent and path[-1] in keys])
    return groups


def form_description(kind: str) -> dict[str, Any]:
    """Everything a browser form needs to ask the questions, read the answers forgivingly, give
    the same warnings as `validate` and write the entry, as plain data."""
    sources = {qid: source for qid, source, _, _ in _asked(kind)}
    place_required = load_schema("common")["$defs"]["place"]["required"]
    fields = []
    for q in questions(kind):
        prop = json_schema_property(sources[q.id])
        path = list(PATHS[kind].get(q.id, (q.id,)))
        field: dict[str, Any] = {
            "id": q.id,
            "label": q.label,
            "help": q.help,
            "kind": q.kind,
            "type": _value_type(sources[q.id], q.kind),
            "required": q.required,
            "options": [list(o) for o in q.options],
            "path": path,
            "dotted": ".".join(str(step) for step in path if not isinstance(step, int)),
            "section": q.section,
        }
        if q.example:
            field["example"] = q.example
        for key in ("minLength", "maxLength", "pattern", "minimum", "maximum", "exclusiveMinimum"):
            if key in prop and q.kind not in ("multiselect", "dates"):
                field[key] = prop[key]
        if q.id in DEFAULTS:
            field["default"] = DEFAULTS[q.id]
        if q.id in PLACE and q.id.removeprefix("location_") in place_required:
            field["neededWith"] = list(PLACE)  # a site is all or nothing
        fields.append(field)
    return {
        "kind": kind,
        "folder": "employers" if kind == "employer" else "opportunities",
        "order": list(load_schema(kind)["properties"]),
        "stamps": list(STAMPS[kind]),
        "anyOf": _any_of(kind),
        "patterns": browser_patterns(),
        "dateExamples": DATE_EXAMPLES,
        "warnings": rules.browser_warnings(),
        "fields": fields,
    }
