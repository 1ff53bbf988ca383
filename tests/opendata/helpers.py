"""Reading the open data back the way a researcher would."""

from __future__ import annotations

import csv
import sqlite3
import zipfile
from pathlib import Path

import yaml


def csv_rows(data: Path, table: str) -> list[dict[str, str]]:
    with (data / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def yaml_entries(folder: Path) -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.yaml"))}


def every_text(data: Path) -> str:
    """Everything a downloader gets, as text: every file, the SQLite rows, the workbook cells
    and the files inside the zip."""
    from openpyxl import load_workbook

    parts = []
    for path in sorted(data.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix == ".sqlite":
            db = sqlite3.connect(path)
            parts.append("\n".join(db.iterdump()))
            db.close()
        elif path.suffix == ".xlsx":
            book = load_workbook(path, read_only=True)
            parts += [str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row]
            book.close()
        elif path.suffix == ".zip":
            with zipfile.ZipFile(path) as z:
                parts += [z.read(name).decode("utf-8") for name in z.namelist()]
        else:
            parts.append(path.read_text(encoding="utf-8"))
    return "\n".join(parts)


# Words the full-text tables are asked for: each must give the same rows in two databases.
FULL_TEXT_QUERIES = ("engineer", "lab*", "visit", "zebracorn", "teachers NOT online")


def sqlite_content(path: Path) -> dict[str, object]:
    """What a SQLite file of the data holds, not how its pages are laid out: each table's rows
    (sorted), its schema, and what each full-text index finds. A patched file and a clean
    build's hold the same, in other bytes."""
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA integrity_check")
        content: dict[str, object] = {
            "schema": sorted(db.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE '%fts_%'"))
        }
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE '%fts%'"):
            content[table] = sorted(db.execute(f'SELECT * FROM "{table}"'), key=repr)
        for (fts,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%\\_fts' ESCAPE '\\'"
        ):
            # Raises if the index lost track of a row of its table (rank 1: checked against the table too).
            db.execute(f"INSERT INTO {fts} ({fts}, rank) VALUES ('integrity-check', 1)")
            base = fts.removesuffix("_fts")
            for query in FULL_TEXT_QUERIES:
                found = db.execute(  # rows, not rowids: a patched file numbers its new rows on
                    f"SELECT {base}.* FROM {fts} JOIN {base} ON {base}.rowid = {fts}.rowid WHERE {fts} MATCH ?",
                    (query,),
                )
                content[f"{fts} {query}"] = sorted(found, key=repr)
        return content
    finally:
        db.close()
