"""iCalendar (.ics) files: one per dated opportunity, one per region.

Text is escaped as RFC 5545 requires (backslash, semicolon, comma, newline) and long lines
are folded, so no content can start a property or an event of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from ..config import BuildConfig
from ..model import Opportunity, Register, Session

PRODID = "-//STEM Exchange//Opportunities//EN"


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with a leading space (RFC 5545 section 3.1)."""
    if len(line) <= 75 and line.isascii():  # almost every line: nothing to do
        return line
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


def _when(s: Session) -> list[str]:
    if s.start_time and s.end_time:
        start = s.start.strftime("%Y%m%d") + "T" + s.start_time.replace(":", "") + "00"
        end = s.end.strftime("%Y%m%d") + "T" + s.end_time.replace(":", "") + "00"
        return [f"DTSTART;TZID=Europe/London:{start}", f"DTEND;TZID=Europe/London:{end}"]
    # All-day events end on the day after (DTEND is exclusive).
    return [f"DTSTART;VALUE=DATE:{s.start:%Y%m%d}", f"DTEND;VALUE=DATE:{s.end + timedelta(days=1):%Y%m%d}"]


def events(register: Register, o: Opportunity, config: BuildConfig) -> list[str]:
    employer = register.employers[o.employer]
    where = o.location.name + ", " + o.location.postcode if o.location else "Online"
    lines = []
    for i, s in enumerate(o.sessions):
        lines += [
            "BEGIN:VEVENT",
            f"UID:{o.id}-{i + 1}@stem-exchange",
            f"DTSTAMP:{o.reviewed:%Y%m%d}T000000Z",  # from the content, never the clock
            *_when(s),
            f"SUMMARY:{_escape(o.title)}",
            f"DESCRIPTION:{_escape(o.summary + ' Offered by ' + employer.name + '.')}",
            f"LOCATION:{_escape(where)}",
            f"URL:{config.absolute_url(f'opportunities/{o.id}/')}",
            f"STATUS:{'CANCELLED' if o.withdrawn else 'CONFIRMED'}",
            "END:VEVENT",
        ]
    return lines


def calendar(name: str, event_lines: Iterable[str]) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    lines += [f"X-WR-CALNAME:{_escape(name)}", *event_lines, "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
