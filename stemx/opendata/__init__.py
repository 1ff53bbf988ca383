"""The open-data stage: the whole register under data/ as CSV with a Frictionless data
package, JSON (flat tables and nested entries), SQLite, XLSX, the JSON Schemas and, when a
previous release is given, the list of changes since it.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from ..cache import build_inputs, carry_over, mark
from ..config import BuildConfig
from ..model import Register
from ..schemas import SCHEMA_DIR, SCHEMA_FILES
from .bundle import write_bundle
from .changes import changes_resource, previous_version, write_changes
from .csvfiles import csv_writer
from .jsonfiles import RecordWriter, write_nested_json
from .package import LICENCE, NAME, TITLE, citation, table_resource, version, write_package
from .readme import write_readme
from .sqlite import Database
from .tables import TABLES
from .tableschema import table_schema
from .xlsx import write_xlsx

__all__ = ["LICENCE", "write_open_data", "version"]

SQLITE = "stem-exchange.sqlite"
XLSX = "stem-exchange.xlsx"


def write_open_data(register: Register, out: Path, config: BuildConfig) -> int:
    """Write out/data/, or carry it over from the published site when nothing it is made from
    has changed; returns the number of files."""
    inputs = _inputs(register, config)
    # The data pages (index.html) are written into data/ by their own stage: not carried over.
    if inputs and carry_over(config.out_dir / "data", out / "data", inputs, ignore=("index.html",)):
        return sum(1 for p in (out / "data").rglob("*") if p.is_file() and not p.name.startswith("."))
    files = _write_open_data(register, out, config)
    if inputs:
        mark(out / "data", inputs)
    return files


def _inputs(register: Register, config: BuildConfig) -> str | None:
    """A digest of every entry and setting the data files are made from; None without entry digests."""
    if not register.digests:
        return None
    digest = hashlib.blake2b(digest_size=16)
    previous = config.previous_data / "datapackage.json" if config.previous_data else None
    settings = (build_inputs(config.templates_dir, config.static_dir), config.base_url, config.site_origin)
    settings += (
        config.repository,
        config.today.isoformat(),
        previous.read_bytes() if previous and previous.is_file() else None,
    )
    digest.update(repr(settings).encode())
    for source in sorted(register.digests):
        digest.update(source.encode() + b"\0" + register.digests[source])
    return digest.hexdigest()


def _write_open_data(register: Register, out: Path, config: BuildConfig) -> int:
    data = out / "data"
    (data / "json").mkdir(parents=True, exist_ok=True)
    schemas = {t.name: table_schema(t) for t in TABLES}
    rows = _write_tables(register, data, {name: [f["type"] for f in s["fields"]] for name, s in schemas.items()})
    resources: list[dict[str, Any]] = [table_resource(t, schemas[t.name], rows[t.name]) for t in TABLES]

    other: list[dict[str, str]] = []
    for name in write_nested_json(register, data):
        other.append(
            _file(name, "json", "application/json", f"{name[:-5].capitalize()} in the nested form of their YAML files")
        )
    for table in TABLES:
        other.append(_file(f"json/{table.name}.json", "json", "application/json", f"{table.title} (JSON records)"))
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
    return len(resources) + len(other) + 2


def _write_tables(register: Register, data: Path, types: dict[str, list[str]]) -> dict[str, int]:
    """Every table as CSV, JSON records and SQLite in one pass over its rows: each row is
    made once and streamed to all three, so memory stays flat however large the register."""
    rows: dict[str, int] = {}
    db = Database(data / SQLITE, TABLES, types)
    try:
        for table in TABLES:
            with (
                (data / f"{table.name}.csv").open("w", encoding="utf-8", newline="") as c,
                (data / "json" / f"{table.name}.json").open("w", encoding="utf-8", newline="\n") as j,
            ):
                to_json = RecordWriter(j, table)
                counter = [0]
                db.insert(table, _tee(table.rows(register), (csv_writer(c, table), to_json), counter))
                to_json.close()
            rows[table.name] = counter[0]
    except BaseException:
        db.close()
        raise
    db.finish()
    return rows


def _tee(
    rows: Iterator[tuple[Any, ...]], writers: tuple[Callable[[tuple[Any, ...]], None], ...], counter: list[int]
) -> Iterator[tuple[Any, ...]]:
    """Pass rows on (to SQLite) after handing each to the file writers; dates become ISO text once."""
    for row in rows:
        plain = tuple(v.isoformat() if type(v) is date else v for v in row)
        for write in writers:
            write(plain)
        counter[0] += 1
        yield plain


_XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _file(path: str, fmt: str, mediatype: str, title: str) -> dict[str, str]:
    return {"path": path, "format": fmt, "mediatype": mediatype, "title": title}


# Re-exported for the pages.
PACKAGE_NAME = NAME
