"""One XLSX workbook for spreadsheet users: a sheet per table, after a sheet about the data.

Text is written as typed string cells, so no value is ever taken as a formula and nothing
needs escaping: the workbook holds every value exactly. Dates are real dates. xlsxwriter's
constant-memory mode writes each row as it comes.

The workbook is for a register small enough to use in a spreadsheet: it is not made when a
table has more rows than a sheet holds (1,048,576) or when it would have more than
MAX_CELLS cells, which bounds build time (xlsxwriter writes about 50,000 cells a second).
The data page says which, and points to the CSV and SQLite files instead.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import xlsxwriter

from ..model import Register
from .tables import TABLES

MAX_ROWS = 1_048_576 - 1  # one row for the header
MAX_CELLS = 2_000_000  # about 50,000 opportunities with their link tables


def fits(rows: dict[str, int]) -> bool:
    """Whether the tables (rows per table) make a workbook worth writing."""
    cells = sum(rows.get(t.name, 0) * len(t.columns) for t in TABLES)
    return max(rows.values(), default=0) <= MAX_ROWS and cells <= MAX_CELLS


def write_xlsx(register: Register, path: Path, rows: dict[str, int], about: list[tuple[str, str]]) -> bool:
    """Write the workbook; False (and no file) when the register is too large for one."""
    if not fits(rows):
        path.unlink(missing_ok=True)
        return False
    options = {
        "constant_memory": True,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
    }
    with xlsxwriter.Workbook(str(path), options) as book:
        # A fixed creation time (the build date) makes the file byte-identical between builds.
        created = datetime(register.today.year, register.today.month, register.today.day)
        book.set_properties({"title": about[0][1], "created": created, "comments": "Fictional sample data"})
        bold = book.add_format({"bold": True})
        day = book.add_format({"num_format": "yyyy-mm-dd"})

        sheet = book.add_worksheet("about")
        sheet.set_column(0, 0, 24)
        sheet.set_column(1, 1, 100)
        for i, (key, value) in enumerate(about):
            sheet.write_string(i, 0, key, bold)
            sheet.write_string(i, 1, value)

        for table in TABLES:
            sheet = book.add_worksheet(table.name)
            for c, column in enumerate(table.columns):
                sheet.write_string(0, c, column.name, bold)
            sheet.freeze_panes(1, 0)
            for r, row in enumerate(table.rows(register), 1):
                for c, value in enumerate(row):
                    if value is None:
                        continue
                    if isinstance(value, bool):
                        sheet.write_boolean(r, c, value)
                    elif isinstance(value, int | float):
                        sheet.write_number(r, c, value)
                    elif isinstance(value, date):
                        sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), day)
                    else:
                        sheet.write_string(r, c, str(value))
            sheet.autofilter(0, 0, rows[table.name], len(table.columns) - 1)
    return True
