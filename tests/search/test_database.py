"""The search database, opened with Python's sqlite3: what the browser's queries rely on."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from stemx.config import BuildConfig
from stemx.content import load_register
from stemx.model import Register
from stemx.search import PIECE, _cut, database
from stemx.search.database import CARDS_PER_FILE, DAY_SHIFT, GROUP_SHIFT, ORDERS, Staging, build_database
from stemx.search.records import GROUPS, NO_DAY, Keyed, Record, records
from tests.conftest import ROOT, TODAY


@pytest.fixture(scope="module")
def register() -> Register:
    return load_register(ROOT / "content", TODAY)


@pytest.fixture(scope="module")
def built(register: Register, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("search")
    build_database(records(register, BuildConfig(today=TODAY)), folder, folder / "cards")
    return folder


class Orders:
    """The database of each sort order, opened as the browser opens them (read-only, immutable)."""

    def __init__(self, folder: Path) -> None:
        self.connections = {
            name: sqlite3.connect(f"file:{folder / name}.sqlite?immutable=1", uri=True) for name in ORDERS
        }

    def match(self, order: str, expression: str) -> list[int]:
        table = f"by_{order}"
        sql = f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid"
        return [r for (r,) in self.connections[order].execute(sql, (expression,))]


@pytest.fixture(scope="module")
def db(built: Path) -> Iterator[Orders]:
    orders = Orders(built)
    yield orders
    for connection in orders.connections.values():
        connection.close()


def cards(built: Path) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for n in range(len(list((built / "cards").iterdir()))):
        chunk = json.loads((built / "cards" / f"{n}.json").read_text(encoding="utf-8"))
        assert len(chunk) <= CARDS_PER_FILE
        found += chunk
    return found


def test_every_record_is_in_every_order_and_has_a_card(db: Orders, built: Path, register: Register) -> None:
    total = len(register.opportunities) + len(register.employers)
    assert len(cards(built)) == total
    for name in ORDERS:
        rows = db.match(name, "zzshow_open OR zzshow_closed OR zzshow_employer")
        assert sorted(r % (1 << DAY_SHIFT) for r in rows) == list(range(total)), name


def test_cards_are_numbered_in_closing_date_order_whatever_their_group(db: Orders, built: Path) -> None:
    """The group is left out of the card numbers, so that an opportunity closing keeps its number
    (and the daily build patches the index): within a group the rowid order is still the card
    order, and the open ones with a closing date still have numbers next to each other."""
    shown = cards(built)
    rows = db.match("closes", "zzshow_open OR zzshow_closed OR zzshow_employer")
    numbers = [r % (1 << DAY_SHIFT) for r in rows]
    day = {n: (r >> DAY_SHIFT) & ((1 << 20) - 1) for n, r in zip(numbers, rows, strict=True)}
    assert sorted(numbers) == list(range(len(shown)))
    by_number = [(day[n], shown[n]["url"]) for n in range(len(shown))]
    assert by_number == sorted(by_number)  # closing day, then address
    groups = [r >> GROUP_SHIFT for r in rows]
    assert groups == sorted(groups) and groups[0] == GROUPS["open"] and len(set(groups)) == 3
    for group in set(groups):
        within = [n for n, g in zip(numbers, groups, strict=True) if g == group]
        assert within == sorted(within)  # ties within a day broken by address, as in a clean build
    opened = [shown[r % (1 << DAY_SHIFT)] for r in db.match("closes", "zzshow_open")]
    assert {c["state"] for c in opened} == {"open"}
    assert len(opened) == sum(1 for g in groups if g == GROUPS["open"])  # "show open" is a prefix
    dated = [n for n, g in zip(numbers, groups, strict=True) if g == GROUPS["open"] and day[n] < NO_DAY]
    others = [n for n in range(dated[0], dated[-1] + 1) if n not in dated]
    assert {shown[n]["state"] for n in others} <= {"withdrawn"}  # a withdrawn one may close later


def test_each_order_is_its_rowid_order(db: Orders) -> None:
    def days(table: str) -> list[tuple[int, int]]:
        rows = db.match(table, "zzshow_open")
        return [(r >> GROUP_SHIFT, (r >> DAY_SHIFT) & ((1 << 20) - 1)) for r in rows]

    by_date = days("date")
    assert by_date == sorted(by_date) and by_date[0][1] < NO_DAY
    newest = days("newest")  # stored as NO_DAY - published: newest first
    assert newest == sorted(newest)
    assert [NO_DAY - d for _, d in newest] == sorted((NO_DAY - d for _, d in newest), reverse=True)


def test_best_match_knows_which_column_matched(db: Orders, built: Path) -> None:
    shown = cards(built)
    in_title = {shown[r % (1 << DAY_SHIFT)]["title"] for r in db.match("closes", '{strong}: ("turbine")')}
    anywhere = {shown[r % (1 << DAY_SHIFT)]["title"] for r in db.match("closes", '"turbine"')}
    assert all("turbine" in t.lower() for t in in_title) and in_title
    assert in_title < anywhere  # others mention turbines only in their text


def test_keywords_never_match_filter_tokens(db: Orders) -> None:
    assert db.match("date", '"show"*') == db.match("date", '"show"')  # zzshow_... is not "show..."
    assert db.match("closes", '"zzshow"*')  # the tokens are there, under their own prefix


def test_each_database_is_cut_into_pieces_that_join_up_again(built: Path, tmp_path: Path) -> None:
    for order in ORDERS:
        _cut(built / f"{order}.sqlite", tmp_path / order)
        pieces = sorted(tmp_path.joinpath(order).iterdir(), key=lambda p: int(p.stem))
        assert all(p.stat().st_size == PIECE for p in pieces[:-1]) and 0 < pieces[-1].stat().st_size <= PIECE
        assert b"".join(p.read_bytes() for p in pieces) == (built / f"{order}.sqlite").read_bytes()


def test_pieces_the_same_as_the_published_ones_are_links_to_them(built: Path, tmp_path: Path) -> None:
    database = built / "date.sqlite"
    _cut(database, tmp_path / "old")
    changed = bytearray(database.read_bytes())
    changed[PIECE + 7] ^= 0xFF  # a patch that changed the second piece only
    (tmp_path / "new.sqlite").write_bytes(changed)
    _cut(tmp_path / "new.sqlite", tmp_path / "new", tmp_path / "old")
    old, new = (sorted((tmp_path / d).iterdir(), key=lambda p: int(p.stem)) for d in ("old", "new"))
    assert len(new) == len(old) > 2
    assert [n.stat().st_ino == o.stat().st_ino for o, n in zip(old, new, strict=True)] == [
        n != 1 for n in range(len(old))
    ]
    assert b"".join(p.read_bytes() for p in new) == bytes(changed)


def test_the_same_records_give_the_same_bytes(register: Register, built: Path, tmp_path: Path) -> None:
    build_database(records(register, BuildConfig(today=TODAY)), tmp_path, tmp_path / "cards")
    for order in ORDERS:
        assert (tmp_path / f"{order}.sqlite").read_bytes() == (built / f"{order}.sqlite").read_bytes()
    assert cards(tmp_path) == cards(built)


def test_staging_compares_entries_with_the_kept_rows_across_chunk_boundaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entries and kept rows are read side by side a few at a time: entries that went (first,
    last, at a chunk's end), came (between rows, past the last one) or changed must leave the
    rows a fresh staging of the same entries has, having made only the new and changed records."""
    monkeypatch.setattr(database, "CHUNK", 3)
    made: list[str] = []

    def entry(n: int, version: int = 0) -> Keyed:
        def make() -> Record:
            made.append(f"{n:03d}")
            card = {"url": f"/x/{n}/", "title": f"Entry {n} v{version}"}
            return Record(f"entry {n} v{version}", "", "", 0, 100 + n, NO_DAY, 1, card)

        return Keyed(f"{n:03d}", bytes([n, version]), make)

    def rows(staging: Staging) -> list[tuple[object, ...]]:
        return staging.db.execute("SELECT source, key, strong, json, card FROM staged ORDER BY source").fetchall()

    state = tmp_path / "state.sqlite"
    with Staging(state) as first:
        first.add(entry(n) for n in range(0, 20, 2))  # 0, 2, ..., 18
    made.clear()
    # 0 went (first), 6 went (a chunk's end), 18 went (last); 1, 7 and 25 came; 10 changed
    now = [entry(n, 1 if n == 10 else 0) for n in (1, 2, 4, 7, 8, 10, 12, 14, 16, 25)]
    with Staging(state) as again:
        again.add(now)
        assert sorted(made) == ["001", "007", "010", "025"]
        assert again.renumbered and again.replaced == 1 and again.count == len(now)
        with Staging() as fresh:
            fresh.add(now)
            assert rows(again) == rows(fresh)
    with Staging(state) as unordered, pytest.raises(ValueError, match="source order"):
        unordered.add([entry(4), entry(2)])
