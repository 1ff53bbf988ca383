"""What each entry gives the search index: text to match, filter tokens, sort keys and a card.

Filters are tokens in their own column of the full-text index (`type_cpd_session`,
`region_north_west`), so "keyword AND filters" is one full-text query that reads only the
parts of the index it needs. A place is a postcode-district token (`pc_m15`, with `pa_m` for
its area), so "within 25 miles" is the districts that near, worked out in the browser.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache, partial
from typing import NamedTuple, TypeVar

from ..config import ROOT, BuildConfig
from ..model import Employer, Opportunity, Register
from ..schemas import vocabularies
from ..site.env import when_text

E = TypeVar("E", Employer, Opportunity)

DISTRICTS = ROOT / "data" / "uk-postcode-districts.csv"
PLACES = ROOT / "data" / "uk-places.csv"  # GeoNames towns and cities: see data/README.md
# Filters offered on the search page, in order: (name, label, controlled list). The token of a
# value is "<name>_<code>"; "show" and "availability" have fixed values of their own.
FILTERS = (
    ("show", "Show", None),
    ("type", "Type", "opportunity_type"),
    ("region", "Where", "where"),
    ("subject", "Subject", "subject"),
    ("audience", "Audience", "audience"),
    ("format", "Format", "format"),
    ("availability", "Availability", None),
    ("sector", "Employer sector", "sector"),
)
FIXED_OPTIONS = {
    "show": (("open", "Open opportunities"), ("closed", "Closed and past opportunities"), ("employer", "Employers")),
    "availability": (("dates", "Fixed dates"), ("on_request", "On request")),
}
ONLINE_TOKEN = "zzpc_online"  # every near-me search includes it: online is never excluded by distance
# Sort groups: open opportunities first, so the default "show open" is a prefix of every order.
GROUPS = {"open": 0, "employer": 1, "closed": 2}
NO_DAY = (1 << 20) - 1  # sorts after every real day (days since 1970 fit in 20 bits until 4840)


FACET = "zz"  # starts every filter and place token, so no typed word (or its prefix) matches one


def token(name: str, code: str) -> str:
    return f"{FACET}{name}_{code.replace('-', '_')}".lower()


@cache
def positions() -> dict[str, tuple[float, float]]:
    """Postcode district -> (latitude, longitude), from the shipped open data."""
    with DISTRICTS.open(encoding="utf-8", newline="") as f:
        return {row["district"]: (float(row["latitude"]), float(row["longitude"])) for row in csv.DictReader(f)}


def place_key(name: str) -> str:
    """How a place name is matched (the search page does the same): lower case, "saint" as
    "st", "&" as "and", letters and digits only."""
    name = re.sub(r"\bsaint\b", "st", name.lower().replace("&", " and "))
    return re.sub(r"[^a-z0-9]+", " ", name).strip()


def places() -> dict[str, list[float | str]]:
    """Town or city name (as place_key makes it) -> [latitude, longitude, name to show]."""
    with PLACES.open(encoding="utf-8", newline="") as f:
        return {
            place_key(row["name"]): [float(row["latitude"]), float(row["longitude"]), f"{row['name']}, {row['nation']}"]
            for row in csv.DictReader(f)
        }


@dataclass(frozen=True, slots=True)
class Record:
    strong: str  # title, employer and labels: a match here ranks first under "best match"
    body: str  # summary and description
    facets: str  # filter and place tokens
    group: int  # GROUPS
    closes: int  # days since 1970 (NO_DAY when there is none), one key per sort order
    date: int
    published: int
    card: dict[str, str]  # what a result shows, and the text its snippet is taken from


def _day(d: date | None) -> int:
    return NO_DAY if d is None else d.toordinal() - date(1970, 1, 1).toordinal()


_AREA = re.compile("[A-Z]+")
_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
# The same without the image's "!": a pattern that opens with a literal is searched for five
# times faster, and without "![" in the text the two match the same.
_LINK_ONLY = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
_BULLET = re.compile(r"^[ \t]*[-+][ \t]+", re.MULTILINE)
_MARKS = str.maketrans("", "", "*_`#>")


def plain(markdown: str) -> str:
    """Markdown as words a snippet can quote: link text kept, marks and list bullets dropped."""
    if "[" in markdown:
        markdown = (_LINK if "![" in markdown else _LINK_ONLY).sub(r"\1", markdown)
    return " ".join(_BULLET.sub(" ", markdown).translate(_MARKS).split())


EXCERPT = 600  # characters of summary and description a card keeps, for its snippet


def _excerpt(summary: str, description: str) -> str:
    """The start of the entry's text, for a snippet (the index itself takes the Markdown as it is:
    its tokenizer skips the marks)."""
    return f"{summary} {plain(description[: EXCERPT * 2])}"[:EXCERPT]


def _place(card: dict[str, str], facets: list[str], district: str | None) -> None:
    if district is None:
        facets.append(ONLINE_TOKEN)
        return
    area = _AREA.match(district).group()  # type: ignore[union-attr]  # M15 -> M, SW1A -> SW
    facets += [token("pc", district), token("pa", area)]
    if district in positions():
        lat, lon = positions()[district]
        card |= {"lat": f"{lat:.4f}", "lon": f"{lon:.4f}"}


def opportunity_record(register: Register, o: Opportunity, config: BuildConfig) -> Record:
    v = vocabularies()
    employer = register.employers[o.employer]
    state = register.state(o)
    place = register.place_of(o)
    where = register.where_of(o)
    type_label = v.label("opportunity_type", o.type)
    subjects = [v.label("subject", s) for s in o.subjects]
    description = str(o.description)
    card = {
        "url": config.url(f"opportunities/{o.id}/"),
        "title": o.title,
        "employer": employer.name,
        "type": type_label,
        "where": "Online" if place is None else place.name + (" or online" if o.format == "hybrid" else ""),
        "when": when_text(o, register.today),
        "hours": f"{o.duration_hours:g}",
        "state": state,
        "text": _excerpt(o.summary, description),
    }
    regions = (where,) if where else ()  # one meaning of "where": see Register.where_of
    facets = [
        token("show", "open" if state == "open" else "closed"),
        token("type", o.type),
        *(token("region", r) for r in regions),
        *(token("subject", s) for s in o.subjects),
        *(token("audience", a) for a in o.audience),
        token("format", o.format),
        token("availability", "on_request" if o.on_request else "dates"),
        token("sector", employer.sector),
    ]
    _place(card, facets, place.district if place else None)
    if place is not None and o.format == "hybrid":
        facets.append(ONLINE_TOKEN)  # also open to teachers anywhere
    upcoming = o.next_session(register.today)
    labels = [type_label, *subjects, *(v.label("where", r) for r in regions), v.label("format", o.format)]
    labels.append(v.label("sector", employer.sector))
    return Record(
        strong=" ".join([o.title, employer.name, *labels]),
        body=f"{o.summary} {description}",
        facets=" ".join(facets),
        group=GROUPS["open" if state == "open" else "closed"],
        closes=_day(o.closes or o.last_date),
        date=_day(upcoming.start if upcoming else None),
        published=_day(o.published),
        card=card,
    )


def employer_record(register: Register, e: Employer, config: BuildConfig) -> Record:
    v = vocabularies()
    listed = register.count_of(e.id)
    sector = v.label("sector", e.sector)
    subjects = [v.label("subject", s) for s in e.subjects]
    description = str(e.description)
    card = {
        "url": config.url(f"employers/{e.id}/"),
        "title": e.name,
        "employer": sector,
        "type": "Employer",
        "where": e.place.name if e.place else ", ".join(v.label("region", r) for r in e.regions_served),
        "when": f"{listed} {'opportunity' if listed == 1 else 'opportunities'} listed"
        if listed
        else "Registered supporter",
        "state": "employer",
        "text": _excerpt(e.summary, description),
    }
    facets = [
        token("show", "employer"),
        *(token("region", r) for r in e.regions_served),
        *(token("subject", s) for s in e.subjects),
        token("sector", e.sector),
    ]
    if e.place:  # an employer registered without a site has no place to search near
        _place(card, facets, e.place.district)
    return Record(
        strong=" ".join([e.name, sector, *subjects, *(v.label("region", r) for r in e.regions_served)]),
        body=f"{e.summary} {description}",
        facets=" ".join(facets),
        group=GROUPS["employer"],
        closes=NO_DAY,
        date=NO_DAY,
        published=_day(e.registered),
        card=card,
    )


class Keyed(NamedTuple):
    """An entry's record, made only when asked for: the cache holds the records of the last build."""

    source: str  # the entry's file: one record each
    key: bytes | None  # what the record is made from (Register.entry_key); None: always made
    make: Callable[[], Record]


def keyed(register: Register, config: BuildConfig) -> Iterator[Keyed]:
    """Every entry's record, in source order (what Staging.add compares them in)."""
    for e in _in_file_order(register.employers):
        yield Keyed(e.source, register.entry_key(e), partial(employer_record, register, e, config))
    for o in _in_file_order(register.opportunities):
        yield Keyed(o.source, register.entry_key(o), partial(opportunity_record, register, o, config))


def _in_file_order(entries: Mapping[str, E]) -> Iterator[E]:
    """The entries in their files' order: a file's name is its id and ".yaml" or ".yml", in one
    folder (employers/ before opportunities/), and ids have no ".", so this is by id and a "."."""
    return map(entries.__getitem__, sorted(entries, key=_file_order))


def _file_order(entry_id: str) -> str:
    return entry_id + "."


def records(register: Register, config: BuildConfig) -> Iterator[Record]:
    return (k.make() for k in keyed(register, config))
