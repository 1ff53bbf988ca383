"""CSV cells (UTF-8, RFC 4180) that are safe to open in a spreadsheet.

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
