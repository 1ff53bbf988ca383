"""The open-data stage: the whole register under data/ as CSV with a Frictionless data
package, JSON (flat tables and nested entries), SQLite, XLSX, the JSON Schemas and, when a
previous release is given, the list of changes since it.
"""

from __future__ import annotations

import json
import shutil
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from ..config import BuildConfig
from ..model import Register
from ..output import Writer
from ..schemas import SCHEMA_DIR, SCHEMA_FILES
from .bundle import ZIP_NAME, write_bundle
from .changes import changes_resource, previous_version, write_changes
from .entryrows import Encoded, encode_rows, shares, tables_of
from .package import LICENCE, NAME, TITLE, citation, table_resource, version, write_package
from .readme import write_readme
from .sqlite import Database, datasette_metadata
from .tables import TABLES, Entity, Table
from .tableschema import table_schema
from .xlsx import write_xlsx

__all__ = ["LICENCE", "write_open_data", "version"]

SQLITE = "stem-exchange.sqlite"
XLSX = "stem-exchange.xlsx"
DATASETTE = "datasette-metadata.json"

# The entries as whole JSON documents, one file per kind.
_WHOLE: tuple[tuple[Entity, str], ...] = (("employer", "employers.json"), ("opportunity", "opportunities.json"))


@dataclass(frozen=True, slots=True)
class OpenData:
    """What the open-data stage made: rows per resource, and each file under data/ with its size."""

    rows: dict[str, int]
    downloads: tuple[tuple[str, int], ...]


def write_open_data(register: Register, out: Writer, config: BuildConfig) -> OpenData:
    """Write data/, or carry it over from the published site when no entry has changed (the
    settings, a previous release among them, are in every key)."""
    key = out.entries_key(register)
    if (carried := out.carry(key)) is not None:
        return carried
    made = _write_open_data(register, out.output.folder / "data", config)
    for name in made.files:
        out.wrote(f"data/{name}", key)
    result = OpenData(
        made.rows, tuple(sorted((name, (out.output.folder / "data" / name).stat().st_size) for name in made.files))
    )
    return out.remember(key, result)


@dataclass(frozen=True, slots=True)
class _Made:
    rows: dict[str, int]  # rows per resource
    files: list[str]  # below data/


def _write_open_data(register: Register, data: Path, config: BuildConfig) -> _Made:
    (data / "json").mkdir(parents=True, exist_ok=True)
    schemas = {t.name: table_schema(t) for t in TABLES}
    rows = _write_tables(
        register, data, {name: [f["type"] for f in s["fields"]] for name, s in schemas.items()}, config
    )
    resources: list[dict[str, Any]] = [table_resource(t, schemas[t.name], rows[t.name]) for t in TABLES]

    other: list[dict[str, str]] = []
    for name in ("employers.json", "opportunities.json"):  # written with the tables
        other.append(
            _file(name, "json", "application/json", f"{name[:-5].capitalize()} in the nested form of their YAML files")
        )
    for table in TABLES:
        other.append(_file(f"json/{table.name}.json", "json", "application/json", f"{table.title} (JSON records)"))
    other.append(_file(SQLITE, "sqlite", "application/vnd.sqlite3", "All tables in one SQLite database"))
    metadata = datasette_metadata(TABLES, TITLE, LICENCE)
    (data / DATASETTE).write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
    other.append(_file(DATASETTE, "json", "application/json", "Datasette settings: code columns shown with labels"))
    about = [
        ("Title", TITLE), ("Version", version(config)), ("Created", config.today.isoformat()),
        ("Licence", f"{LICENCE['title']}: {LICENCE['path']}"), ("Cite as", citation(config)),
        ("Documentation", config.absolute_url("data/")), ("Data dictionary", config.absolute_url("data/dictionary/")),
    ]  # fmt: skip
    if write_xlsx(register, data / XLSX, rows, about):
        other.append(_file(XLSX, "xlsx", _XLSX_TYPE, "All tables in one workbook, a sheet per table"))
    (data / "schemas").mkdir(exist_ok=True)
    for name in sorted(SCHEMA_FILES.values()):
        shutil.copyfile(SCHEMA_DIR / name, data / "schemas" / name)
        other.append(
            _file(f"schemas/{name}", "json", "application/schema+json", "JSON Schema every entry is checked against")
        )

    if config.previous_data is not None:
        resources.append(
            changes_resource(write_changes(data, config.previous_data), previous_version(config.previous_data))
        )

    write_readme(data / "README.md", config, resources)
    other.append(_file("README.md", "md", "text/markdown", "What the files are, licence, citation and notes"))
    # The zip holds the tabular package itself, so it cannot list itself: it is described
    # on the data page and in the metadata rather than in otherFiles.
    write_package(data / "datapackage.json", config, resources, other)
    members = ["datapackage.json", "README.md", *(r["path"] for r in resources)]
    members += [f["path"] for f in other if f["path"].startswith("schemas/")]
    write_bundle(data, members)
    files = [*(r["path"] for r in resources), *(f["path"] for f in other), "datapackage.json", ZIP_NAME]
    return _Made({r["name"]: r["rows"] for r in resources}, files)


def _write_tables(register: Register, data: Path, types: dict[str, list[str]], config: BuildConfig) -> dict[str, int]:
    """Every table as CSV, JSON records and SQLite, and the nested JSON, in one pass over the
    entries: each entry's share of every file is made (or taken from the cache) once and
    appended to all of them, so memory stays flat however large the register."""
    rows = dict.fromkeys((t.name for t in TABLES), 0)
    db = Database(data / SQLITE, TABLES, types)
    try:
        with ExitStack() as files:

            def open_(path: Path, header: str) -> TextIO:
                f = files.enter_context(path.open("w", encoding="utf-8", newline=""))
                f.write(header)
                return f

            csvs = {t.name: open_(data / f"{t.name}.csv", ",".join(c.name for c in t.columns) + "\r\n") for t in TABLES}
            jsons = {t.name: open_(data / "json" / f"{t.name}.json", "[") for t in TABLES}
            for table in TABLES:
                if table.entity is None:  # the code lists
                    _append(table, encode_rows(table, table.rows(register)), csvs, jsons, db, rows)
            for entity, name in _WHOLE:
                whole = open_(data / name, "[")
                tables = tables_of(entity)
                for n, share in enumerate(shares(register, entity, config.cache_dir, config.content_dir)):
                    for table, encoded in zip(tables, share.tables, strict=True):
                        _append(table, encoded, csvs, jsons, db, rows)
                    whole.write(("," if n else "") + "\n" + share.nested)
                whole.write("\n]\n")
            for f in jsons.values():
                f.write("\n]\n")
    except BaseException:
        db.close()
        raise
    db.finish()
    return rows


def _append(
    table: Table,
    encoded: Encoded,
    csvs: dict[str, TextIO],
    jsons: dict[str, TextIO],
    db: Database,
    rows: dict[str, int],
) -> None:
    if not encoded.values:
        return
    csvs[table.name].write(encoded.csv)
    jsons[table.name].write(("," if rows[table.name] else "") + "\n" + encoded.json)
    db.insert(table, encoded.values)
    rows[table.name] += len(encoded.values)


_XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _file(path: str, fmt: str, mediatype: str, title: str) -> dict[str, str]:
    return {"path": path, "format": fmt, "mediatype": mediatype, "title": title}


# Re-exported for the pages.
PACKAGE_NAME = NAME
