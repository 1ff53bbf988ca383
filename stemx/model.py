"""Typed entries built from validated YAML data; every later stage reads these, never raw dicts.

Values of controlled lists stay as their codes (e.g. "north-west"); labels come from
`stemx.schemas.vocabularies()` so that the schema remains the one source of truth.
"""

from __future__ import annotations

import hashlib
import operator
import sys
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from functools import cache
from typing import Any, Literal, TypeVar, dataclass_transform, get_args

from .entrystore import EntryStore, KeyTable
from .schemas import ONLINE
from .texts import Text

# Keeps a description: in memory (str) by default, or in a TextStore for a whole register.
Keep = Callable[[str], Text]
T = TypeVar("T")


def _codes(values: Iterable[str]) -> tuple[str, ...]:
    """Codes from the controlled lists, interned: 600,000 entries then share one "north-west"
    instead of holding a copy each."""
    return tuple(sys.intern(v) for v in values)


@dataclass_transform(frozen_default=True)
def entry_type(cls: type[T]) -> type[T]:
    """A dataclass made in great numbers (the register's entries, the content files): frozen as
    far as the type checker knows, but made without frozen's guard at run time, whose generated
    __init__ sets each field through object.__setattr__ (5.8 us for a 24-field opportunity
    against 0.6 us: a rebuild makes every entry again from the checked-file log, and a clean
    build makes each one twice). Hashed by value like a frozen one. Pickled as the class called
    with every field: the generic state restore of a slots dataclass is several times slower."""
    cls = dataclass(slots=True, unsafe_hash=True)(cls)
    values = operator.attrgetter(*(f.name for f in fields(cls)))  # type: ignore[arg-type]
    cls.__reduce__ = lambda self: (cls, values(self))  # type: ignore[method-assign]
    return cls


@cache
def _day(text: str) -> date:
    """Dates shared between entries (a few thousand distinct days among millions of dates)."""
    return date.fromisoformat(text)


def _code(value: str | None) -> str | None:
    return None if value is None else sys.intern(value)  # times of day repeat as much as codes


# What a teacher sees about an opportunity on a given day (see Opportunity.state).
State = Literal["open", "closed", "past", "withdrawn"]
STATES: tuple[State, ...] = get_args(State)
_END = operator.attrgetter("end")  # a session's last day
_DAY = timedelta(days=1)
_OPEN, _CLOSED, _PAST, _WITHDRAWN = (STATES.index(s) for s in ("open", "closed", "past", "withdrawn"))


@entry_type
class Place:
    name: str
    postcode: str
    region: str
    address: str | None = None

    @property
    def district(self) -> str:
        """The outward code (e.g. "M15"), used to place the postcode on a map."""
        return self.postcode.split(" ", 1)[0]

    @classmethod
    def from_data(cls, d: dict[str, Any]) -> Place:
        return cls(name=d["name"], postcode=d["postcode"], region=sys.intern(d["region"]), address=d.get("address"))


@entry_type
class Contact:
    team: str
    publish: bool
    email: str | None = None
    url: str | None = None
    phone: str | None = None


@entry_type
class Employer:
    id: str
    name: str
    summary: str
    description: Text  # Markdown source: str() it (it may be kept in a TextStore)
    website: str
    sector: str
    size: str | None  # the short registration leaves size, sites, subjects and description for later
    locations: tuple[Place, ...]
    regions_served: tuple[str, ...]
    subjects: tuple[str, ...]
    contact: Contact
    registered: date
    reviewed: date
    source: str  # content file, relative to the content folder, for messages
    org_id: str | None = None
    offers: tuple[str, ...] = ()  # kinds of support it might offer (opportunity types)

    @property
    def place(self) -> Place | None:
        """The employer's first site, where its opportunities happen unless they say otherwise."""
        return self.locations[0] if self.locations else None

    @classmethod
    def from_data(cls, d: dict[str, Any], source: str, keep: Keep = str) -> Employer:
        c = d["contact"]
        return cls(
            id=sys.intern(d["id"]),  # opportunities name it too
            name=d["name"],
            summary=d["summary"],
            description=keep(d.get("description", "")),
            website=d["website"],
            sector=sys.intern(d["sector"]),
            size=sys.intern(d["size"]) if "size" in d else None,
            locations=tuple(Place.from_data(p) for p in d.get("locations", ())),
            regions_served=_codes(d["regions_served"]),
            subjects=_codes(d.get("subjects", ())),
            offers=_codes(d.get("offers", ())),
            contact=Contact(
                team=c["team"], publish=c["publish"], email=c.get("email"), url=c.get("url"), phone=c.get("phone")
            ),
            registered=_day(d["registered"]),
            reviewed=_day(d["reviewed"]),
            source=source,
            org_id=d.get("org_id"),
        )


@entry_type
class Session:
    """One fixed date (or run of days) on which an opportunity takes place."""

    start: date
    end: date
    start_time: str | None = None
    end_time: str | None = None


@entry_type
class HowToApply:
    instructions: str
    email: str | None = None
    url: str | None = None


@entry_type
class Opportunity:
    id: str
    employer: str  # employer id
    title: str
    summary: str
    description: Text  # Markdown source: str() it (it may be kept in a TextStore)
    type: str
    audience: tuple[str, ...]
    subjects: tuple[str, ...]
    format: str
    location: Place | None
    on_request: bool
    sessions: tuple[Session, ...]  # empty when on request
    availability_notes: str | None
    duration_hours: float
    capacity: int | None
    cost: float
    closes: date | None
    how_to_apply: HowToApply
    requirements: tuple[str, ...]
    accessibility: str | None
    withdrawn: bool
    published: date
    reviewed: date
    source: str

    @property
    def first_date(self) -> date | None:
        return self.sessions[0].start if self.sessions else None

    @property
    def last_date(self) -> date | None:
        return max(map(_END, self.sessions)) if self.sessions else None

    def state(self, today: date) -> State:
        """open: a teacher can still take part; closed: applications have closed but it has not
        finished; past: every date is over; withdrawn: the employer withdrew it."""
        last = self.last_date
        return STATES[self._state(today, last is not None and last >= today)]

    def _state(self, today: date, coming: bool) -> int:
        """The rule of state(), given whether any of its dates is still to come (the index in STATES)."""
        if self.withdrawn:
            return _WITHDRAWN
        if self.sessions and not coming:
            return _PAST
        return _CLOSED if self.closes is not None and self.closes < today else _OPEN

    def as_of(self, today: date) -> int:
        """All that the build date changes in what is shown of this entry (its page, card,
        calendar, data rows and search record), as one small number for keys: a bit for each
        date still to come (the card shows the next one), then its status. Most days leave
        it alone, so a daily build remakes the outputs of few entries."""
        coming = 0
        for i, s in enumerate(self.sessions):
            if s.end >= today:
                coming |= 1 << i
        return coming << 2 | self._state(today, coming != 0)  # state(), from the dates just looked at

    def next_session(self, today: date) -> Session | None:
        return next((s for s in self.sessions if s.end >= today), None)

    def apply_by(self, s: Session) -> date | None:
        """The last day to apply for one date: the closing date, or the day before that date
        starts when it comes first (a January session cannot be joined in June)."""
        if self.closes is None:
            return None
        return min(self.closes, s.start - _DAY)

    @property
    def apply_by_differs(self) -> bool:
        """Whether the dates have different last days to apply, so each date says its own."""
        return len({self.apply_by(s) for s in self.sessions}) > 1

    @classmethod
    def from_data(cls, d: dict[str, Any], source: str, keep: Keep = str) -> Opportunity:
        a = d["availability"]
        h = d["how_to_apply"]
        sessions = tuple(
            sorted(
                (
                    Session(
                        start=_day(s["start"]),
                        end=_day(s["end"]),
                        start_time=_code(s.get("start_time")),
                        end_time=_code(s.get("end_time")),
                    )
                    for s in a.get("dates", ())
                ),
                key=lambda s: (s.start, s.end),
            )
        )
        return cls(
            id=d["id"],
            employer=sys.intern(d["employer"]),
            title=d["title"],
            summary=d["summary"],
            description=keep(d["description"]),
            type=sys.intern(d["type"]),
            audience=_codes(d["audience"]),
            subjects=_codes(d["subjects"]),
            format=sys.intern(d["format"]),
            location=Place.from_data(d["location"]) if "location" in d else None,
            on_request=a["kind"] == "on-request",
            sessions=sessions,
            availability_notes=a.get("notes"),
            duration_hours=d["duration_hours"],
            capacity=d.get("capacity"),
            cost=d["cost"],
            closes=_day(d["closes"]) if "closes" in d else None,
            how_to_apply=HowToApply(instructions=h["instructions"], email=h.get("email"), url=h.get("url")),
            requirements=tuple(d.get("requirements", ())),
            accessibility=d.get("accessibility"),
            withdrawn=d.get("status") == "withdrawn",
            published=_day(d["published"]),
            reviewed=_day(d["reviewed"]),
            source=source,
        )


@dataclass(slots=True)
class Register:
    """The whole register: employers and opportunities, each sorted by id.

    `today` is the date the build describes ("open" or "past" depend on it); it is fixed for
    a build so that the same content and date give byte-identical output.
    """

    # dicts, or for a national register EntryStores (entrystore.py), which make an entry again
    # each time one is asked for: a stage keeps what it needs of an entry, not the entry.
    employers: Mapping[str, Employer]
    opportunities: Mapping[str, Opportunity]
    today: date
    # Digest of each entry's file (by its source path) when the build knows them: rebuilds
    # compare them to render only pages whose entries changed. An EntryStore keeps its
    # entries' digests itself (compactly), so for a national register this holds none.
    digests: dict[str, bytes] = field(default_factory=dict, repr=False)
    _by_employer: dict[str, list[str]] = field(init=False, repr=False)  # employer id -> its opportunities' ids
    # entry_key by id, made once: each opportunity's is asked for by the open data, the
    # search index and about ten pages, lists and calendars (a national register's in a
    # KeyTable: a dict of 600,000 took about 70 MB).
    _keys: MutableMapping[str, bytes | None] = field(init=False, repr=False, default_factory=dict)  # opportunities'
    _employer_keys: MutableMapping[str, bytes | None] = field(init=False, repr=False, default_factory=dict)
    _content: str | None = field(init=False, repr=False, default="")  # content_digest, "" until made

    def __post_init__(self) -> None:
        if isinstance(self.employers, dict):  # an EntryStore is in id order already
            self.employers = dict(sorted(self.employers.items()))
        if isinstance(self.opportunities, dict):
            self.opportunities = dict(sorted(self.opportunities.items()))
        if type(self.opportunities) is EntryStore:
            self._keys = KeyTable(self.opportunities)
        if type(self.employers) is EntryStore:
            self._employer_keys = KeyTable(self.employers)
        by_employer: dict[str, list[str]] = {e: [] for e in self.employers}
        for o in self.opportunities.values():
            by_employer.setdefault(o.employer, []).append(o.id)
        self._by_employer = by_employer

    def digest(self, entry: Employer | Opportunity) -> bytes | None:
        entries = self.opportunities if type(entry) is Opportunity else self.employers
        if type(entries) is EntryStore:
            return entries.digest(entry.id)
        return self.digests.get(entry.source)

    @property
    def digested(self) -> bool:
        """Whether the build knows the digests of the entries' files (it has a cache folder)."""
        stores = [m for m in (self.employers, self.opportunities) if type(m) is EntryStore]
        return bool(self.digests) or any(s.digested for s in stores)

    def entry_key(self, entry: Employer | Opportunity) -> bytes | None:
        """What an entry's own share of the register-wide files (its data rows, its search
        record) is made from besides the code and settings: its file, and the context those
        show (an employer's opportunity count; an opportunity's status and dates still to come
        on the build date, Opportunity.as_of, rather than the date itself, and its employer's
        file, which gives its place, region, name and sector); so also what an opportunity's page,
        card and calendar show. None without digests."""
        keys = self._keys if type(entry) is Opportunity else self._employer_keys
        key = keys.get(entry.id, b"")  # b"": not made yet (a key is 16 bytes, or None)
        if key == b"":
            key = keys[entry.id] = self._entry_key(entry)
        return key

    def opportunity_keys(self) -> Mapping[str, bytes | None]:
        """Every opportunity's entry_key by its id."""
        if len(self._keys) < len(self.opportunities):
            for o in self.opportunities.values():
                self.entry_key(o)
        return self._keys

    def _entry_key(self, entry: Employer | Opportunity) -> bytes | None:
        own = self.digest(entry)
        if own is None:
            return None
        # Digests are all one length, so the parts cannot run into each other; bytes formatting
        # rather than repr(): 50,000 keys are made in each process of a build.
        if isinstance(entry, Employer):
            context = b"e%d" % self.count_of(entry.id)
        else:
            employer = self.employers.get(entry.employer)
            theirs = self.digest(employer) if employer is not None else None
            context = b"o%d " % entry.as_of(self.today) + (theirs or b"-")
        return hashlib.blake2b(own + context, digest_size=16).digest()

    def content_digest(self) -> str | None:
        """A digest of every entry's file (each one's digest, in path order); None without digests.
        Made once: the search index and the open data each ask (0.1 s at 50,000 files)."""
        if self._content == "":
            digest = hashlib.blake2b(digest_size=16)
            for source in sorted(self.digests):
                digest.update(source.encode() + b"\0" + self.digests[source])
            for entries in (self.employers, self.opportunities):
                if type(entries) is EntryStore and entries.digested:
                    entries.add_digests_to(digest)
            self._content = digest.hexdigest() if self.digested else None
        return self._content

    def opportunities_of(self, employer_id: str) -> list[Opportunity]:
        return list(map(self.opportunities.__getitem__, self._by_employer.get(employer_id, ())))

    def count_of(self, employer_id: str) -> int:
        """len(opportunities_of()), without making the entries."""
        return len(self._by_employer.get(employer_id, ()))

    def state(self, o: Opportunity) -> State:
        return o.state(self.today)

    def where_of(self, o: Opportunity) -> str | None:
        """Where an opportunity takes place, the one rule of the site, statistics and feeds: its
        region (region_of) in person or hybrid, "online" when online; None when not known."""
        return ONLINE if o.format == ONLINE else self.region_of(o)

    def place_of(self, o: Opportunity) -> Place | None:
        """Where an opportunity happens: its own location, else (unless it is online) its
        employer's first site; None when online or when its employer has no site yet."""
        if o.location is not None:
            return o.location
        employer = self.employers.get(o.employer)
        return employer.place if employer is not None and o.format != ONLINE else None

    def region_of(self, o: Opportunity) -> str | None:
        """The region of place_of: None for an online opportunity (open to teachers anywhere)."""
        place = self.place_of(o)
        return place.region if place else None
