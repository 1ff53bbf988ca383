"""The JSON Schemas in schemas/: the single source of truth for fields and controlled lists.

Validation, the site's labels, the open-data Table Schema, the forms and the data
dictionary all read the schemas through this module, so a field or a list value is
defined in exactly one place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
SCHEMA_FILES = {
    "common": "common.schema.json",
    "employer": "employer.schema.json",
    "opportunity": "opportunity.schema.json",
}
# Controlled lists, by the name of their definition in common.schema.json.
VOCABULARIES = ("region", "sector", "subject", "opportunity_type", "audience", "format", "size", "status")
# Where an opportunity takes place, one meaning everywhere (browse, search, statistics, feeds,
# calendars): a region for in-person and hybrid opportunities, "online" for online ones.
WHERE = "where"
ONLINE = "online"


@cache
def load_schema(name: str, schema_dir: Path = SCHEMA_DIR) -> dict[str, Any]:
    """One schema document, parsed (cached: the files never change during a run)."""
    return json.loads((schema_dir / SCHEMA_FILES[name]).read_text(encoding="utf-8"))


@dataclass(frozen=True, slots=True)
class Term:
    """One value of a controlled list: the stable code stored in YAML, and its label."""

    code: str
    label: str


class Vocabularies:
    """The controlled lists (regions, sectors, subjects, ...) with their labels, in schema order."""

    def __init__(self, common: dict[str, Any]) -> None:
        self._terms: dict[str, tuple[Term, ...]] = {}
        self._labels: dict[str, dict[str, str]] = {}
        for name in VOCABULARIES:
            terms = tuple(Term(o["const"], o["title"]) for o in common["$defs"][name]["oneOf"])
            self._terms[name] = terms
            self._labels[name] = {t.code: t.label for t in terms}
        online = Term(ONLINE, self._labels["format"][ONLINE] + " (anywhere)")
        self._terms[WHERE] = (*self._terms["region"], online)
        self._labels[WHERE] = {t.code: t.label for t in self._terms[WHERE]}

    def terms(self, vocabulary: str) -> tuple[Term, ...]:
        return self._terms[vocabulary]

    def codes(self, vocabulary: str) -> tuple[str, ...]:
        return tuple(t.code for t in self._terms[vocabulary])

    def label(self, vocabulary: str, code: str) -> str:
        return self._labels[vocabulary][code]


@cache
def vocabularies() -> Vocabularies:
    return Vocabularies(load_schema("common"))
