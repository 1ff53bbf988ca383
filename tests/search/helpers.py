"""A published search index read back as the browser reads it, to compare two builds' indexes by
their answers: a patched index holds other bytes than a clean build's for the same records."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from stemx.search.database import ORDERS, RANKED

# Every record, each filter kind, a prefix and words: the queries the search page makes.
QUERIES = (
    "zzshow_open OR zzshow_closed OR zzshow_employer",
    "zzshow_open",
    "zzshow_employer AND zzregion_north_west",
    "engineering",
    "lab*",
    "zzpa_m OR zzpc_online",
)
RANKED_QUERIES = ('{strong}: "engineering"', '{strong}: "visit"')  # the default order knows the column


class Index:
    """The index in `folder` (search/index-<digest>/): each order's pieces joined into a database."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.db: dict[str, sqlite3.Connection] = {}
        for order in ORDERS:
            pieces = folder / order
            self.db[order] = sqlite3.connect(":memory:")
            self.db[order].deserialize(
                b"".join((pieces / f"{n}.bin").read_bytes() for n in range(len(list(pieces.iterdir()))))
            )

    @classmethod
    def of(cls, site: Path) -> Index:
        (folder,) = site.glob("search/index-*")
        return cls(folder)

    def match(self, order: str, query: str) -> list[int]:
        table = f"by_{order}"
        sql = f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid"
        return [r for (r,) in self.db[order].execute(sql, (query,))]

    def cards(self) -> list[Any]:
        files = sorted((self.folder / "cards").iterdir(), key=lambda p: int(p.stem))
        return [card for f in files for card in json.loads(f.read_text(encoding="utf-8"))]

    def check(self) -> None:
        """FTS5's own check of each table: raises if the index is damaged."""
        for order, db in self.db.items():
            db.execute(f"INSERT INTO by_{order} (by_{order}) VALUES ('integrity-check')")

    def close(self) -> None:
        for db in self.db.values():
            db.close()


def same_answers(rebuilt: Index, clean: Index, queries: tuple[str, ...] = ()) -> None:
    """Every query gives the same records in the same order in both, and the cards are the same."""
    for order in ORDERS:
        for query in (*QUERIES, *queries):
            assert rebuilt.match(order, query) == clean.match(order, query), (order, query)
    for query in RANKED_QUERIES:
        assert rebuilt.match(RANKED, query) == clean.match(RANKED, query), query
    assert rebuilt.cards() == clean.cards()
