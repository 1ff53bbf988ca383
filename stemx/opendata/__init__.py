"""The open-data stage: the whole register under data/ as CSV with a Frictionless data
package, JSON (flat tables and nested entries), SQLite, XLSX, the JSON Schemas and, when a
previous release is given, the list of changes since it.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from ..config import BuildConfig
from ..model import Register
from ..schemas import SCHEMA_DIR, SCHEMA_FILES
from .changes import changes_resource, previous_version, write_changes
from .csvfiles import write_csv
from .jsonfiles import write_nested_json, write_table_json
from .package import LICENCE, NAME, TITLE, citation, table_resource, version, write_package
from .sqlite import write_sqlite
from .tables import TABLES
from .tableschema import table_schema
from .xlsx import write_xlsx

__all__ = ["LICENCE", "write_open_data", "version"]

SQLITE = "stem-exchange.sqlite"
XLSX = "stem-exchange.xlsx"


def write_open_data(register: Register, out: Path, config: BuildConfig) -> int:
    """Write out/data/; returns the number of files written."""
    data = out / "data"
    (data / "json").mkdir(parents=True, exist_ok=True)
    resources: list[dict[str, Any]] = []
    types: dict[str, list[str]] = {}
    rows: dict[str, int] = {}
    for table in TABLES:
        schema = table_schema(table)
        types[table.name] = [f["type"] for f in schema["fields"]]
        rows[table.name] = write_csv(table, register, data / f"{table.name}.csv")
        resources.append(table_resource(table, schema, rows[table.name]))

    other: list[dict[str, str]] = []
    for name in write_nested_json(register, data):
        other.append(_file(name, "json", "application/json", f"{name[:-5].capitalize()} in the nested form of their YAML files"))
    for table in TABLES:
        write_table_json(table, register, data / "json" / f"{table.name}.json")
        other.append(_file(f"json/{table.name}.json", "json", "application/json", f"{table.title} (JSON records)"))
    write_sqlite(register, data / SQLITE, types)
    other.append(_file(SQLITE, "sqlite", "application/vnd.sqlite3", "All tables in one SQLite database"))
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
        other.append(_file(f"schemas/{name}", "json", "application/schema+json", "JSON Schema every entry is checked against"))

    if config.previous_data is not None:
        resources.append(changes_resource(write_changes(data, config.previous_data), previous_version(config.previous_data)))

    write_package(data / "datapackage.json", config, resources, other)
    return len(resources) + len(other) + 1


_XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _file(path: str, fmt: str, mediatype: str, title: str) -> dict[str, str]:
    return {"path": path, "format": fmt, "mediatype": mediatype, "title": title}


# Re-exported for the pages.
PACKAGE_NAME = NAME
