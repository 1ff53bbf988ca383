"""The open-data tables: one row per entry, list-valued fields as tidy link tables.

Each column is declared once: its name, the JSON Schema property it comes from (so its type,
description and allowed values are read from the schema) or its own for derived columns,
and how a row gets its value. Header and values are read from the same declaration, so
they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from ..model import Employer, Opportunity, Register
from ..schemas import VOCABULARIES, vocabularies
from . import nested

Entity = Literal["employer", "opportunity"]
Entry = Any  # an Employer for employer tables, an Opportunity for opportunity tables


class Part(NamedTuple):
    """What a row of a table of parts is about: the entry, one of its parts, and the part's
    place in the entry's list (1 for the first)."""

    entry: Entry
    item: Any
    position: int


# How a row gets a column's value: from the register and the entry (tables of entries) or
# the Part (tables of parts: an entry's sites, dates, subjects; a code list's terms).
Value = Callable[[Register, Any], Any]


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    # "employer:contact.email" = that property of that schema; None for a derived column.
    source: str | None = None
    type: str = "string"  # for derived columns: a Table Schema type
    description: str = ""
    vocabulary: str | None = None  # values constrained to a controlled list
    required: bool = False
    # For derived columns with a fixed set of values: (code, meaning) pairs.
    values: tuple[tuple[str, str], ...] = ()
    value: Value = field(kw_only=True)  # how a row gets it: required, so no column lacks one


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    # Whose rows these are: each entry of an entity; for code lists None (the rows are the terms).
    entity: Entity | None
    # None: a row per entry. Otherwise the parts of an entry that each give a row (for code
    # lists: called with None, giving the list's terms).
    parts: Callable[[Entry], Iterable[Any]] | None
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str, str], ...] = ()  # (column, table, column)
    # Indexes for SQLite beyond the primary key: the columns people join and filter on.
    indexes: tuple[str, ...] = field(default=())
    # Columns of a full-text index in SQLite, set up as Datasette expects (its ?_search=).
    searchable: tuple[str, ...] = field(default=())

    def entry_rows(self, register: Register, entry: Entry) -> Iterator[tuple[Any, ...]]:
        """The rows one entry gives: its own row, or a row per part."""
        values = [c.value for c in self.columns]
        if self.parts is None:
            yield tuple(v(register, entry) for v in values)
            return
        for position, item in enumerate(self.parts(entry), 1):
            part = Part(entry, item, position)
            yield tuple(v(register, part) for v in values)

    def rows(self, register: Register) -> Iterator[tuple[Any, ...]]:
        """Every row of the table: each entry's rows, entries in id order."""
        if self.entity is None:
            yield from self.entry_rows(register, None)
            return
        for entry in entries(register, self.entity):
            yield from self.entry_rows(register, entry)


def by_id(register: Register, entity: Entity) -> Mapping[str, Employer] | Mapping[str, Opportunity]:
    """The entity's entries by id, in id order."""
    return register.employers if entity == "employer" else register.opportunities


def entries(register: Register, entity: Entity) -> Iterable[Employer] | Iterable[Opportunity]:
    return by_id(register, entity).values()


def _published(field: str) -> Value:
    """A contact detail, only where the employer consented to publication."""
    return lambda r, e: getattr(e.contact, field) if e.contact.publish else None


def _of(name: str) -> Value:
    """An attribute of the entry."""
    return lambda r, e: getattr(e, name)


def _location(name: str) -> Value:
    """An attribute of an opportunity's own location (empty without one)."""
    return lambda r, o: getattr(o.location, name) if o.location else None


def _apply(name: str) -> Value:
    return lambda r, o: getattr(o.how_to_apply, name)


def _item(name: str) -> Value:
    """An attribute of the part a row is about (a site, a date, a term)."""
    return lambda r, p: getattr(p.item, name)


def _text(name: str) -> Value:
    return lambda r, e: str(getattr(e, name))  # Markdown kept as written


ENTRY_ID: Value = lambda r, p: p.entry.id  # noqa: E731
POSITION: Value = lambda r, p: p.position  # noqa: E731
ITEM: Value = lambda r, p: p.item  # noqa: E731


def _terms(vocabulary: str) -> Callable[[Entry], Iterable[Any]]:
    return lambda _: vocabularies().terms(vocabulary)


CODE_TABLES = {
    "region": "regions",
    "sector": "sectors",
    "subject": "subjects",
    "opportunity_type": "opportunity_types",
    "audience": "audiences",
    "format": "formats",
    "size": "sizes",
}
assert set(CODE_TABLES) <= set(VOCABULARIES)


def _fk(column: str, vocabulary: str) -> tuple[str, str, str]:
    return (column, CODE_TABLES[vocabulary], "code")


EMP, OPP = "employer:", "opportunity:"
STATES = (
    ("open", "Open: still taking applications"),
    ("closed", "Closed: the closing date has passed but it has not finished"),
    ("past", "Past: every date is over"),
    ("withdrawn", "Withdrawn: the employer has withdrawn it"),
)
RECORD_HASH = (
    "A fingerprint of the published entry (excluding status and counts, which follow from the date): "
    "it changes exactly when the entry changes, so releases can be compared row by row."
)
ID = Column("id", EMP + "id", required=True, value=_of("id"))


def _link_table(name: str, title: str, description: str, entity: Entity, field: str, vocabulary: str) -> Table:
    """A tidy link table: one row per entry and value of one of its list fields.

    The value column is named after its controlled list (region, subject, audience).
    """
    key, source, parent = (
        ("employer_id", EMP, "employers") if entity == "employer" else ("opportunity_id", OPP, "opportunities")
    )
    return Table(
        name,
        title,
        description,
        (
            Column(key, source + "id", required=True, value=ENTRY_ID),
            Column(vocabulary, source + field, vocabulary=vocabulary, required=True, value=ITEM),
        ),
        entity,
        lambda e: getattr(e, field),
        (key, vocabulary),
        ((key, parent, "id"), _fk(vocabulary, vocabulary)),
        (vocabulary,),
    )


TABLES: tuple[Table, ...] = (
    Table(
        "employers",
        "Employers",
        "One row per registered employer. Contact columns are empty unless the employer agreed to publish them.",
        (
            ID,
            Column("name", EMP + "name", required=True, value=_of("name")),
            Column("org_id", EMP + "org_id", value=_of("org_id")),
            Column("summary", EMP + "summary", required=True, value=_of("summary")),
            Column("description", EMP + "description", value=_text("description")),
            Column("website", EMP + "website", required=True, value=_of("website")),
            Column("sector", EMP + "sector", vocabulary="sector", required=True, value=_of("sector")),
            Column("size", EMP + "size", vocabulary="size", value=_of("size")),
            Column("contact_published", EMP + "contact.publish", required=True, value=lambda r, e: e.contact.publish),
            Column("contact_team", EMP + "contact.team", value=_published("team")),
            Column("contact_email", EMP + "contact.email", value=_published("email")),
            Column("contact_url", EMP + "contact.url", value=_published("url")),
            Column("contact_phone", EMP + "contact.phone", value=_published("phone")),
            Column(
                "opportunity_count",
                type="integer",
                required=True,
                description="How many opportunities the employer has listed, in any state.",
                value=lambda r, e: r.count_of(e.id),
            ),  # fmt: skip
            Column("first_published", EMP + "registered", required=True, value=_of("registered")),
            Column("last_updated", EMP + "reviewed", required=True, value=_of("reviewed")),
            Column(
                "record_hash",
                required=True,
                description=RECORD_HASH,
                value=lambda r, e: nested.record_hash(nested.employer(e)),
            ),
        ),
        "employer",
        None,
        ("id",),
        (_fk("sector", "sector"), _fk("size", "size")),
        ("sector",),
        ("name", "summary", "description"),
    ),
    Table(
        "employer_locations",
        "Employer locations",
        "The sites of each employer, in the order the employer lists them.",
        (
            Column("employer_id", EMP + "id", required=True, value=ENTRY_ID),
            Column(
                "position",
                type="integer",
                required=True,
                description="1 for the employer's first site, 2 for the second, and so on.",
                value=POSITION,
            ),
            Column("name", "common:place.name", required=True, value=_item("name")),
            Column("address", "common:place.address", value=_item("address")),
            Column("postcode", "common:place.postcode", required=True, value=_item("postcode")),
            Column(
                "district",
                description="The postcode's outward code (e.g. M15), for joining with postcode district data.",
                required=True,
                value=_item("district"),
            ),
            Column("region", "common:place.region", vocabulary="region", required=True, value=_item("region")),
        ),
        "employer",
        lambda e: e.locations,
        ("employer_id", "position"),
        (("employer_id", "employers", "id"), _fk("region", "region")),
        ("region",),
    ),
    _link_table(
        "employer_regions_served",
        "Regions each employer serves",
        "One row per employer and region whose teaching staff it can support.",
        "employer",
        "regions_served",
        "region",
    ),
    _link_table(
        "employer_subjects",
        "Subjects each employer supports",
        "One row per employer and subject.",
        "employer",
        "subjects",
        "subject",
    ),
    _link_table(
        "employer_offers",
        "Kinds of support each employer might offer",
        "One row per employer and kind of support it said it might offer, with or without opportunities listed.",
        "employer",
        "offers",
        "opportunity_type",
    ),
    Table(
        "opportunities",
        "Opportunities",
        "One row per opportunity, including closed, past and withdrawn ones (see status).",
        (
            Column("id", OPP + "id", required=True, value=_of("id")),
            Column("employer_id", OPP + "employer", required=True, value=_of("employer")),
            Column("title", OPP + "title", required=True, value=_of("title")),
            Column("summary", OPP + "summary", required=True, value=_of("summary")),
            Column("description", OPP + "description", required=True, value=_text("description")),
            Column("type", OPP + "type", vocabulary="opportunity_type", required=True, value=_of("type")),
            Column("format", OPP + "format", vocabulary="format", required=True, value=_of("format")),
            Column("location_name", "common:place.name", value=_location("name")),
            Column("location_address", "common:place.address", value=_location("address")),
            Column("location_postcode", "common:place.postcode", value=_location("postcode")),
            Column(
                "location_district",
                description="The location postcode's outward code (e.g. M15).",
                value=_location("district"),
            ),
            Column("location_region", "common:place.region", vocabulary="region", value=_location("region")),
            Column(
                "region",
                vocabulary="region",
                description="Where it takes place: the location's region, else the employer's first site; empty for online opportunities, which are open to teachers anywhere. The site's browse pages, search and statistics use the same rule, listing online ones under Online (anywhere).",
                value=lambda r, o: r.region_of(o),
            ),  # fmt: skip
            Column(
                "availability",
                OPP + "availability.kind",
                required=True,
                value=lambda r, o: "on-request" if o.on_request else "dates",
            ),
            Column("availability_notes", OPP + "availability.notes", value=_of("availability_notes")),
            Column(
                "first_date",
                type="date",
                description="The first date it runs; empty when on request.",
                value=_of("first_date"),
            ),
            Column(
                "last_date",
                type="date",
                description="The last date it runs; empty when on request.",
                value=_of("last_date"),
            ),
            Column("duration_hours", OPP + "duration_hours", required=True, value=_of("duration_hours")),
            Column("capacity", OPP + "capacity", value=_of("capacity")),
            Column("cost_gbp", OPP + "cost", required=True, value=_of("cost")),
            Column("closes", OPP + "closes", value=_of("closes")),
            Column(
                "apply_instructions", OPP + "how_to_apply.instructions", required=True, value=_apply("instructions")
            ),
            Column("apply_email", OPP + "how_to_apply.email", value=_apply("email")),
            Column("apply_url", OPP + "how_to_apply.url", value=_apply("url")),
            Column("accessibility", OPP + "accessibility", value=_of("accessibility")),
            Column(
                "status",
                required=True,
                description="Where the opportunity stands on the package's created date (the build date).",
                values=STATES,
                value=lambda r, o: r.state(o),
            ),
            Column("first_published", OPP + "published", required=True, value=_of("published")),
            Column("last_updated", OPP + "reviewed", required=True, value=_of("reviewed")),
            Column(
                "record_hash",
                required=True,
                description=RECORD_HASH,
                value=lambda r, o: nested.record_hash(nested.opportunity(o, r)),
            ),
        ),
        "opportunity",
        None,
        ("id",),
        (
            ("employer_id", "employers", "id"),
            _fk("type", "opportunity_type"),
            _fk("format", "format"),
            _fk("location_region", "region"),
            _fk("region", "region"),
        ),
        ("employer_id", "type", "region", "status"),
        ("title", "summary", "description"),
    ),
    Table(
        "opportunity_sessions",
        "Opportunity dates",
        "The fixed dates of each opportunity, earliest first; none for opportunities on request.",
        (
            Column("opportunity_id", OPP + "id", required=True, value=ENTRY_ID),
            Column(
                "position",
                type="integer",
                required=True,
                description="1 for the earliest date, 2 for the next, and so on.",
                value=POSITION,
            ),
            Column("start", OPP + "availability.dates.start", required=True, value=_item("start")),
            Column("end", OPP + "availability.dates.end", required=True, value=_item("end")),
            Column("start_time", OPP + "availability.dates.start_time", value=_item("start_time")),
            Column("end_time", OPP + "availability.dates.end_time", value=_item("end_time")),
        ),
        "opportunity",
        lambda o: o.sessions,
        ("opportunity_id", "position"),
        (("opportunity_id", "opportunities", "id"),),
        ("start",),
    ),
    _link_table(
        "opportunity_audiences",
        "Who each opportunity is for",
        "One row per opportunity and audience.",
        "opportunity",
        "audience",
        "audience",
    ),
    _link_table(
        "opportunity_subjects",
        "Subjects of each opportunity",
        "One row per opportunity and subject.",
        "opportunity",
        "subjects",
        "subject",
    ),
    Table(
        "opportunity_requirements",
        "What participants need",
        "One row per requirement, in the order the employer lists them.",
        (
            Column("opportunity_id", OPP + "id", required=True, value=ENTRY_ID),
            Column(
                "position", type="integer", required=True, description="Order in the employer's list.", value=POSITION
            ),
            Column("requirement", OPP + "requirements", required=True, value=ITEM),
        ),
        "opportunity",
        lambda o: o.requirements,
        ("opportunity_id", "position"),
        (("opportunity_id", "opportunities", "id"),),
    ),
    *(
        Table(
            name,
            f"Code list: {name.replace('_', ' ')}",
            f"The codes used in other tables for {name.replace('_', ' ')}, with their labels.",
            (
                Column("code", required=True, description="The code used in the other tables.", value=_item("code")),
                Column("label", required=True, description="The label shown on the website.", value=_item("label")),
            ),
            None,
            _terms(vocabulary),
            ("code",),
        )
        for vocabulary, name in CODE_TABLES.items()
    ),
)
