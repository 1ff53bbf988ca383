"""The checked-file cache: a rebuild reuses what unchanged files said, and only that."""

import os
import pickle
import shutil
import sqlite3
from pathlib import Path

import pytest

from stemx import cache
from stemx.content import validate_content
from tests.conftest import CASES, ROOT, TODAY


def content_copy(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    shutil.copytree(CASES / "invalid" / "multiple-problems" / "content", content, dirs_exist_ok=True)
    return content


def run(content: Path, cache_dir: Path):
    result = validate_content(content, TODAY, cache_dir=cache_dir)
    (saved,) = cache_dir.glob("entries-*.sqlite")
    return result, saved


def test_a_second_run_reuses_every_result_and_says_the_same(tmp_path: Path) -> None:
    content = content_copy(tmp_path)
    fresh = validate_content(content, TODAY)
    first, saved = run(content, tmp_path / "cache")
    written = saved.stat().st_mtime_ns
    second, _ = run(content, tmp_path / "cache")
    for result in (first, second):
        assert result.problems == fresh.problems and result.errors > 0
        assert result.employers == fresh.employers and result.opportunities == fresh.opportunities
    assert saved.stat().st_mtime_ns == written  # nothing new to remember: the file is not rewritten
    cached = cache.EntryCache(tmp_path / "cache", content)
    stored = cached.digests_stored()
    files = _files(content)
    assert len(stored) == len(files)
    keys = [(f.kind, f.source, cache.file_digest(f.path.read_bytes())) for f in files]
    assert all(k[2] == stored[k[:2]] for k in keys) and all(cached.get(keys))


def test_a_changed_file_is_checked_again_and_a_deleted_one_forgotten(tmp_path: Path) -> None:
    content = content_copy(tmp_path)
    run(content, tmp_path / "cache")
    changed = sorted((content / "opportunities").glob("*.yaml"))[0]
    changed.write_text(changed.read_text(encoding="utf-8").replace("title:", "titel:", 1), encoding="utf-8")
    removed = sorted((content / "employers").glob("*.yaml"))[-1]
    removed.unlink()
    result, saved = run(content, tmp_path / "cache")
    assert result.problems == validate_content(content, TODAY).problems
    assert any(p.path.endswith(changed.name) and "titel" in p.message for p in result.problems)
    assert _rows(saved) == len(_files(content))


def test_a_cache_from_other_code_or_a_damaged_one_is_ignored(tmp_path: Path) -> None:
    content = content_copy(tmp_path)
    fresh = validate_content(content, TODAY)
    _, saved = run(content, tmp_path / "cache")

    def poison(version: str) -> None:  # every stored result says "no problems"
        with sqlite3.connect(saved) as db:
            rows = db.execute("SELECT kind, source, value FROM entries").fetchall()
            for kind, source, result in rows:
                r = pickle.loads(result)
                clean = pickle.dumps(type(r)(r.data, [], None, None))
                db.execute("UPDATE entries SET value = ? WHERE kind = ? AND source = ?", (clean, kind, source))
            db.execute("UPDATE meta SET version = ?", (version,))
        db.close()

    poison("other code")
    assert run(content, tmp_path / "cache")[0].problems == fresh.problems
    saved.write_bytes(b"not a database" * 100)
    assert run(content, tmp_path / "cache")[0].problems == fresh.problems
    with sqlite3.connect(saved) as db:  # a row that cannot be read back is checked again
        db.execute("UPDATE entries SET value = ?", (b"not a pickle",))
    db.close()
    assert run(content, tmp_path / "cache")[0].problems == fresh.problems
    poison(cache.checker_version())  # proof the poison would show if it were read
    assert run(content, tmp_path / "cache")[0].problems != fresh.problems


def _rows(saved: Path) -> int:
    with sqlite3.connect(saved) as db:
        (rows,) = db.execute("SELECT count(*) FROM entries").fetchone()
    db.close()
    return rows


def _files(content: Path) -> list:
    from stemx.content import discover

    return discover(content)[0]


def test_a_cache_table_written_by_other_code_is_replaced(tmp_path: Path) -> None:
    content = content_copy(tmp_path)
    fresh = validate_content(content, TODAY)
    _, saved = run(content, tmp_path / "cache")
    with sqlite3.connect(saved) as db:  # an older layout: other columns, other code
        db.executescript(
            "DROP TABLE entries; CREATE TABLE entries (kind TEXT, source TEXT, result BLOB); UPDATE meta SET version = 'old';"
        )
    db.close()
    assert run(content, tmp_path / "cache")[0].problems == fresh.problems
    assert _rows(saved) == len(_files(content))


def test_a_cache_another_build_is_writing_is_done_without(tmp_path: Path, monkeypatch) -> None:
    content = content_copy(tmp_path)
    fresh = validate_content(content, TODAY)
    _, saved = run(content, tmp_path / "cache")
    monkeypatch.setattr(cache.Store, "TIMEOUT", 0.05)
    other = sqlite3.connect(saved, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another build in the middle of writing
    inode = saved.stat().st_ino
    try:
        assert validate_content(content, TODAY, cache_dir=tmp_path / "cache").problems == fresh.problems
        assert saved.stat().st_ino == inode  # its database is left alone, not replaced
        changed = sorted((content / "opportunities").glob("*.yaml"))[0]
        changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        assert validate_content(content, TODAY, cache_dir=tmp_path / "cache").problems == fresh.problems
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert run(content, tmp_path / "cache")[0].problems == fresh.problems  # and used again once free


def test_the_cache_keeps_only_the_folders_built_most_recently(tmp_path: Path) -> None:
    import os
    import time

    from stemx.cache import KEEP_FOLDERS, MAX_AGE, tidy

    now = time.time()
    for n in range(KEEP_FOLDERS + 3):
        for kind, suffix in (("entries", ".sqlite"), ("search", ".sqlite"), ("manifest", ".pickle")):
            path = tmp_path / f"{kind}-{n:016x}{suffix}"
            path.write_bytes(b"x" * 100)
            os.utime(path, (now - n * 60, now - n * 60))  # folder 0 built last
    stale = tmp_path / "entries-ffffffffffffffff.sqlite"
    stale.write_bytes(b"x")
    os.utime(stale, (now - MAX_AGE - 1, now - MAX_AGE - 1))
    (tmp_path / "notes.txt").write_text("not ours")
    (tmp_path / f"rows-opportunity-{0:016x}.sqlite").write_bytes(b"x" * 7)  # a kind no version reads now
    assert tidy(tmp_path) == (3 * 3 + 2, 3 * 300 + 1 + 7)
    left = {p.name for p in tmp_path.iterdir()}
    assert {f"entries-{n:016x}.sqlite" for n in range(KEEP_FOLDERS)} <= left and "notes.txt" in left
    assert len(left) == 3 * KEEP_FOLDERS + 1


def test_building_five_content_folders_leaves_a_bounded_cache_and_clean_empties_it(tmp_path: Path, capsys) -> None:
    from stemx.cli import main

    cache = tmp_path / "cache"
    for n in range(5):
        content = tmp_path / f"content-{n}"
        shutil.copytree(CASES / "valid" / "minimal" / "content", content)
        args = ["build", "--content", str(content), "--out", str(tmp_path / f"site-{n}"), "--cache-dir", str(cache)]
        assert main([*args, "--today", "2026-11-24"]) == 0
    folders = {name.rsplit("-", 1)[1].split(".")[0] for name in os.listdir(cache)}
    assert len(folders) <= 6  # each build uses two folders (content and output): the last three builds
    capsys.readouterr()
    assert main(["clean", "--cache-dir", str(cache)]) == 0
    assert capsys.readouterr().out.startswith("Removed ") and os.listdir(cache) == []


def _counting(monkeypatch, log: Path) -> None:
    """Record, by process id, each file checked (forked workers inherit the patch)."""
    from stemx import content as content_module

    checked = content_module.check_bytes

    def counted(entry, data):
        with log.open("a") as f:
            f.write(f"{os.getpid()} {entry.source}\n")
        return checked(entry, data)

    monkeypatch.setattr(content_module, "check_bytes", counted)


def _checked(log: Path) -> list[str]:
    lines = log.read_text().splitlines() if log.exists() else []
    log.unlink(missing_ok=True)
    return lines


@pytest.mark.parametrize("parallel", [False, True])
def test_only_files_whose_bytes_changed_are_checked_again(tmp_path: Path, monkeypatch, parallel: bool) -> None:
    from stemx import content as content_module

    content = content_copy(tmp_path)
    fresh = validate_content(content, TODAY)
    if parallel:  # the sample content is small: checked by worker processes all the same
        monkeypatch.setattr(content_module, "PARALLEL_FROM", 1)
    log = tmp_path / "checked.log"
    _counting(monkeypatch, log)
    first, _ = run(content, tmp_path / "cache")
    lines = _checked(log)
    assert len(lines) == len(_files(content))
    pids = {line.split()[0] for line in lines}
    assert (str(os.getpid()) not in pids and len(pids) >= 1) if parallel else pids == {str(os.getpid())}
    assert run(content, tmp_path / "cache")[0].problems == first.problems == fresh.problems
    assert _checked(log) == []  # nothing changed: nothing checked
    changed = sorted((content / "opportunities").glob("*.yaml"))[1]
    changed.write_text(changed.read_text(encoding="utf-8").replace("title:", "titel:", 1), encoding="utf-8")
    result, _ = run(content, tmp_path / "cache")
    assert [line.split()[1] for line in _checked(log)] == [str(changed)]
    assert result.problems == validate_content(content, TODAY).problems != fresh.problems
    assert result.opportunities.keys() == fresh.opportunities.keys() - {changed.stem}
