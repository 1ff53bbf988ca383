"""The open-data package under data/: CSV with a Frictionless data package, JSON, SQLite."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from ..config import BuildConfig
from ..model import Register
from ..schemas import SCHEMA_DIR, SCHEMA_FILES
from . import nested
from .tables import TABLES
from .tableschema import table_schema
from .writers import write_csv, write_sqlite

LICENCE = {
    "name": "OGL-UK-3.0",
    "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    "title": "Open Government Licence v3.0",
}
PACKAGE_NAME = "stem-exchange-register"


def version(config: BuildConfig) -> str:
    """The package version is its build date (YYYY.M.D): one release per day at most."""
    return f"{config.today.year}.{config.today.month}.{config.today.day}"


def write_open_data(register: Register, out: Path, config: BuildConfig) -> int:
    data = out / "data"
    data.mkdir(parents=True, exist_ok=True)
    resources: list[dict[str, Any]] = []
    types: dict[str, list[str]] = {}
    for table in TABLES:
        schema = table_schema(table)
        types[table.name] = [f["type"] for f in schema["fields"]]
        rows = write_csv(table, register, data / f"{table.name}.csv")
        resources.append({
            "name": table.name, "path": f"{table.name}.csv", "title": table.title, "description": table.description,
            "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "doubleQuote": True, "header": True},
            "rows": rows, "schema": schema,
        })  # fmt: skip

    files = ["employers.json", "opportunities.json", "stem-exchange.sqlite"]
    _write_json(data / "employers.json", (nested.employer(e) for e in register.employers.values()))
    _write_json(data / "opportunities.json", (nested.opportunity(o, register) for o in register.opportunities.values()))
    write_sqlite(register, data / "stem-exchange.sqlite", types)
    (data / "schemas").mkdir(exist_ok=True)
    for name in SCHEMA_FILES.values():
        shutil.copyfile(SCHEMA_DIR / name, data / "schemas" / name)
        files.append(f"schemas/{name}")

    if config.previous_data is not None:
        rows = write_changes(data, config.previous_data)
        resources.append(_changes_resource(rows))

    package = {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": "STEM Exchange: industry opportunities for STEM teaching staff",
        "description": (
            "Employers registered to support people who teach STEM, and the development opportunities they offer. "
            "Codes in the tables are explained in the code-list tables and the data dictionary."
        ),
        "homepage": config.absolute_url("data/"),
        "version": version(config),
        "created": f"{config.today.isoformat()}T00:00:00Z",
        "licenses": [LICENCE],
        "keywords": ["STEM", "education", "CPD", "teachers", "employers", "industry placements"],
        "resources": resources,
        # Not tabular, so listed for people rather than for the validator.
        "otherFiles": files,
    }
    (data / "datapackage.json").write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(TABLES) + len(files) + 1 + (config.previous_data is not None)


def _write_json(path: Path, records: Any) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write("[")
        for i, record in enumerate(records):
            f.write(("," if i else "") + "\n" + json.dumps(record, ensure_ascii=False))
        f.write("\n]\n")


def _row_hashes(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        skip = {header.index(c) for c in ("status", "opportunity_count") if c in header}  # derived, not edits
        return {
            row[0]: hashlib.sha256("\x1f".join(v for i, v in enumerate(row) if i not in skip).encode()).hexdigest()
            for row in reader
        }


def write_changes(data: Path, previous: Path) -> int:
    """changes.csv: every entry added, changed or removed since the previous package."""
    rows = 0
    with (data / "changes.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(["entity", "id", "change"])
        for entity, file in (("employer", "employers.csv"), ("opportunity", "opportunities.csv")):
            old, new = _row_hashes(previous / file), _row_hashes(data / file)
            for entry_id in sorted(old.keys() | new.keys()):
                change = (
                    "added"
                    if entry_id not in old
                    else "removed"
                    if entry_id not in new
                    else "changed"
                    if old[entry_id] != new[entry_id]
                    else None
                )
                if change:
                    writer.writerow([entity, entry_id, change])
                    rows += 1
    return rows


def _changes_resource(rows: int) -> dict[str, Any]:
    return {
        "name": "changes", "path": "changes.csv", "title": "Changes since the previous release",
        "description": "Entries added, changed or removed since the previous package. Status changes that only follow from the date are not listed.",
        "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "rows": rows,
        "schema": {"fields": [
            {"name": "entity", "type": "string", "constraints": {"required": True, "enum": ["employer", "opportunity"]}},
            {"name": "id", "type": "string", "constraints": {"required": True}},
            {"name": "change", "type": "string", "constraints": {"required": True, "enum": ["added", "changed", "removed"]}},
        ], "primaryKey": ["entity", "id"]},
    }  # fmt: skip
