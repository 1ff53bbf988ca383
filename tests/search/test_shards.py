"""Search shards: a rebuild indexes only the shards whose records changed; a failed build stops indexing."""

import gzip
import shutil
import threading
from pathlib import Path

import pytest

import stemx.search
from stemx import pipeline
from stemx.config import BuildConfig
from stemx.errors import BuildError
from stemx.search.indexer import Indexer
from tests.conftest import ROOT, TODAY


def build(content: Path, out: Path) -> None:
    pipeline.build(BuildConfig(content_dir=content, out_dir=out, today=TODAY))


def shard_inodes(site: Path) -> dict[str, int]:
    return {p.name: (p / "pagefind-entry.json").stat().st_ino for p in sorted(site.glob("pagefind*"))}


def fragments_text(shard: Path) -> str:
    return "".join(gzip.decompress(p.read_bytes()).decode("utf-8") for p in (shard / "fragment").iterdir())


def test_a_rebuild_indexes_again_only_the_shard_that_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stemx.search, "SHARD_SIZE", 40)  # about 115 records: three shards
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    site = tmp_path / "site"
    build(content, site)
    first = shard_inodes(site)
    assert len(first) == 3

    build(content, site)  # nothing changed: every shard is carried over, none indexed
    assert shard_inodes(site) == first

    entry = content / "opportunities" / "don-cnc-internal-course.yaml"
    entry.write_text(entry.read_text(encoding="utf-8").replace("title: ", "title: Renamed ", 1), encoding="utf-8")
    build(content, site)
    after = shard_inodes(site)
    changed = [name for name in first if after[name] != first[name]]
    assert len(changed) == 1
    assert "Renamed " in fragments_text(site / changed[0])
    # Every shard holds what a clean build's does: the same records, the same result fragments
    # (Pagefind names its filter files in hash-map order, so those names differ from run to run).
    clean = tmp_path / "clean"
    build(content, clean)
    for name in first:
        assert (site / name / ".stemx-inputs").read_text() == (clean / name / ".stemx-inputs").read_text()
        assert sorted(p.name for p in (site / name / "fragment").iterdir()) == sorted(
            p.name for p in (clean / name / "fragment").iterdir()
        )


def test_a_failing_stage_stops_the_search_index_and_leaves_nothing_behind(
    tmp_path: Path, minimal_content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = []

    def broken(register, out, cfg):
        started.append(True)
        raise RuntimeError("stage failed")

    monkeypatch.setattr(pipeline, "stages", lambda: [("broken", broken), ("last", lambda *a: 0)])
    with pytest.raises(RuntimeError, match="stage failed"):
        build(minimal_content, tmp_path / "site")
    assert started and list(tmp_path.iterdir()) == []  # no site, no staging folder


def test_shards_indexed_side_by_side_match_shards_indexed_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stemx.search, "SHARD_SIZE", 40)
    sites = {}
    for indexers in (1, 2):
        monkeypatch.setattr(stemx.search, "INDEXERS", indexers)
        sites[indexers] = tmp_path / f"site-{indexers}"
        build(ROOT / "content", sites[indexers])
    names = sorted(p.name for p in sites[1].glob("pagefind*"))
    assert names == sorted(p.name for p in sites[2].glob("pagefind*")) and len(names) == 3
    for name in names:
        assert (sites[1] / name / ".stemx-inputs").read_text() == (sites[2] / name / ".stemx-inputs").read_text()
        assert fragments_text(sites[1] / name) == fragments_text(sites[2] / name)


def test_a_failing_shard_stops_the_others(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The failure reported is the shard's own, even when an earlier shard stopped because of it."""
    monkeypatch.setattr(stemx.search, "SHARD_SIZE", 40)
    monkeypatch.setattr(stemx.search, "INDEXERS", 2)
    added: list[str] = []
    first: list[int] = []  # the thread indexing the first shard
    real = Indexer.add

    def add(self, url, *args):
        added.append(url)
        first[:] = first or [threading.get_ident()]
        if threading.get_ident() != first[0] and len(added) > 12:
            raise BuildError("pagefind: simulated failure")
        return real(self, url, *args)

    monkeypatch.setattr(Indexer, "add", add)
    with pytest.raises(BuildError, match="simulated failure"):
        build(ROOT / "content", tmp_path / "site")
    assert len(added) < 60  # of about 115 records: the other shards stopped too
    assert list(tmp_path.iterdir()) == []  # no site, no staging folder
