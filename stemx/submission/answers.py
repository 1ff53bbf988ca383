"""Forgiving input, exact output: what people type in forms, turned into the register's forms.

"1 Jan 2027", "1/1/2027" (UK order) and "2027-01-01" are one date; "www.example.org" is a
website; "m50 2eq" is a postcode. The submit page's script (static/submit-rules.js) reads
answers the same way from the same patterns, which forms.form_description exports; a test
runs both over the same examples.
"""

from __future__ import annotations

import re
from datetime import date

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# One date as people write it: 2027-03-10, 10/3/2027 (day first), 10 March 2027, Wed 10th Mar 2027.
DATE = (
    r"(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.](?:\d{4}|\d{2})"
    r"|(?:[A-Za-z]{3,9},?\s+)?\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?,?\s+\d{4})"
)
TIME = r"\d{1,2}[:.]\d{2}"
DASH = r"\s*(?:-|–|—|to)\s*"
# A line of the dates answer: a date, or a run of days, optionally with start and end times.
DATE_LINE = rf"^(?P<start>{DATE})(?:{DASH}(?P<end>{DATE}))?(?:,?\s+(?:from\s+)?(?P<st>{TIME}){DASH}(?P<et>{TIME}))?$"
_DATE_LINE = re.compile(DATE_LINE, re.IGNORECASE)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})$")
_WORDS = re.compile(
    r"^(?:[A-Za-z]{3,9},?\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})$", re.IGNORECASE
)
DATE_EXAMPLES = "10 March 2027, 10/3/2027 or 2027-03-10"
DATES_HELP = (
    "One date per line, such as 10 March 2027; a run of days as 10 March 2027 to 12 March 2027; "
    "times after the date, as 10 March 2027 09:30-13:00. Leave empty if teachers arrange a time with you."
)


def read_date(text: str) -> str | None:
    """The date as YYYY-MM-DD, or None when it is not a date (or not a real one, like 31/2/2027)."""
    text = text.strip()
    if m := _ISO.match(text):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif m := _NUMERIC.match(text):
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
        y += 2000 if y < 100 else 0
    elif (m := _WORDS.match(text)) and m[2][:3].lower() in MONTHS:
        d, mo, y = int(m[1]), MONTHS.index(m[2][:3].lower()) + 1, int(m[3])
    else:
        return None
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return None


def read_time(text: str) -> str | None:
    hours, minutes = re.split(r"[:.]", text)
    return f"{int(hours):02d}:{minutes}" if int(hours) < 24 and int(minutes) < 60 else None


def read_session(line: str) -> dict[str, str] | None:
    """One line of the dates answer as a session, or None when it cannot be read."""
    m = _DATE_LINE.match(line.strip())
    if not m:
        return None
    start = read_date(m["start"])
    end = read_date(m["end"]) if m["end"] else start
    if start is None or end is None:
        return None
    session = {"start": start, "end": end}
    if m["st"]:
        st, et = read_time(m["st"]), read_time(m["et"])
        if st is None or et is None:
            return None
        session |= {"start_time": st, "end_time": et}
    return session


_BARE_SITE = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:[/?#]\S*)?$", re.IGNORECASE)


def read_url(text: str) -> str:
    """A web address with its https:// added when it was typed without one (www.example.org)."""
    text = text.strip()
    return f"https://{text}" if _BARE_SITE.match(text) else text


def read_postcode(text: str) -> str:
    """A postcode in capitals with one space before the last three characters (m502eq -> M50 2EQ)."""
    compact = re.sub(r"\s+", "", text).upper()
    return f"{compact[:-3]} {compact[-3:]}" if 5 <= len(compact) <= 7 else text.strip().upper()


def slug(text: str) -> str:
    """A web address name from a name: "Northfield Robotics Ltd" -> northfield-robotics-ltd."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].rstrip("-")


def browser_patterns() -> dict[str, str]:
    """The patterns the submit page reads answers with (JavaScript syntax: (?<name>...))."""
    return {"dateLine": DATE_LINE.replace("(?P<", "(?<"), "bareSite": _BARE_SITE.pattern}
