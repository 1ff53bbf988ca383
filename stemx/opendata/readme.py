"""README.md for the data folder: what a person who downloaded the files needs offline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..config import BuildConfig
from .csvfiles import FORMULA_TRIGGERS
from .package import DESCRIPTION, LICENCE, TITLE, citation, version


def write_readme(path: Path, config: BuildConfig, resources: list[dict[str, Any]]) -> None:
    triggers = ", ".join({"\t": "tab", "\r": "carriage return"}.get(t, f"`{t}`") for t in FORMULA_TRIGGERS)
    tables = "\n".join(f"- `{r['path']}` ({r['rows']:,} rows): {r['description']}" for r in resources)
    text = f"""# {TITLE}

{DESCRIPTION}

- Version: {version(config)} (the build date, year.month.day); created {config.today.isoformat()}
- Licence: {LICENCE["title"]}, {LICENCE["path"]}
- Documentation: {config.absolute_url("data/")}
- Data dictionary: {config.absolute_url("data/dictionary/")}

## Cite as

{citation(config)}

## Tables

`datapackage.json` describes every table: column types, meanings, allowed values, keys and
foreign keys. Check the files with `frictionless validate datapackage.json`.

{tables}

## Notes

- Ids are stable. `first_published` and `last_updated` come from each entry. `status` is
  worked out on the created date; closed, past and withdrawn opportunities stay in the data.
- `record_hash` changes exactly when a published entry changes; `changes.csv`, when present,
  lists entries added, changed or removed since the previous release.
- Spreadsheet safety: a CSV text cell that starts with {triggers} or an apostrophe is written
  with one extra leading apostrophe. Remove one leading apostrophe from any text cell that
  has one to get the exact value (the JSON, SQLite and XLSX files hold exact values).
- Contact details appear only where the employer agreed to publish them.
- The SQLite file has full-text indexes on employers and opportunities (`employers_fts`,
  `opportunities_fts`). To explore it in Datasette, with code columns shown by their labels
  and a search box: `datasette stem-exchange.sqlite -m datasette-metadata.json`.
"""
    path.write_text(text, encoding="utf-8", newline="\n")
