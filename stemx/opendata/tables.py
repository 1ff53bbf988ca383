"""The open-data tables: one row per entry, list-valued fields as tidy link tables.

Each column names the JSON Schema property it comes from (so its type, description and
allowed values are read from the schema), or declares its own for derived columns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from ..model import Employer, Opportunity, Register
from ..schemas import VOCABULARIES, vocabularies
from . import nested


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


Entity = Literal["employer", "opportunity"]
Entry = Any  # an Employer for employer tables, an Opportunity for opportunity tables
Rows = Callable[[Register, Entry], Iterable[tuple[Any, ...]]]


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    # The rows one entry gives (its own row, or its rows in a link table); for code lists,
    # entity is None and the rows are the list's terms.
    entity: Entity | None
    entry_rows: Rows
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str, str], ...] = ()  # (column, table, column)
    # Indexes for SQLite beyond the primary key: the columns people join and filter on.
    indexes: tuple[str, ...] = field(default=())
    # Columns of a full-text index in SQLite, set up as Datasette expects (its ?_search=).
    searchable: tuple[str, ...] = field(default=())

    def rows(self, register: Register) -> Iterator[tuple[Any, ...]]:
        """Every row of the table: each entry's rows, entries in id order."""
        if self.entity is None:
            yield from self.entry_rows(register, None)
            return
        for entry in entries(register, self.entity):
            yield from self.entry_rows(register, entry)


def entries(register: Register, entity: Entity) -> Iterable[Employer] | Iterable[Opportunity]:
    return register.employers.values() if entity == "employer" else register.opportunities.values()


def _published(e: Employer, value: str | None) -> str | None:
    """Contact details only where the employer consented to publication."""
    return value if e.contact.publish else None


def _employer_rows(r: Register, e: Employer) -> Iterator[tuple[Any, ...]]:
    c = e.contact
    yield (e.id, e.name, e.org_id, e.summary, str(e.description), e.website, e.sector, e.size, c.publish,
           _published(e, c.team), _published(e, c.email), _published(e, c.url), _published(e, c.phone),
           len(r.opportunities_of(e.id)), e.registered, e.reviewed,
           nested.record_hash(nested.employer(e)))  # fmt: skip


def _opportunity_rows(r: Register, o: Opportunity) -> Iterator[tuple[Any, ...]]:
    loc, h = o.location, o.how_to_apply
    yield (o.id, o.employer, o.title, o.summary, str(o.description), o.type, o.format,
           loc.name if loc else None, loc.address if loc else None, loc.postcode if loc else None,
           loc.district if loc else None, loc.region if loc else None, r.region_of(o),
           "on-request" if o.on_request else "dates", o.availability_notes, o.first_date, o.last_date,
           o.duration_hours, o.capacity, o.cost, o.closes, h.instructions, h.email, h.url,
           o.accessibility, r.state(o), o.published, o.reviewed,
           nested.record_hash(nested.opportunity(o, r)))  # fmt: skip


def _code_list(vocabulary: str) -> Rows:
    return lambda r, _: ((t.code, t.label) for t in vocabularies().terms(vocabulary))


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
ID = Column("id", EMP + "id", required=True)


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
            Column(key, source + "id", required=True),
            Column(vocabulary, source + field, vocabulary=vocabulary, required=True),
        ),
        entity,
        lambda r, e: ((e.id, x) for x in getattr(e, field)),
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
            Column("name", EMP + "name", required=True),
            Column("org_id", EMP + "org_id"),
            Column("summary", EMP + "summary", required=True),
            Column("description", EMP + "description"),
            Column("website", EMP + "website", required=True),
            Column("sector", EMP + "sector", vocabulary="sector", required=True),
            Column("size", EMP + "size", vocabulary="size"),
            Column("contact_published", EMP + "contact.publish", required=True),
            Column("contact_team", EMP + "contact.team"),
            Column("contact_email", EMP + "contact.email"),
            Column("contact_url", EMP + "contact.url"),
            Column("contact_phone", EMP + "contact.phone"),
            Column(
                "opportunity_count",
                type="integer",
                required=True,
                description="How many opportunities the employer has listed, in any state.",
            ),  # fmt: skip
            Column("first_published", EMP + "registered", required=True),
            Column("last_updated", EMP + "reviewed", required=True),
            Column("record_hash", required=True, description=RECORD_HASH),
        ),
        "employer",
        _employer_rows,
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
            Column("employer_id", EMP + "id", required=True),
            Column(
                "position",
                type="integer",
                required=True,
                description="1 for the employer's first site, 2 for the second, and so on.",
            ),
            Column("name", "common:place.name", required=True),
            Column("address", "common:place.address"),
            Column("postcode", "common:place.postcode", required=True),
            Column(
                "district",
                description="The postcode's outward code (e.g. M15), for joining with postcode district data.",
                required=True,
            ),
            Column("region", "common:place.region", vocabulary="region", required=True),
        ),
        "employer",
        lambda r, e: (
            (e.id, i, p.name, p.address, p.postcode, p.district, p.region) for i, p in enumerate(e.locations, 1)
        ),
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
            Column("id", OPP + "id", required=True),
            Column("employer_id", OPP + "employer", required=True),
            Column("title", OPP + "title", required=True),
            Column("summary", OPP + "summary", required=True),
            Column("description", OPP + "description", required=True),
            Column("type", OPP + "type", vocabulary="opportunity_type", required=True),
            Column("format", OPP + "format", vocabulary="format", required=True),
            Column("location_name", "common:place.name"),
            Column("location_address", "common:place.address"),
            Column("location_postcode", "common:place.postcode"),
            Column("location_district", description="The location postcode's outward code (e.g. M15)."),
            Column("location_region", "common:place.region", vocabulary="region"),
            Column(
                "region",
                vocabulary="region",
                description="Where it takes place: the location's region, else the employer's first site; empty for online opportunities, which are open to teachers anywhere. The site's browse pages, search and statistics use the same rule, listing online ones under Online (anywhere).",
            ),  # fmt: skip
            Column("availability", OPP + "availability.kind", required=True),
            Column("availability_notes", OPP + "availability.notes"),
            Column("first_date", type="date", description="The first date it runs; empty when on request."),
            Column("last_date", type="date", description="The last date it runs; empty when on request."),
            Column("duration_hours", OPP + "duration_hours", required=True),
            Column("capacity", OPP + "capacity"),
            Column("cost_gbp", OPP + "cost", required=True),
            Column("closes", OPP + "closes"),
            Column("apply_instructions", OPP + "how_to_apply.instructions", required=True),
            Column("apply_email", OPP + "how_to_apply.email"),
            Column("apply_url", OPP + "how_to_apply.url"),
            Column("accessibility", OPP + "accessibility"),
            Column(
                "status",
                required=True,
                description="Where the opportunity stands on the package's created date (the build date).",
                values=STATES,
            ),
            Column("first_published", OPP + "published", required=True),
            Column("last_updated", OPP + "reviewed", required=True),
            Column("record_hash", required=True, description=RECORD_HASH),
        ),
        "opportunity",
        _opportunity_rows,
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
            Column("opportunity_id", OPP + "id", required=True),
            Column(
                "position",
                type="integer",
                required=True,
                description="1 for the earliest date, 2 for the next, and so on.",
            ),
            Column("start", OPP + "availability.dates.start", required=True),
            Column("end", OPP + "availability.dates.end", required=True),
            Column("start_time", OPP + "availability.dates.start_time"),
            Column("end_time", OPP + "availability.dates.end_time"),
        ),
        "opportunity",
        lambda r, o: ((o.id, i, s.start, s.end, s.start_time, s.end_time) for i, s in enumerate(o.sessions, 1)),
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
            Column("opportunity_id", OPP + "id", required=True),
            Column("position", type="integer", required=True, description="Order in the employer's list."),
            Column("requirement", OPP + "requirements", required=True),
        ),
        "opportunity",
        lambda r, o: ((o.id, i, x) for i, x in enumerate(o.requirements, 1)),
        ("opportunity_id", "position"),
        (("opportunity_id", "opportunities", "id"),),
    ),
    *(
        Table(
            name,
            f"Code list: {name.replace('_', ' ')}",
            f"The codes used in other tables for {name.replace('_', ' ')}, with their labels.",
            (
                Column("code", required=True, description="The code used in the other tables."),
                Column("label", required=True, description="The label shown on the website."),
            ),
            None,
            _code_list(vocabulary),
            ("code",),
        )
        for vocabulary, name in CODE_TABLES.items()
    ),
)
