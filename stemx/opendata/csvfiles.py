"""CSV files (UTF-8, RFC 4180), written one row at a time and safe to open in a spreadsheet.

A spreadsheet runs a cell as a formula when it starts with =, +, -, @, tab or carriage
return. Such text values are legitimate here (a phone number "+44 ...", a Markdown list
"- ..."), so they are not rejected at validation; instead, in the CSV files only, such a
cell gets a leading apostrophe, which spreadsheets show as text. So that the rule can be
undone exactly, a value that itself starts with an apostrophe gets one too: a program
removes one leading apostrophe from any text cell that has one. The JSON files, the SQLite
database and the XLSX workbook (typed string cells) keep every value exactly. The data
page states this rule.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from ..model import Register
from .tables import Table

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
DIALECT = {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "doubleQuote": True, "header": True}


_ESCAPED = frozenset((*FORMULA_TRIGGERS, "'"))


def csv_cell(value: Any) -> str:
    if type(value) is str:  # the common case first: this runs for every cell
        return "'" + value if value[:1] in _ESCAPED else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}" if value.is_integer() else repr(value)
    text = value.isoformat() if isinstance(value, date) else str(value)
    return "'" + text if text[:1] in _ESCAPED else text


def csv_writer(f: TextIO, table: Table) -> Callable[[tuple[Any, ...]], None]:
    """Write the header; returns a function that writes one row."""
    writer = csv.writer(f, lineterminator="\r\n")  # RFC 4180
    writer.writerow([c.name for c in table.columns])
    return lambda row: writer.writerow([csv_cell(v) for v in row])


def write_csv(table: Table, register: Register, path: Path) -> int:
    """Write one table on its own; returns the number of data rows."""
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        write = csv_writer(f, table)
        for row in table.rows(register):
            write(row)
            rows += 1
    return rows
