"""Checks the schema cannot express: dates in order, safe text and links, and warnings.

Every function takes the parsed Document (for positions) and returns Problems; they are
defensive about shapes because they also run on entries that failed the schema, so that
one run reports everything.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Any

from .errors import Problem
from .load import Document
from .schema_check import field_name

REVIEW_AFTER = timedelta(days=365)

# Characters that hide or reorder text ("Trojan Source"), or are invisible: they let a
# title look like something it is not, so they are refused everywhere.
_HIDDEN_CHARS = "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb"
_CONTROL_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_HIDDEN = re.compile(f"[{_HIDDEN_CHARS}]")
_CONTROL = re.compile(f"[{_CONTROL_CHARS}]")
_ODD = re.compile(f"[{_HIDDEN_CHARS}{_CONTROL_CHARS}]")  # either kind, in one pass over a text
# Line breaks refused in one-line fields: Unicode's line and paragraph separators too, which
# calendar programs and JavaScript read as line ends (\v, \f and NEL are control characters,
# refused everywhere).
_LINE_BREAK = re.compile("[\n\r\u2028\u2029]")
# Link targets in Markdown: [text](target) and <scheme:...> autolinks.
_MD_LINK = re.compile(r"\]\(\s*<?([^)\s>]*)|<([a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^>\s]*)>")
_SAFE_LINK = re.compile(r"^(?:https?://|mailto:|#|/(?!/)|\.{0,2}/?[\w-])", re.IGNORECASE)
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_ROLE_WORDS = (
    "admin", "apprentice", "booking", "business", "career", "community", "contact", "cpd", "early", "education",
    "engage", "enquir", "event", "futures", "graduate", "hello", "help", "hr", "industry", "info", "inspire",
    "learning", "mail", "media", "office", "outreach", "partner", "people", "placement", "press", "programme",
    "recruit", "school", "skills", "stem", "student", "support", "talent", "team", "teach", "training", "visit",
    "volunteer", "welcome", "work", "young",
)  # fmt: skip
# A UK number not inside a word: +44 or 0, then 9-10 digits. It starts with the character class
# so that Python's engine skips to a "+" or "0" (a leading look-behind is tried at every
# character: 4 s over 40,000 descriptions); the look-behinds then check what came before.
_PHONE = re.compile(r"[+0](?<![\w+].)(?:(?<=\+)44\s?|(?<=0))(?:\d[\s-]?){9,10}(?!\d)")
_MOBILE = re.compile(r"^(?:\+44\s?|0)7")
# first.last, f.last, first_last: the usual shapes of a named person's mailbox. A single word
# (sales@, jsmith@) cannot be told apart, so it is not flagged.
_PERSONAL = re.compile(r"^[a-z]+[._-][a-z]+\d*$")
PERSONAL_EMAIL = "'{value}' looks like a personal email address; use a role address such as education@..."
PHONE_IN_TEXT = "phone number '{value}' in published text; put contact numbers in the contact fields"
MOBILE = "looks like a personal mobile number; use a team or switchboard number"

_PROSE_PATHS: tuple[tuple[str, ...], ...] = (
    ("summary",),
    ("description",),
    ("accessibility",),
    ("availability", "notes"),
    ("how_to_apply", "instructions"),
)
# Prose fields that may run over several lines; every other text is one line.
_MULTILINE = frozenset({"description", "summary", "accessibility", "instructions", "notes"})
_EMAIL_FIELDS = (("contact", "email"), ("how_to_apply", "email"))


Path = tuple[str | int, ...]


def strings(value: Any) -> list[tuple[Path, str]]:
    """Every text value in an entry with its path (computed once, shared by the checks)."""
    found: list[tuple[Path, str]] = []
    stack: list[tuple[Path, Any]] = [((), value)]
    while stack:
        path, v = stack.pop()
        if isinstance(v, str):
            found.append((path, v))
        elif isinstance(v, dict):
            for k, x in v.items():  # a loop, not extend(generator): the generator cost more than the work
                stack.append((path + (k,), x))
        elif isinstance(v, list):
            for i, x in enumerate(v):
                stack.append((path + (i,), x))
    return found


def _problem(
    doc: Document,
    source: str,
    path: Sequence[str | int],
    message: str,
    warning: bool = False,
    at: tuple[str, int] | None = None,
) -> Problem:
    """A problem at the value at `path`, or at character at[1] inside the text at[0]."""
    line, column = doc.position_in(path, *at) if at else doc.position(path)
    return Problem(source, line, column, field_name(path), message, "warning" if warning else "error")


def check_text(doc: Document, source: str, texts: list[tuple[Path, str]]) -> list[Problem]:
    problems = []
    # Most entries have neither kind of character anywhere: one search over all their text
    # then stands for two per value.
    joined = "\n".join(text for _, text in texts)
    odd = _ODD.search(joined) is not None
    # Text all ASCII (most entries) can only break a line with \n or \r: `in` finds those
    # without a regular expression's call per value.
    all_ascii = joined.isascii()
    for path, text in texts:
        hidden = _HIDDEN.search(text) if odd else None
        control = _CONTROL.search(text) if odd and hidden is None else None
        breaks = ("\n" in text or "\r" in text) if all_ascii else _LINE_BREAK.search(text) is not None
        if hidden:
            name = unicodedata.name(hidden.group(), "FORMAT CHARACTER").lower()
            message = f"contains an invisible or text-direction character (U+{ord(hidden.group()):04X} {name}); retype the text"
            problems.append(_problem(doc, source, path, message, at=(text, hidden.start())))
        elif control:
            message = f"contains a control character (U+{ord(control.group()):04X})"
            problems.append(_problem(doc, source, path, message, at=(text, control.start())))
        elif breaks and _field(path) not in _MULTILINE:
            # names and titles go into calendar files, feeds and CSV cells, where a line break
            # would start a new field
            problems.append(_problem(doc, source, path, "must be on one line (remove the line break)"))
        if path and path[0] == "description":
            for m in _MD_LINK.finditer(text):
                target = (m.group(1) or m.group(2) or "").strip()
                scheme = _SCHEME.match(target)
                if (
                    target
                    and not _SAFE_LINK.match(target)
                    or (scheme and scheme.group(1).lower() not in ("http", "https", "mailto"))
                ):
                    shown = f"{scheme.group(1)}:..." if scheme else target[:40]
                    message = f"link '{shown}' is not allowed; links must start with https://, http:// or mailto:"
                    problems.append(_problem(doc, source, path, message, at=(text, m.start())))
    return problems


def _field(path: Path) -> str:
    """The name of the field a value belongs to (for list items, the list's name)."""
    return next((step for step in reversed(path) if isinstance(step, str)), "")


# Ids that would share an address with a browse page (/opportunities/closed/, /employers/page/2/).
RESERVED_IDS = {
    "employer": frozenset({"page", "region", "sector"}),
    "opportunity": frozenset({"page", "closed", "region", "type", "subject", "audience", "format"}),
}


# Names Windows keeps for devices, whatever the extension: a folder or file so named cannot be
# checked out there, so the register's repository and site would not open on Windows.
WINDOWS_DEVICES = frozenset({"aux", "con", "nul", "prn", *(f"{p}{n}" for p in ("com", "lpt") for n in range(10))})


def check_identity(doc: Document, source: str, kind: str, stem: str) -> list[Problem]:
    entry_id = doc.data.get("id")
    if not isinstance(entry_id, str):
        return []
    if entry_id != stem:
        message = f"'{entry_id}' must equal the file name '{stem}' (rename the file or change the id)"
        return [_problem(doc, source, ["id"], message)]
    if entry_id in RESERVED_IDS[kind]:
        message = f"'{entry_id}' is reserved for the site's own pages; choose a more specific id"
        return [_problem(doc, source, ["id"], message)]
    if entry_id.lower() in WINDOWS_DEVICES:
        message = f"'{entry_id}' is a name Windows keeps for a device, so it cannot be a file name there; choose a more specific id"
        return [_problem(doc, source, ["id"], message)]
    return []


def employer_reference(doc: Document) -> tuple[str, int, int] | None:
    """The employer an opportunity names, with where: (id, line, column). Whether it exists is
    known only beside the rest of the register; the problem is made if it does not
    (`missing_employer`). Kept for every file, so kept small: three values, not a Problem."""
    employer = doc.data.get("employer")
    if not isinstance(employer, str):
        return None
    return (employer, *doc.position(["employer"]))


def missing_employer(source: str, reference: tuple[str, int, int]) -> Problem:
    employer, line, column = reference
    message = f"no employer with id '{employer}' (there is no content/employers/{employer}.yaml)"
    return Problem(source, line, column, "employer", message)


def _as_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def check_dates(doc: Document, source: str) -> list[Problem]:
    data = doc.data
    problems = []
    availability = data.get("availability")
    dates = availability.get("dates") if isinstance(availability, dict) else None
    last: date | None = None
    if isinstance(dates, list):
        for i, session in enumerate(dates):
            if not isinstance(session, dict):
                continue
            start, end = _as_date(session.get("start")), _as_date(session.get("end"))
            if start and end and end < start:
                problems.append(
                    _problem(
                        doc, source, ["availability", "dates", i, "end"], f"ends ({end}) before it starts ({start})"
                    )
                )
            st, et = session.get("start_time"), session.get("end_time")
            if start == end and isinstance(st, str) and isinstance(et, str) and et <= st:
                problems.append(
                    _problem(doc, source, ["availability", "dates", i, "end_time"], "must be later than start_time")
                )
            if end:
                last = max(last, end) if last else end
    closes = _as_date(data.get("closes"))
    if closes and last and closes > last:
        problems.append(
            _problem(doc, source, ["closes"], f"closing date {closes} is after the last date it runs ({last})")
        )
    published, reviewed = _as_date(data.get("published") or data.get("registered")), _as_date(data.get("reviewed"))
    if published and reviewed and reviewed < published:
        key = "published" if "published" in data else "registered"
        problems.append(_problem(doc, source, ["reviewed"], f"reviewed ({reviewed}) is before {key} ({published})"))
    return problems


def _published_text(data: dict[str, Any]) -> Iterator[tuple[Path, str]]:
    """The prose fields (where contact details do not belong), looked up directly: walking
    every value of 600,000 entries for them costs seconds."""
    for path in _PROSE_PATHS:
        value: Any = data
        for step in path:
            value = value.get(step) if isinstance(value, dict) else None
        if isinstance(value, str):
            yield path, value
    requirements = data.get("requirements")
    if isinstance(requirements, list):
        yield from ((("requirements", i), r) for i, r in enumerate(requirements) if isinstance(r, str))


def _contact_field(data: dict[str, Any], path: tuple[str, str]) -> str | None:
    parent = data.get(path[0])
    value = parent.get(path[1]) if isinstance(parent, dict) else None
    return value if isinstance(value, str) else None


def review_due(doc: Document) -> tuple[date, int, int] | None:
    """The reviewed date, with where: (date, line, column); once it is more than a year old
    on the build's date, `overdue` is the warning."""
    reviewed = _as_date(doc.data.get("reviewed"))
    if reviewed is None:
        return None
    return (reviewed, *doc.position(["reviewed"]))


def overdue(source: str, review: tuple[date, int, int]) -> Problem:
    reviewed, line, column = review
    message = f"not reviewed since {reviewed}: ask the employer to confirm the entry is current, then update the date"
    return Problem(source, line, column, "reviewed", message, "warning")


def warnings(doc: Document, source: str) -> list[Problem]:
    data = doc.data
    found = []
    for path, text in _published_text(data):
        # Most text has no "@"; the address pattern would try every character (8 s at 40,000).
        for m in _EMAIL.finditer(text) if "@" in text else ():
            if _personal_email(m.group()):
                message = PERSONAL_EMAIL.format(value=m.group())
                found.append(_problem(doc, source, path, message, True, at=(text, m.start())))
        # A number starts with "+" or "0": without either the pattern, tried at every
        # character, cannot match (14 us -> 1 us an entry).
        for m in _PHONE.finditer(text) if "0" in text or "+" in text else ():
            message = PHONE_IN_TEXT.format(value=m.group().strip())
            found.append(_problem(doc, source, path, message, True, at=(text, m.start())))
    for path in _EMAIL_FIELDS:
        email = _contact_field(data, path)
        if email and _personal_email(email):
            found.append(_problem(doc, source, path, PERSONAL_EMAIL.format(value=email), True))
    phone = _contact_field(data, ("contact", "phone"))
    if phone and _MOBILE.match(phone):
        found.append(_problem(doc, source, ("contact", "phone"), MOBILE, True))
    title, summary = data.get("title") or data.get("name"), data.get("summary")
    if isinstance(title, str) and isinstance(summary, str) and _repeats(title, summary):
        found.append(
            _problem(doc, source, ["summary"], "only repeats the title; say what a teacher will do and gain", True)
        )
    if data.get("format") in ("in-person", "hybrid") and "location" not in data:
        found.append(
            _problem(
                doc,
                source,
                ["format"],
                f"is '{data['format']}' but no location is given; add a location so teachers know where to go",
                True,
            )
        )
    return found


def _personal_email(email: str) -> bool:
    local = email.split("@", 1)[0].lower()
    if any(word in local for word in _ROLE_WORDS):
        return False
    return bool(_PERSONAL.match(local))


def browser_warnings() -> dict[str, Any]:
    """The contact-detail warnings, for the submit page to give the same ones as `validate`:
    patterns (valid in Python and JavaScript alike), role words, messages and where each applies."""
    return {
        "email": _EMAIL.pattern,
        "phone": _PHONE.pattern,
        "mobile": _MOBILE.pattern,
        "personal": _PERSONAL.pattern,
        "roleWords": list(_ROLE_WORDS),
        "messages": {"personalEmail": PERSONAL_EMAIL, "phoneInText": PHONE_IN_TEXT, "mobile": MOBILE},
        "prose": [".".join(p) for p in _PROSE_PATHS] + ["requirements"],
        "emails": [".".join(p) for p in _EMAIL_FIELDS],
        "phones": ["contact.phone"],
    }


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _repeats(title: str, summary: str) -> bool:
    t, s = _words(title), _words(summary)
    if not s:  # a summary with nothing to read is refused by the schema; this warning would only add noise
        return False
    return s == t or (s[: len(t)] == t and len(s) - len(t) <= 2)
