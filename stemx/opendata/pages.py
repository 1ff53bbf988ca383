"""Pages about the data: /data/ (downloads, meaning, licence, versions), /data/dictionary/
and /stats/. They list what the open-data stage made (its result), so they run after it."""

from __future__ import annotations

from typing import Any

from ..config import BuildConfig
from ..model import Register
from ..output import Writer
from . import OpenData
from .csvfiles import FORMULA_TRIGGERS
from .dictionary import dictionary
from .metadata import dcat, schema_org
from .package import LICENCE, NAME, TITLE, citation, version
from .stats import charts
from .tables import STATES, TABLES
from .xlsx import MAX_CELLS, MAX_ROWS

TRIGGER_NAMES = {"\t": "tab", "\r": "carriage return"}


def write_data_pages(register: Register, write: Writer, config: BuildConfig, data: OpenData) -> None:
    downloads, rows = list(data.downloads), data.rows
    files = {name for name, _ in downloads}
    common: dict[str, Any] = {
        "register": register,
        "package_version": version(config),
        "package_name": NAME,
        "package_title": TITLE,
        "licence": LICENCE,
        "citation": citation(config),
    }
    write.page(
        "data/",
        "data.html",
        downloads=downloads,
        rows=rows,
        tables=TABLES,
        states=STATES,
        has_changes="changes.csv" in files,
        has_xlsx="stem-exchange.xlsx" in files,
        xlsx_rows=MAX_ROWS,
        xlsx_cells=MAX_CELLS,
        metadata=[schema_org(config, files), dcat(config, files)],
        triggers=[TRIGGER_NAMES.get(t, t) for t in FORMULA_TRIGGERS],
        **common,
    )
    write.page("data/dictionary/", "dictionary.html", tables=dictionary(register), **common)
    write.page("stats/", "stats.html", charts=charts(register), **common)
