"""A rebuild keeps the search records in the cache: only changed entries' records are made, and
when every card keeps its number the published index is patched rather than written again.

Each case compares the rebuilt index with a clean build of the same content, query by query in
every order, so a patch that forgot or duplicated a record fails here."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from stemx import pipeline
from stemx.config import BuildConfig
from stemx.errors import BuildError
from stemx.pipeline import build
from stemx.schedule import Stage
from stemx.search import records as search_records
from stemx.search.database import ORDERS
from tests.conftest import ROOT, TODAY, assert_same_site
from tests.search.helpers import Index, same_answers


@pytest.fixture
def content(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "content", tmp_path / "content")  # 116 entries: one change is worth a patch
    return tmp_path / "content"


def _config(content: Path) -> BuildConfig:
    tmp = content.parent
    return BuildConfig(content_dir=content, out_dir=tmp / "site", today=TODAY, cache_dir=tmp / "cache")


def _edit(content: Path, n: int, **fields: Any) -> str:
    """Change the fields of the n-th opportunity file; returns its old title."""
    path = sorted((content / "opportunities").glob("*.yaml"))[n]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    title = str(data["title"])
    path.write_text(yaml.safe_dump(data | fields, allow_unicode=True), encoding="utf-8")
    return title


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
    content: Path, opened: Callable[[Path], Index], tmp_path: Path
) -> None:
    config = _config(content)
    _edit(content, 3, title="Quokkaline mentoring")  # a word no other record has
    build(config)
    first = Index.of(config.out_dir).folder.name
    _edit(content, 3, title="Zebracorn quantum workshop")
    build(config)
    build(replace(config, out_dir=tmp_path / "clean", cache_dir=None))
    rebuilt, clean = opened(config.out_dir), opened(tmp_path / "clean")
    # Patched, not written afresh: other bytes for the same records, so another name (a browser
    # holding pieces of one never mixes in pieces of the other).
    assert len({first, rebuilt.folder.name, clean.folder.name}) == 3
    rebuilt.check()
    same_answers(rebuilt, clean, ("quokkaline", "zebracorn"))
    assert len(rebuilt.match("closes", "zebracorn")) == 1
    for order in ORDERS:  # the old version is taken out, not only the new one put in
        assert rebuilt.match(order, "quokkaline") == []


def test_a_rebuild_makes_only_the_changed_entries_records(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _config(content)
    build(config)
    made: list[str] = []
    real = search_records.opportunity_record

    def counted(register: Any, o: Any, cfg: Any) -> Any:
        made.append(o.id)
        return real(register, o, cfg)

    monkeypatch.setattr(search_records, "opportunity_record", counted)
    _edit(content, 5, title="Another new title")
    build(config)
    assert made == [sorted((content / "opportunities").glob("*.yaml"))[5].stem]


def test_a_record_that_moves_in_the_card_order_gets_a_whole_new_index(
    content: Path, opened: Callable[[Path], Index], tmp_path: Path
) -> None:
    config = _config(content)
    build(config)
    _edit(content, 3, title="Zebracorn quantum workshop", closes="2026-12-01")
    build(config)
    build(replace(config, out_dir=tmp_path / "clean", cache_dir=None))
    rebuilt, clean = opened(config.out_dir), opened(tmp_path / "clean")
    assert rebuilt.folder.name == clean.folder.name  # written afresh: the same bytes as a clean build
    same_answers(rebuilt, clean)


def test_rows_of_an_index_that_was_never_published_are_not_patched_from(
    content: Path, opened: Callable[[Path], Index], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build that fails after the search stage has updated the kept rows leaves the published
    index as it was: the next build must not take the kept rows for that index's."""
    config = _config(content)
    build(config)
    _edit(content, 3, title="Zebracorn quantum workshop")
    real = pipeline.stages

    def broken(*_: Any) -> None:
        raise BuildError("a stage failed")

    monkeypatch.setattr(pipeline, "stages", lambda: [*real(), Stage("broken", broken, after=("sitemap",))])
    with pytest.raises(BuildError):
        build(config)
    monkeypatch.setattr(pipeline, "stages", real)
    _edit(content, 7, title="Unicornfish robotics day")
    build(config)
    build(replace(config, out_dir=tmp_path / "clean", cache_dir=None))
    same_answers(opened(config.out_dir), opened(tmp_path / "clean"), ("zebracorn", "unicornfish"))


def test_a_build_beside_another_stages_its_own_records(
    content: Path, opened: Callable[[Path], Index], tmp_path: Path
) -> None:
    """Two builds of one site at once (a build while `serve` rebuilds): one keeps the records;
    the other, finding them in use, makes its own and writes a whole index."""
    config = _config(content)
    build(config)
    (state,) = config.cache_dir.glob("search-*.sqlite")  # type: ignore[union-attr]
    holder = sqlite3.connect(state.with_name(f"lock-{state.name}"), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        _edit(content, 3, title="Zebracorn quantum workshop")
        build(config)
    finally:
        holder.close()
    build(replace(config, out_dir=tmp_path / "clean", cache_dir=None))
    rebuilt, clean = opened(config.out_dir), opened(tmp_path / "clean")
    assert rebuilt.folder.name == clean.folder.name


def test_a_damaged_records_file_in_the_cache_is_made_again(
    content: Path, opened: Callable[[Path], Index], tmp_path: Path
) -> None:
    config = _config(content)
    build(config)
    for state in config.cache_dir.glob("*-*.sqlite"):  # type: ignore[union-attr]
        if state.name.startswith(("search-", "data-layout-")):
            state.write_bytes(b"not a database" * 100)
    _edit(content, 3, title="Zebracorn quantum workshop")
    build(config)
    build(replace(config, out_dir=tmp_path / "clean", cache_dir=None))
    assert_same_site(config.out_dir, tmp_path / "clean")
