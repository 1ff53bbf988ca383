"""Pages about the data: /data/ (downloads, meaning, licence, versions), /data/dictionary/
and /stats/. They read the files the open-data stage wrote, so they run after it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..config import BuildConfig
from ..model import Register
from ..site.env import make_environment
from ..site.pages import Writer
from .csvfiles import FORMULA_TRIGGERS
from .dictionary import dictionary
from .metadata import dcat, schema_org
from .package import LICENCE, NAME, TITLE, citation, version
from .stats import charts
from .tables import STATES, TABLES
from .xlsx import MAX_CELLS, MAX_ROWS

TRIGGER_NAMES = {"\t": "tab", "\r": "carriage return"}


def write_data_pages(register: Register, out: Path, config: BuildConfig) -> int:
    env = make_environment(config)
    write = Writer(env, out, config)
    data_dir = out / "data"
    downloads = sorted(
        (p.relative_to(data_dir).as_posix(), p.stat().st_size)
        for p in data_dir.rglob("*")
        if p.is_file() and not p.name.startswith(".")  # not the build's marker of what the folder was made from
    )
    files = {name for name, _ in downloads}
    package = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    rows = {r["name"]: r["rows"] for r in package["resources"]}
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
    return len(write.written)
