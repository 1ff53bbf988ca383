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
