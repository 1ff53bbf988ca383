"""The data dictionary: every table and column with its type, meaning, allowed values
(with labels), whether it is always present, and an example.

Everything comes from the Table Schemas, and so from the JSON Schemas. An example is the
first value in the published data (so the examples of a table mostly describe one real
row), otherwise the schema's own example, otherwise the first allowed value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..model import Register
from .tables import TABLES, Column, Table
from .tableschema import allowed_values, example, table_schema

EXAMPLE_LENGTH = 80
SCAN_ROWS = 1000  # rows looked at for examples: enough for every column, bounded at any scale


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    type: str
    title: str
    description: str
    required: bool
    allowed: list[tuple[str, str]]
    example: str
    constraints: dict[str, Any]


@dataclass(frozen=True, slots=True)
class TableDoc:
    table: Table
    fields: list[Field]
    primary: list[str]
    foreign: list[dict[str, Any]]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    text = value.isoformat() if isinstance(value, date) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= EXAMPLE_LENGTH else text[: EXAMPLE_LENGTH - 1].rstrip() + "…"


def _examples(table: Table, register: Register) -> list[str]:
    found: list[Any] = [None] * len(table.columns)
    for n, row in enumerate(table.rows(register)):
        if n >= SCAN_ROWS or all(v is not None for v in found):
            break
        found = [f if f is not None else (v if v != "" else None) for f, v in zip(found, row, strict=True)]
    found = [f if f is not None else example(c) for f, c in zip(found, table.columns, strict=True)]
    return ["" if v is None else _text(v) for v in found]


def _field(column: Column, spec: dict[str, Any], sample: str) -> Field:
    constraints = spec.get("constraints", {})
    allowed = allowed_values(column)
    return Field(
        name=spec["name"],
        type=spec["type"],
        title=spec.get("title", ""),
        description=spec.get("description", ""),
        required=constraints.get("required", False),
        allowed=allowed,
        example=sample or (allowed[0][0] if allowed else ""),
        constraints={k: v for k, v in constraints.items() if k in ("minimum", "maximum")},
    )


def dictionary(register: Register) -> list[TableDoc]:
    docs = []
    for table in TABLES:
        schema = table_schema(table)
        samples = _examples(table, register)
        fields = [_field(c, s, x) for c, s, x in zip(table.columns, schema["fields"], samples, strict=True)]
        docs.append(TableDoc(table, fields, schema["primaryKey"], schema.get("foreignKeys", [])))
    return docs
