"""datapackage.json: the Frictionless Data Package describing every file in data/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..config import BuildConfig
from .csvfiles import DIALECT
from .tables import Table

NAME = "stem-exchange-register"
TITLE = "STEM Exchange: industry opportunities for STEM teaching staff"
DESCRIPTION = (
    "Employers registered to support people who teach STEM, and the development opportunities they offer "
    "(site visits, work shadowing, CPD sessions, teacher placements, advice, talks, mentoring). "
    "Codes in the tables are explained in the code-list tables and the data dictionary. "
    "The entries published with this software are fictional sample data."
)
LICENCE = {
    "name": "OGL-UK-3.0",
    "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    "title": "Open Government Licence v3.0",
}
KEYWORDS = ["STEM", "education", "CPD", "teachers", "further education", "employers", "industry placements"]
PUBLISHER = "STEM Exchange"


def version(config: BuildConfig) -> str:
    """The version is the build date, YYYY.M.D: at most one release a day, and the same
    content built on the same day gives the same version and the same bytes."""
    return f"{config.today.year}.{config.today.month}.{config.today.day}"


def citation(config: BuildConfig) -> str:
    return (
        f"{PUBLISHER} ({config.today.year}). {TITLE}. Version {version(config)}. "
        f"{config.absolute_url('data/')}. {LICENCE['title']}."
    )


def table_resource(table: Table, schema: dict[str, Any], rows: int) -> dict[str, Any]:
    return {
        "name": table.name, "path": f"{table.name}.csv", "title": table.title, "description": table.description,
        "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        "dialect": DIALECT, "rows": rows, "schema": schema,
    }  # fmt: skip


def write_package(
    path: Path, config: BuildConfig, resources: list[dict[str, Any]], other_files: list[dict[str, str]]
) -> None:
    package = {
        "profile": "tabular-data-package",
        "name": NAME,
        "title": TITLE,
        "description": DESCRIPTION,
        "homepage": config.absolute_url("data/"),
        "version": version(config),
        # The build date, never the clock: the same content gives the same bytes.
        "created": f"{config.today.isoformat()}T00:00:00Z",
        "licenses": [LICENCE],
        "contributors": [{"title": PUBLISHER, "role": "publisher", "path": config.absolute_url()}],
        "keywords": KEYWORDS,
        "citation": citation(config),
        "resources": resources,
        # The same data in other formats, and the JSON Schemas the tables are generated from.
        # Not tabular resources, so listed here for people rather than for the validator.
        "otherFiles": other_files,
    }
    path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
