"""A rebuild keeps the search records in the cache: only changed entries' records are made, and
when every card keeps its number the published index is patched rather than written again.

Each case compares the rebuilt index with a clean build of the same content, query by query in
every order, so a patch that forgot or duplicated a record fails here."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from stemx.content import load_register
from stemx.pipeline import build
from stemx.search import records as search_records
from stemx.search.database import DAY_SHIFT, ORDERS, PATCH_SHARE
from tests.conftest import (
    TODAY,
    a_quiet_day,
    assert_same_site,
    cached,
    moved_on,
    opportunity_file,
    record_calls,
    set_fields,
)
from tests.search.helpers import Index, same_answers


@pytest.fixture
def opened() -> Iterator[Callable[[Path], Index]]:
    found: list[Index] = []

    def open_(site: Path) -> Index:
        found.append(Index.of(site))
        return found[-1]

    yield open_
    for index in found:
        index.close()


def test_a_changed_title_is_patched_into_the_published_index(
    sample_copy: Path, opened: Callable[[Path], Index], tmp_path: Path
) -> None:
    config = cached(sample_copy)
    set_fields(opportunity_file(sample_copy, 3), title="Quokkaline mentoring")  # a word no other record has
    build(config)
    first = Index.of(config.out_dir).folder.name
    set_fields(opportunity_file(sample_copy, 3), title="Zebracorn quantum workshop")
    build(config)
    build(replace(config, out_dir=tmp_path / "clean", cache_dir=None))
    rebuilt, clean = opened(config.out_dir), opened(tmp_path / "clean")
    # Patched, not written afresh: other bytes for the same records, so another name (a browser
    # holding pieces of one never mixes in pieces of the other).
    assert len({first, rebuilt.folder.name, clean.folder.name}) == 3
    assert [p.name for p in (config.out_dir / "search").iterdir() if p.name.startswith(".")] == []  # nothing cut left
    rebuilt.check()
    same_answers(rebuilt, clean, ("quokkaline", "zebracorn"))
    assert len(rebuilt.match("closes", "zebracorn")) == 1
    for order in ORDERS:  # the old version is taken out, not only the new one put in
        assert rebuilt.match(order, "quokkaline") == []


def test_a_rebuild_makes_only_the_changed_entries_records(sample_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = cached(sample_copy)
    build(config)
    made = record_calls(monkeypatch, "opportunity_record", search_records)
    set_fields(opportunity_file(sample_copy, 5), title="Another new title")
    build(config)
    assert [o.id for _, o, _ in made] == [opportunity_file(sample_copy, 5).stem]


def test_the_next_days_build_makes_only_the_records_the_day_changed(
    sample_copy: Path, opened: Callable[[Path], Index], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    day, moved = a_quiet_day(sample_copy)
    config = replace(cached(sample_copy), today=day - timedelta(days=1))
    build(config)
    made = record_calls(monkeypatch, "opportunity_record", search_records)
    build(replace(config, today=day))
    assert sorted(o.id for _, o, _ in made) == moved
    build(replace(config, today=day, out_dir=tmp_path / "clean", cache_dir=None))
    same_answers(opened(config.out_dir), opened(tmp_path / "clean"))


def test_an_opportunity_that_closes_overnight_is_patched_into_the_published_index(
    sample_copy: Path, opened: Callable[[Path], Index], tmp_path: Path
) -> None:
    """A status is not in the card numbers: the daily build patches the index rather than write
    it again (at 10,000 employers 15 s of a 25 s build when it was)."""
    register = load_register(sample_copy, TODAY)
    records = len(register.opportunities) + len(register.employers)
    for day in (TODAY + timedelta(days=n) for n in range(1, 200)):
        closing = [
            o.id for o in register.opportunities.values() if o.state(day - timedelta(days=1)) == "open" != o.state(day)
        ]
        if closing and len(moved_on(register.opportunities.values(), day)) * PATCH_SHARE <= records:
            break
    else:
        raise AssertionError("no day on which an opportunity closes and few others change")
    config = replace(cached(sample_copy), today=day - timedelta(days=1))
    build(config)
    build(replace(config, today=day))
    build(replace(config, today=day, out_dir=tmp_path / "clean", cache_dir=None))
    rebuilt, clean = opened(config.out_dir), opened(tmp_path / "clean")
    assert rebuilt.folder.name != clean.folder.name  # patched: other bytes for the same records
    rebuilt.check()
    same_answers(rebuilt, clean)
    shown = rebuilt.cards()
    closed = {shown[r % (1 << DAY_SHIFT)]["url"] for r in rebuilt.match("closes", "zzshow_closed")}
    assert all(any(url.endswith(f"/{id_}/") for url in closed) for id_ in closing)


def test_a_record_that_moves_in_the_card_order_gets_a_whole_new_index(
    sample_copy: Path, opened: Callable[[Path], Index], tmp_path: Path
) -> None:
    config = cached(sample_copy)
    build(config)
    set_fields(opportunity_file(sample_copy, 3), title="Zebracorn quantum workshop", closes="2026-12-01")
    build(config)
    build(replace(config, out_dir=tmp_path / "clean", cache_dir=None))
    rebuilt, clean = opened(config.out_dir), opened(tmp_path / "clean")
    assert rebuilt.folder.name == clean.folder.name  # written afresh: the same bytes as a clean build
    same_answers(rebuilt, clean)


def test_a_build_beside_another_stages_its_own_records(
    sample_copy: Path, opened: Callable[[Path], Index], tmp_path: Path
) -> None:
    """Two builds of one site at once (a build while `serve` rebuilds): one keeps the records;
    the other, finding them in use, makes its own and writes a whole index."""
    config = cached(sample_copy)
    build(config)
    (state,) = config.cache_dir.glob("search-*.sqlite")  # type: ignore[union-attr]
    holder = sqlite3.connect(state.with_name(f"lock-{state.name}"), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        set_fields(opportunity_file(sample_copy, 3), title="Zebracorn quantum workshop")
        build(config)
    finally:
        holder.close()
    build(replace(config, out_dir=tmp_path / "clean", cache_dir=None))
    rebuilt, clean = opened(config.out_dir), opened(tmp_path / "clean")
    assert rebuilt.folder.name == clean.folder.name


def test_a_damaged_records_file_in_the_cache_is_made_again(
    sample_copy: Path, opened: Callable[[Path], Index], tmp_path: Path
) -> None:
    config = cached(sample_copy)
    build(config)
    for state in config.cache_dir.glob("*-*.sqlite"):  # type: ignore[union-attr]
        if state.name.startswith(("search-", "data-layout-")):
            state.write_bytes(b"not a database" * 100)
    set_fields(opportunity_file(sample_copy, 3), title="Zebracorn quantum workshop")
    build(config)
    build(replace(config, out_dir=tmp_path / "clean", cache_dir=None))
    assert_same_site(config.out_dir, tmp_path / "clean")
