"""The open-data SQLite file in Datasette itself: its search box and code labels work."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from datasette.app import Datasette

from stemx.opendata import DATASETTE, SQLITE


def ask(data: Path, path: str) -> Any:
    """A JSON answer from Datasette serving the built file with the shipped metadata."""
    metadata = json.loads((data / DATASETTE).read_text(encoding="utf-8"))

    async def get() -> Any:
        ds = Datasette([str(data / SQLITE)], metadata=metadata)
        response = await ds.client.get(path)
        assert response.status_code == 200, response.text
        return response.json()

    # In a thread of its own: the browser tests' Playwright keeps an event loop in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, get()).result()


def test_search_finds_opportunities_by_their_text(built_site: Path) -> None:
    rows = ask(built_site / "data", "/stem-exchange/opportunities.json?_search=robot&_shape=array")
    assert rows and len(rows) < 84  # some, not every row: the search is not ignored
    assert all("robot" in (r["title"] + r["summary"] + r["description"]).lower() for r in rows)


def test_search_works_on_employers_too(built_site: Path) -> None:
    rows = ask(built_site / "data", "/stem-exchange/employers.json?_search=satellite&_shape=array")
    assert "Clyde Satellite Works" in [r["name"] for r in rows]


def test_code_columns_show_their_labels(built_site: Path) -> None:
    rows = ask(
        built_site / "data", "/stem-exchange/opportunities.json?id=ribble-composite-repair-cpd&_labels=on&_shape=array"
    )
    assert rows[0]["type"] == {"value": "cpd-session", "label": "CPD session"}
    assert rows[0]["format"] == {"value": "online", "label": "Online"}


def test_full_text_tables_stay_out_of_the_way(built_site: Path) -> None:
    tables = ask(built_site / "data", "/stem-exchange.json")["tables"]
    fts = [t for t in tables if t["name"].startswith("opportunities_fts")]
    assert fts and all(t["hidden"] for t in fts)
    opportunities = next(t for t in tables if t["name"] == "opportunities")
    assert opportunities["fts_table"] == "opportunities_fts"
