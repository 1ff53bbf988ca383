"""A rebuild splices the data files: unchanged entries' parts are copied from the published files,
changed ones encoded, and the SQLite file patched. Whatever the path, the files equal a clean
build's (the SQLite file by what it holds)."""

from __future__ import annotations

import errno
import os
import random
import shutil
import threading
import time
from dataclasses import replace
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from stemx import opendata
from stemx.opendata import entryrows, splice
from stemx.opendata.splice import DataFile
from stemx.opendata.sqlite import Database, copy_ahead
from stemx.opendata.tables import TABLES
from stemx.opendata.tableschema import table_schema
from stemx.pipeline import build
from tests.conftest import a_quiet_day, cached, opportunity_file, record_calls, set_fields
from tests.opendata.helpers import sqlite_content

SQLITE = "data/stem-exchange.sqlite"


def _same_data(site: Path, clean: Path) -> None:
    """Every data file byte for byte but the SQLite file, which holds the same."""
    ours = {p.relative_to(site).as_posix(): p for p in (site / "data").rglob("*") if p.is_file()}
    theirs = {p.relative_to(clean).as_posix(): p for p in (clean / "data").rglob("*") if p.is_file()}
    assert ours.keys() == theirs.keys()
    assert [k for k in ours if k != SQLITE and ours[k].read_bytes() != theirs[k].read_bytes()] == []
    assert sqlite_content(ours[SQLITE]) == sqlite_content(theirs[SQLITE])


@pytest.mark.parametrize("chunk", [splice.CHUNK, 3])
def test_changed_removed_and_new_entries_are_spliced_into_the_published_files(
    sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """Also with the layout read three entries at a time: runs and changed entries across chunks."""
    monkeypatch.setattr(splice, "CHUNK", chunk)
    config = cached(sample_copy)
    build(config)
    made = record_calls(monkeypatch, "make_share", entryrows, opendata)
    set_fields(opportunity_file(sample_copy, 3), title="Zebracorn quantum workshop")
    new = sample_copy / "opportunities" / "zz-new-visit.yaml"
    shutil.copy(opportunity_file(sample_copy, 20), new)
    set_fields(new, id=new.stem)
    opportunity_file(sample_copy, 0).unlink()  # the first: the file's first part goes, and its separator
    build(config)
    assert 3 <= len(made) < 10  # the changed entries (and employers whose count changed), not all 116
    build(replace(config, out_dir=tmp_path / "clean", cache_dir=None))
    _same_data(config.out_dir, tmp_path / "clean")
    assert (config.out_dir / SQLITE).read_bytes() != (tmp_path / "clean" / SQLITE).read_bytes()  # patched


def test_a_published_file_changed_since_its_build_is_not_spliced_from(sample_copy: Path, tmp_path: Path) -> None:
    config = cached(sample_copy)
    build(config)
    csv = config.out_dir / "data" / "opportunities.csv"
    csv.write_bytes(csv.read_bytes()[:-10])  # cut short (by hand, or a copy that failed)
    set_fields(opportunity_file(sample_copy, 3), title="Zebracorn quantum workshop")
    build(config)
    build(replace(config, out_dir=tmp_path / "clean", cache_dir=None))
    _same_data(config.out_dir, tmp_path / "clean")


def test_a_build_that_changes_most_entries_writes_the_files_afresh(sample_copy: Path, tmp_path: Path) -> None:
    config = cached(sample_copy)
    build(config)
    for path in sorted((sample_copy / "opportunities").glob("*.yaml"))[::2]:
        set_fields(path, summary="A new summary for every other opportunity, to see the files written afresh.")
    build(config)
    build(replace(config, out_dir=tmp_path / "clean", cache_dir=None))
    assert (config.out_dir / SQLITE).read_bytes() == (tmp_path / "clean" / SQLITE).read_bytes()
    _same_data(config.out_dir, tmp_path / "clean")


def test_the_next_days_build_splices_and_encodes_only_the_entries_the_day_changed(
    sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build date reaches an entry's rows only through its status (Opportunity.as_of), so a
    daily build keeps most entries' parts."""
    day, moved = a_quiet_day(sample_copy)
    config = replace(cached(sample_copy), today=day - timedelta(days=1))
    build(config)
    made = record_calls(monkeypatch, "make_share", entryrows, opendata)
    build(replace(config, today=day))
    assert sorted(entry.id for _, _, entry in made) == moved
    build(replace(config, today=day, out_dir=tmp_path / "clean", cache_dir=None))
    _same_data(config.out_dir, tmp_path / "clean")


def _copy_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a system without copy_file_range (or a file system that refuses it)."""

    def refuse(*args: object) -> int:
        raise OSError(errno.EXDEV, "not here")

    monkeypatch.setattr(os, "copy_file_range", refuse)


def _named(spliced: DataFile, run: list[int]) -> DataFile:
    """The file, once the kept parts not yet named (`run`: bytes, non-empty parts) are, at once."""
    spliced.keep_run(*run)
    run[:] = [0, 0]
    return spliced


@pytest.mark.parametrize("copy", ["kernel", "read and write"])
@pytest.mark.parametrize("sep", [b"", b","])
@pytest.mark.parametrize("kept", ["one by one", "in runs"])
def test_a_file_spliced_from_parts_equals_one_written_whole(
    tmp_path: Path, sep: bytes, copy: str, kept: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Random parts (some empty: an entry with no rows in a table), then a random mix of kept,
    changed, removed and new ones: the spliced file is the one writing every part gives, whether
    the kept runs are copied by the kernel or read and written, and whether the kept parts are
    named one by one or a run of them at once (their lengths added up, keep_run)."""
    if copy != "kernel":
        _copy_here(monkeypatch)
    rng = random.Random(7)
    for attempt in range(200):
        old_parts = [rng.choice([b"", b"\nrow%d" % n * rng.randint(1, 3)]) for n in range(rng.randint(0, 12))]
        old = _whole(tmp_path / "old", old_parts, sep)
        spliced = DataFile(tmp_path / "new", b"[", b"]", sep, old)
        run = [0, 0]  # kept parts not yet named: bytes, non-empty parts
        named = partial(_named, spliced, run)
        new_parts: list[bytes] = []
        for part in old_parts:
            action = rng.choice(["keep", "keep", "keep", "change", "remove", "insert"])
            if action == "insert":
                new_parts.append(b"\nnew%d" % rng.randint(0, 9) if rng.random() < 0.8 else b"")
                named().add(new_parts[-1])
            if action in ("keep", "insert"):
                if kept == "in runs":
                    run[0], run[1] = run[0] + len(part), run[1] + bool(part)
                else:
                    spliced.keep(len(part))
                new_parts.append(part)
            elif action == "change":
                named().skip(len(part))
                new_parts.append(rng.choice([b"", b"\nchanged"]))
                spliced.add(new_parts[-1])
            else:
                named().skip(len(part))
        named().close()
        assert (tmp_path / "new").read_bytes() == _whole(tmp_path / "expected", new_parts, sep).read_bytes(), attempt


@pytest.mark.parametrize("copy", ["kernel", "read and write"])
def test_a_published_file_shorter_than_its_layout_is_refused(
    tmp_path: Path, copy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if copy != "kernel":
        _copy_here(monkeypatch)
    old = _whole(tmp_path / "old", [b"\none", b"\ntwo"], b",")
    old.write_bytes(old.read_bytes()[:-6])  # cut inside the second part
    spliced = DataFile(tmp_path / "new", b"[", b"]", b",", old)
    spliced.keep(4)
    spliced.keep(4)
    with pytest.raises(ValueError, match="shorter than its layout says"):
        spliced.close()


def _whole(path: Path, parts: list[bytes], sep: bytes) -> Path:
    written = DataFile(path, b"[", b"]", sep, None)
    for part in parts:
        written.add(part)
    written.close()
    assert path.read_bytes() == b"[" + sep.join(p for p in parts if p) + b"]"
    return path


@pytest.mark.parametrize("broken", ["a row that refers to nothing", "a parent row deleted"])
def test_a_patch_whose_foreign_keys_do_not_resolve_fails(built_site: Path, tmp_path: Path, broken: str) -> None:
    """A patched file is checked as it changes (not row by row afterwards): either way a key
    left dangling fails the build, naming the rows."""
    types = {t.name: [f["type"] for f in table_schema(t)["fields"]] for t in TABLES}
    by_name = {t.name: t for t in TABLES}
    db = Database(tmp_path / "patched.sqlite", TABLES, types, old=built_site / SQLITE)
    if broken == "a row that refers to nothing":
        db.insert(by_name["opportunity_subjects"], [("no-such-opportunity", "maths")])
    else:  # an employer's row taken out, its opportunities left
        (employer,) = db.db.execute("SELECT employer_id FROM opportunities LIMIT 1").fetchone()
        for table in TABLES:
            if table.entity == "employer":
                db.remove(table, employer)
    with pytest.raises(ValueError, match="foreign keys do not resolve: \\[\\("):
        db.finish()


def test_the_sqlite_file_copied_ahead_raises_what_the_copy_raised(tmp_path: Path) -> None:
    wait = copy_ahead(tmp_path / "missing.sqlite", tmp_path / "copy.sqlite")
    with pytest.raises(FileNotFoundError):
        wait()
    (tmp_path / "old.sqlite").write_bytes(b"published bytes")
    copy_ahead(tmp_path / "old.sqlite", tmp_path / "copy.sqlite")()
    assert (tmp_path / "copy.sqlite").read_bytes() == b"published bytes"


def test_a_rebuild_that_fails_finding_the_changes_leaves_no_copy_running(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SQLite file is copied while the changed entries are found: a failure there waits for
    the copy, which would otherwise go on writing into a staging folder being removed."""
    config = cached(sample_copy)
    build(config)
    started: list[threading.Thread] = []
    real = opendata.copy_ahead

    def watched(source: Path, target: Path) -> Any:
        wait = real(source, target)
        started.extend(t for t in threading.enumerate() if t.name == "copy-ahead")
        return wait

    def broken(*args: object) -> None:
        raise RuntimeError("finding the changes failed")

    copyfile = shutil.copyfile

    def slow(source: Any, target: Any, **kw: Any) -> Any:  # the copy still going when the failure comes
        if str(source).endswith(".sqlite"):
            time.sleep(0.5)
        return copyfile(source, target, **kw)

    monkeypatch.setattr(shutil, "copyfile", slow)
    monkeypatch.setattr(opendata, "copy_ahead", watched)
    monkeypatch.setattr(opendata, "_changed", broken)
    set_fields(opportunity_file(sample_copy, 3), title="Zebracorn quantum workshop")
    with pytest.raises(RuntimeError, match="finding the changes failed"):
        build(config)
    assert started and not any(t.is_alive() for t in started)
