"""Each entry's share of the data files: its rows in every table, already encoded as CSV
lines, JSON records and SQLite values, and its nested JSON record.

Encoding is most of the open-data stage's work, and an entry's share depends only on the
entry and a little context (Register.entry_key), so a rebuild encodes only the entries whose
key changed and copies the others' parts from the published files (splice.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any, NamedTuple

import orjson

from ..model import Employer, Opportunity, Register
from . import nested
from .csvfiles import csv_cell, csv_line
from .tables import TABLES, Entity, Table, entries

# orjson: the standard library's encoder, called once per row (about 530,000 at 10,000
# employers), was a fifth of the stage. Compact, UTF-8, text as it is written.
encode = orjson.dumps


class Encoded(NamedTuple):
    csv: str  # CSV lines, each ending in CRLF
    json: bytes  # JSON records joined by ",\n"
    values: list[tuple[Any, ...]]  # for SQLite: dates as ISO text


class Share(NamedTuple):
    tables: tuple[Encoded, ...]  # one per table of the entity, in TABLES order
    nested: bytes  # the entry's record in employers.json or opportunities.json


def tables_of(entity: Entity) -> tuple[Table, ...]:
    return tuple(t for t in TABLES if t.entity == entity)


def encode_rows(table: Table, rows: Iterable[tuple[Any, ...]]) -> Encoded:
    values = [tuple(v.isoformat() if type(v) is date else v for v in row) for row in rows]
    names = [c.name for c in table.columns]
    return Encoded(
        _csv_lines(values),
        b",\n".join(encode(dict(zip(names, row, strict=True))) for row in values),
        values,
    )


def _csv_lines(rows: list[tuple[Any, ...]]) -> str:
    return "".join(csv_line([csv_cell(v) for v in row]) for row in rows)


def make_share(register: Register, entity: Entity, entry: Employer | Opportunity) -> Share:
    record = nested.employer(entry) if isinstance(entry, Employer) else nested.opportunity(entry, register)
    return Share(
        tuple(encode_rows(t, t.entry_rows(register, entry)) for t in tables_of(entity)),
        encode(record),
    )


def shares(register: Register, entity: Entity) -> Iterator[Share]:
    """Each entry's share, in id order."""
    for entry in entries(register, entity):
        yield make_share(register, entity, entry)
