"""CSV cells (UTF-8, RFC 4180) that are safe to open in a spreadsheet, and the records they make.

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

from datetime import date
from typing import Any

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


def csv_line(cells: list[str]) -> str:
    """One record as csv.writer writes it (RFC 4180: a cell quoted only when it holds a comma, a
    quote or a line break, its quotes doubled; CRLF at the end). The csv module copies a cell a
    character at a time, 31 us for a 2,300-character description, a whole opportunities row 30 us;
    `in` and `replace` scan in C (4 us the row). tests/opendata/test_entry_rows.py compares the two."""
    if len(cells) == 1 and not cells[0]:
        return '""\r\n'  # csv.writer's lone empty cell, quoted so that the line is not empty
    return ",".join(['"' + c.replace('"', '""') + '"' if _needs_quotes(c) else c for c in cells]) + "\r\n"


def _needs_quotes(cell: str) -> bool:
    return "," in cell or '"' in cell or "\n" in cell or "\r" in cell
