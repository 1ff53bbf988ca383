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

from .opendata.tableschema import json_schema_property
from .schemas import load_schema

# (question id, schema source, kind). Kinds: text, textarea, select, multiselect, boolean,
# dates (one line per date, parsed by parse_dates).
EMPLOYER_QUESTIONS = (
    ("name", "employer:name", "text"),
    ("id", "employer:id", "text"),
    ("summary", "employer:summary", "textarea"),
    ("description", "employer:description", "textarea"),
    ("website", "employer:website", "text"),
    ("sector", "employer:sector", "select"),
    ("size", "employer:size", "select"),
    ("org_id", "employer:org_id", "text"),
    ("location_name", "common:place.name", "text"),
    ("location_address", "common:place.address", "text"),
    ("location_postcode", "common:place.postcode", "text"),
    ("location_region", "common:place.region", "select"),
    ("regions_served", "employer:regions_served", "multiselect"),
    ("subjects", "employer:subjects", "multiselect"),
    ("contact_team", "employer:contact.team", "text"),
    ("contact_email", "employer:contact.email", "text"),
    ("contact_url", "employer:contact.url", "text"),
    ("contact_phone", "employer:contact.phone", "text"),
    ("contact_publish", "employer:contact.publish", "boolean"),
)
OPPORTUNITY_QUESTIONS = (
    ("title", "opportunity:title", "text"),
    ("id", "opportunity:id", "text"),
    ("employer", "opportunity:employer", "text"),
    ("summary", "opportunity:summary", "textarea"),
    ("description", "opportunity:description", "textarea"),
    ("type", "opportunity:type", "select"),
    ("audience", "opportunity:audience", "multiselect"),
    ("subjects", "opportunity:subjects", "multiselect"),
    ("format", "opportunity:format", "select"),
    ("location_name", "common:place.name", "text"),
    ("location_address", "common:place.address", "text"),
    ("location_postcode", "common:place.postcode", "text"),
    ("location_region", "common:place.region", "select"),
    ("dates", "opportunity:availability.dates", "dates"),
    ("availability_notes", "opportunity:availability.notes", "text"),
    ("duration_hours", "opportunity:duration_hours", "text"),
    ("capacity", "opportunity:capacity", "text"),
    ("cost", "opportunity:cost", "text"),
    ("closes", "opportunity:closes", "text"),
    ("apply_instructions", "opportunity:how_to_apply.instructions", "textarea"),
    ("apply_email", "opportunity:how_to_apply.email", "text"),
    ("apply_url", "opportunity:how_to_apply.url", "text"),
    ("requirements", "opportunity:requirements", "textarea"),
    ("accessibility", "opportunity:accessibility", "textarea"),
)
# Questions the schema requires only in some cases, or not at all, but a form must ask.
REQUIRED_IN_FORM = {"id", "contact_publish"}
# An employer's first site is required; an opportunity's location only when not online.
REQUIRED_FOR_EMPLOYER = {"location_name", "location_postcode", "location_region"}
DATES_HELP = (
    "One date per line, as YYYY-MM-DD, optionally with an end date and times: "
    "2027-03-10, or 2027-03-10 to 2027-03-12, or 2027-03-10 09:30-13:00. Leave empty if teachers arrange a time with you."
)


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


def _own_title(source: str) -> str | None:
    """The title a property has where it is declared (a list's own, not its items')."""
    schema_name, path = source.split(":", 1)
    if schema_name == "common":
        return None
    node = load_schema(schema_name)
    for step in path.split("."):
        node = node.get("properties", {}).get(step, {})
    return node.get("title")


def _required(source: str) -> bool:
    schema_name, path = source.split(":", 1)
    if schema_name == "common":
        return False
    steps = path.split(".")
    node = load_schema(schema_name)
    for step in steps[:-1]:
        node = node["properties"][step]
    return steps[-1] in node.get("required", ())


def questions(kind: str) -> list[Question]:
    out = []
    for qid, source, qkind in EMPLOYER_QUESTIONS if kind == "employer" else OPPORTUNITY_QUESTIONS:
        prop = json_schema_property(source)
        options = tuple((o["const"], o["title"]) for o in prop.get("oneOf", ()))
        title = _own_title(source) or prop.get("title", qid)
        if qid == "apply_instructions":
            title = "How to apply"
        if qid.startswith("location_"):
            title = f"Location: {title.lower()}" if not title.lower().startswith("location") else title
        out.append(
            Question(
                id=qid,
                label=title,
                help=DATES_HELP if qkind == "dates" else prop.get("description", ""),
                kind=qkind,
                required=qid in REQUIRED_IN_FORM
                or (kind == "employer" and qid in REQUIRED_FOR_EMPLOYER)
                or (_required(source) and qkind != "dates" and qid != "cost"),
                options=options,
                max_length=prop.get("maxLength"),
                pattern=prop.get("pattern"),
            )
        )
    return out


_DATE_LINE = re.compile(
    r"^(?P<start>\d{4}-\d{2}-\d{2})(?:\s+to\s+(?P<end>\d{4}-\d{2}-\d{2}))?(?:\s+(?P<st>\d{2}:\d{2})\s*-\s*(?P<et>\d{2}:\d{2}))?$"
)


def parse_dates(text: str) -> list[dict[str, str]] | str:
    """Sessions from the dates answer, or a message naming the line that could not be read."""
    sessions = []
    for number, line in enumerate((line.strip() for line in text.splitlines()), 1):
        if not line:
            continue
        m = _DATE_LINE.match(line)
        if not m:
            return f"line {number} of the dates ('{line[:40]}') is not like 2027-03-10, 2027-03-10 to 2027-03-12, or 2027-03-10 09:30-13:00"
        session = {"start": m["start"], "end": m["end"] or m["start"]}
        if m["st"]:
            session |= {"start_time": m["st"], "end_time": m["et"]}
        sessions.append(session)
    return sessions


def _number(text: str) -> int | float | str:
    try:
        value = float(text.replace("£", "").replace(",", "").strip())
    except ValueError:
        return text  # left as text: the validator explains what is wrong with it
    return int(value) if value.is_integer() else value


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

    put("id", "id")
    location = {k: a.get(f"location_{k}") for k in ("name", "address", "postcode", "region") if a.get(f"location_{k}")}
    if kind == "employer":
        for key in ("name", "org_id", "summary", "description", "website", "sector", "size"):
            put(key, key)
        if location:
            entry["locations"] = [location]
        put("regions_served", "regions_served")
        put("subjects", "subjects")
        contact = {k: a.get(f"contact_{k}") for k in ("team", "email", "url", "phone") if a.get(f"contact_{k}")}
        contact["publish"] = bool(a.get("contact_publish"))
        entry["contact"] = contact
        return entry, problems
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
    put("closes", "closes")
    apply = {"instructions": a.get("apply_instructions") or ""}
    apply |= {k: a[f"apply_{k}"] for k in ("email", "url") if a.get(f"apply_{k}")}
    entry["how_to_apply"] = apply
    requirements = [line.lstrip("-* ").strip() for line in (a.get("requirements") or "").splitlines() if line.strip()]
    if requirements:
        entry["requirements"] = requirements
    put("accessibility", "accessibility")
    return entry, problems


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
    """Everything a browser form needs to ask the questions and write the entry, as plain data."""
    asked = EMPLOYER_QUESTIONS if kind == "employer" else OPPORTUNITY_QUESTIONS
    sources = {qid: source for qid, source, _ in asked}
    fields = []
    for q in questions(kind):
        prop = json_schema_property(sources[q.id])
        field: dict[str, Any] = {
            "id": q.id,
            "label": q.label,
            "help": q.help,
            "kind": q.kind,
            "type": _value_type(sources[q.id], q.kind),
            "required": q.required,
            "options": [list(o) for o in q.options],
            "path": list(PATHS[kind].get(q.id, (q.id,))),
        }
        for key in ("minLength", "maxLength", "pattern", "minimum", "maximum", "exclusiveMinimum"):
            if key in prop and q.kind not in ("multiselect", "dates"):
                field[key] = prop[key]
        if q.id in DEFAULTS:
            field["default"] = DEFAULTS[q.id]
        if kind == "opportunity" and q.id.startswith("location_"):
            field["notNeededWhen"] = ["format", "online"]
        fields.append(field)
    return {
        "kind": kind,
        "folder": "employers" if kind == "employer" else "opportunities",
        "order": list(load_schema(kind)["properties"]),
        "stamps": list(STAMPS[kind]),
        "anyOf": _any_of(kind),
        "datePattern": _DATE_LINE.pattern.replace("(?P<", "(?<"),  # JavaScript's named groups
        "fields": fields,
    }
