"""iCalendar (.ics) files: one per open dated opportunity (see has_calendar), one per place, subject and type.

Events are written line by line here, for speed: icalendar builds the same event about six
times slower (0.57 ms against 0.09 ms), which at 600,000 opportunities, each in four or five
calendars, is half an hour. Text is escaped as RFC 5545 requires (backslash, semicolon,
comma, newline) and long lines are folded, so no content can start a property or an event
of its own. The Europe/London VTIMEZONE that RFC 5545 requires beside TZID comes from
icalendar, from the time zone database, covering the years of the calendar's timed events;
the tests parse every calendar with icalendar.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from functools import cache, lru_cache
from urllib.parse import quote

from ..config import BuildConfig
from ..model import Opportunity, Register, Session

PRODID = "-//STEM Exchange//Opportunities//EN"
TZID = "Europe/London"


@cache
def vtimezone(first_year: int, last_year: int) -> list[str]:
    """Europe/London's VTIMEZONE for whole years (each calendar names the years it needs)."""
    # Imported here, by the process that writes a calendar: 40-60 ms that every build would
    # otherwise spend before its stages start, rebuilds that rewrite no calendar too.
    from icalendar import Timezone

    zone = Timezone.from_tzid(TZID, first_date=date(first_year, 1, 1), last_date=date(last_year, 12, 31))
    return zone.to_ical().decode("ascii").replace("\r\n", "\n").strip().split("\n")


def timed_years(opportunities: Iterable[Opportunity]) -> tuple[int, int] | None:
    """The first and last year with a timed session (a time needs the VTIMEZONE), or None."""
    years = [y for o in opportunities for s in o.sessions if s.start_time for y in (s.start.year, s.end.year)]
    return (min(years), max(years)) if years else None


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with a leading space (RFC 5545 section 3.1)."""
    if line.isascii():  # a character is an octet: cut by position
        if len(line) <= 75:  # almost every line: nothing to do
            return line
        return "\r\n ".join([line[:75], *(line[i : i + 74] for i in range(75, len(line), 74))])
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


@cache
def _ymd(day: date) -> str:
    """20270310: each day formatted once (strftime, 2.3 us a call, for every date of every calendar)."""
    return f"{day:%Y%m%d}"


def _stamp(day: date, time: str) -> str:
    """A local date and time as iCalendar writes it: 20270310T093000."""
    return f"{_ymd(day)}T{time.replace(':', '')}00"


def _when(s: Session) -> list[str]:
    if s.start_time and s.end_time:
        return [
            f"DTSTART;TZID={TZID}:{_stamp(s.start, s.start_time)}",
            f"DTEND;TZID={TZID}:{_stamp(s.end, s.end_time)}",
        ]
    # All-day events end on the day after (DTEND is exclusive).
    return [f"DTSTART;VALUE=DATE:{_ymd(s.start)}", f"DTEND;VALUE=DATE:{_ymd(s.end + timedelta(days=1))}"]


def events(register: Register, o: Opportunity, config: BuildConfig) -> list[str]:
    employer = register.employers[o.employer]
    where = place_text(register, o)
    lines = []
    for i, s in enumerate(o.sessions):
        lines += [
            "BEGIN:VEVENT",
            f"UID:{o.id}-{i + 1}@stem-exchange",
            f"DTSTAMP:{_ymd(o.reviewed)}T000000Z",  # from the content, never the clock
            *_when(s),
            f"SUMMARY:{_escape(o.title)}",
            f"DESCRIPTION:{_escape(o.summary + ' Offered by ' + employer.name + '.')}",
            f"LOCATION:{_escape(where)}",
            f"URL:{config.absolute_url(f'opportunities/{o.id}/')}",
            f"STATUS:{'CANCELLED' if o.withdrawn else 'CONFIRMED'}",
            "END:VEVENT",
        ]
    return lines


def place_text(register: Register, o: Opportunity) -> str:
    """Where, in words for a calendar or a feed: the place and postcode, or online."""
    if o.format == "online":
        return "Online"
    place = register.place_of(o)
    if place is None:
        return "To be arranged"
    return f"{place.name}, {place.postcode}" + (" (or online)" if o.format == "hybrid" else "")


def calendar(name: str, event_lines: Iterable[str], years: tuple[int, int] | None = None) -> str:
    """The calendar file; `years` (timed_years) adds the VTIMEZONE its timed events need."""
    return calendar_of_blocks(name, ["\r\n".join(map(_fold, event_lines))], years)


def calendar_of_blocks(name: str, blocks: Iterable[str], years: tuple[int, int] | None = None) -> str:
    """The calendar file of these events, each block the folded lines of one or more (event_block)."""
    return "".join(calendar_parts(name, blocks, years))


def calendar_parts(name: str, blocks: Iterable[str], years: tuple[int, int] | None = None) -> Iterator[str]:
    """calendar_of_blocks in parts, made as they are asked for (Writer.text_parts)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    lines += [f"X-WR-CALNAME:{_escape(name)}", f"X-WR-TIMEZONE:{TZID}"]
    if years:
        lines += vtimezone(*years)
    yield "\r\n".join(map(_fold, lines)) + "\r\n"
    for block in filter(None, blocks):
        yield block + "\r\n"
    yield "END:VCALENDAR\r\n"


def event_block(register: Register, o: Opportunity, config: BuildConfig) -> str:
    """An opportunity's events as a calendar file holds them ("" when it has no dates)."""
    return "\r\n".join(map(_fold, events(register, o, config)))


def event_blocks(text: str) -> dict[str, str]:
    """Each opportunity's event_block in a calendar file this module wrote, by the opportunity's id
    (read from its events' UID, "<id>-<n>@stem-exchange", which may be folded): a rebuild takes
    the unchanged ones from the published file instead of making them again."""
    start, end = text.find("\r\nBEGIN:VEVENT\r\n"), text.rfind("\r\nEND:VCALENDAR")
    found: dict[str, list[str]] = {}
    if start < 0 or end < start:
        return {}
    # Escaped text and folded lines never start a line with BEGIN:VEVENT: each split is one event.
    for event in text[start:end].split("\r\nBEGIN:VEVENT\r\n")[1:]:
        first, *rest = event.split("\r\n", 4)[:4]
        uid = first + "".join(line[1:] for line in itertools.takewhile(lambda line: line.startswith(" "), rest))
        if not uid.startswith("UID:"):
            return {}  # not a file this module wrote: nothing is taken from it
        found.setdefault(uid[4:].partition("@")[0].rpartition("-")[0], []).append("BEGIN:VEVENT\r\n" + event)
    return {id_: "\r\n".join(events) for id_, events in found.items()}


def add_links(register: Register, o: Opportunity, s: Session, config: BuildConfig) -> dict[str, str]:
    """ "Add to Google Calendar" and "Add to Outlook" links for one date of an opportunity."""
    details = f"{o.summary} {config.absolute_url(f'opportunities/{o.id}/')}"
    where = place_text(register, o)
    if s.start_time and s.end_time:
        start, end = _stamp(s.start, s.start_time), _stamp(s.end, s.end_time)
        outlook = {"startdt": f"{s.start}T{s.start_time}:00", "enddt": f"{s.end}T{s.end_time}:00"}
    else:
        start, end = _ymd(s.start), _ymd(s.end + timedelta(days=1))
        outlook = {"startdt": s.start.isoformat(), "enddt": (s.end + timedelta(days=1)).isoformat(), "allday": "true"}
    google = {"action": "TEMPLATE", "text": o.title, "dates": f"{start}/{end}", "ctz": TZID, "details": details,
              "location": where}  # fmt: skip
    outlook |= {"path": "/calendar/action/compose", "rru": "addevent", "subject": o.title, "body": details,
                "location": where}  # fmt: skip
    return {
        "google": "https://calendar.google.com/calendar/render?" + _query(google),
        "outlook": "https://outlook.live.com/calendar/0/deeplink/compose?" + _query(outlook),
    }


def _query(fields: dict[str, str]) -> str:
    """urlencode(fields, quote_via=quote), with each value quoted once for both links and
    every date of an opportunity (its summary, title and place repeat)."""
    return "&".join(f"{_quoted(k)}={_quoted(v)}" for k, v in fields.items())


_quoted = lru_cache(maxsize=256)(lambda text: quote(text, safe=""))
