"""The checked-file cache: a rebuild reuses what unchanged files said, and only that."""

import os
import shutil
from pathlib import Path

import pytest

from stemx import cache, checklog
from stemx.content import validate_content
from stemx.texts import KEEP_FROM, StoredText
from tests.conftest import CASES, ROOT, TODAY


def content_copy(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    shutil.copytree(CASES / "invalid" / "multiple-problems" / "content", content, dirs_exist_ok=True)
    return content


def run(content: Path, cache_dir: Path):
    result = validate_content(content, TODAY, cache_dir=cache_dir)
    (saved,) = cache_dir.glob("checked-*.pickle")
    return result, saved


def records(saved: Path) -> list[tuple]:
    """Every record in a log, dead ones too (read as the next build would)."""
    import pickle

    from stemx.texts import TextStore

    out = []
    with saved.open("rb") as f:
        pickle.load(f)  # the header
        while f.tell() < saved.stat().st_size:
            out += checklog._Unpickler(f, TextStore()).load()
    return out


def same(a, b) -> bool:
    return a.problems == b.problems and a.employers == b.employers and a.opportunities == b.opportunities


def test_a_second_run_reuses_every_result_and_says_the_same(tmp_path: Path) -> None:
    content = content_copy(tmp_path)
    fresh = validate_content(content, TODAY)
    first, saved = run(content, tmp_path / "cache")
    written = saved.stat().st_mtime_ns
    second, _ = run(content, tmp_path / "cache")
    for result in (first, second):
        assert same(result, fresh) and result.errors > 0
    assert saved.stat().st_mtime_ns == written  # nothing new to remember: the file is not written
    files = _files(content)
    digests = {f.source: cache.file_digest(f.path.read_bytes()) for f in files}
    assert {r[1]: r[2] for r in records(saved)} == digests == second.digests
    # An entry read back from the log is the entry, its description too (read from the texts file).
    o = next(o for o in second.opportunities.values() if len(str(o.description)) >= KEEP_FROM)
    assert isinstance(o.description, StoredText) and o == fresh.opportunities[o.id]


def test_a_changed_file_is_appended_and_a_deleted_one_forgotten(tmp_path: Path) -> None:
    content = content_copy(tmp_path)
    first, saved = run(content, tmp_path / "cache")
    inode, size = saved.stat().st_ino, saved.stat().st_size
    changed = sorted((content / "opportunities").glob("*.yaml"))[0]
    changed.write_text(changed.read_text(encoding="utf-8").replace("title:", "titel:", 1), encoding="utf-8")
    edited = next(f for f in sorted((content / "opportunities").glob("*.yaml"))[1:] if f.stem in first.opportunities)
    edited.write_text(
        edited.read_text(encoding="utf-8").replace("description: |\n", "description: |\n  Now edited.\n\n", 1)
    )
    removed = sorted((content / "employers").glob("*.yaml"))[-1]
    removed.unlink()
    result, saved = run(content, tmp_path / "cache")
    assert same(result, validate_content(content, TODAY))
    assert any(p.path.endswith(changed.name) and "titel" in p.message for p in result.problems)
    assert saved.stat().st_ino == inode and saved.stat().st_size > size  # appended, not written again
    assert [r[1].rsplit("/", 1)[1] for r in records(saved)[-2:]] == [changed.name, edited.name]
    again, _ = run(content, tmp_path / "cache")  # the later record stands for the earlier
    assert same(again, result) and str(again.opportunities[edited.stem].description).startswith("Now edited.")


def test_a_log_mostly_dead_is_written_again_with_only_the_live_texts(tmp_path: Path, monkeypatch) -> None:
    content = content_copy(tmp_path)
    monkeypatch.setattr(checklog, "BATCH", 3)  # a few dead records are "many"
    first, saved = run(content, tmp_path / "cache")
    (texts,) = (tmp_path / "cache").glob("texts-*.bin")
    kept = first.opportunities[sorted(first.opportunities)[0]]  # serve's last register holds entries like this
    files = sorted((content / "opportunities").glob("*.yaml"))
    logged = []
    for _ in range(4):  # every opportunity edited each time: its old record dies
        for f in files:
            f.write_text(
                f.read_text(encoding="utf-8").replace("description: |\n", "description: |\n  Edited again.\n\n", 1)
            )
        result, saved = run(content, tmp_path / "cache")
        logged.append(len(records(saved)))
        if logged[-1] == len(_files(content)):  # only the live records: written again
            break
    assert len(logged) > 1 and logged[0] == len(_files(content)) + len(files)  # appended until then
    assert same(result, validate_content(content, TODAY))
    assert texts.stat().st_size < 2 * sum(len(str(o.description).encode()) for o in result.opportunities.values())
    assert str(kept.description) == str(first.opportunities[kept.id].description)  # its texts file is its own
    again, _ = run(content, tmp_path / "cache")
    assert same(again, result)


def test_a_log_from_other_code_or_damaged_is_started_again(tmp_path: Path) -> None:
    import pickle

    content = content_copy(tmp_path)
    fresh = validate_content(content, TODAY)
    _, saved = run(content, tmp_path / "cache")

    def poison(version: str) -> None:  # every record says "no problems"
        import io

        out = io.BytesIO()
        stored = records(saved)
        header = _header(saved)
        pickle.dump((header[0], version, header[2]), out)
        checklog._dump(out, [(k, s, d, type(said)(said.entry, (), None, None), sig) for k, s, d, said, sig in stored])
        saved.write_bytes(out.getvalue())

    poison("other code")
    assert same(run(content, tmp_path / "cache")[0], fresh)
    saved.write_bytes(b"not a pickle" * 100)
    assert same(run(content, tmp_path / "cache")[0], fresh)
    (texts,) = (tmp_path / "cache").glob("texts-*.bin")
    texts.write_bytes(b"another log's texts")  # its tag no longer matches the log's
    assert same(run(content, tmp_path / "cache")[0], fresh)
    poison(cache.checker_version())  # proof the poison would show if it were read
    assert run(content, tmp_path / "cache")[0].problems != fresh.problems


def test_a_log_cut_short_keeps_its_whole_batches(tmp_path: Path, monkeypatch) -> None:
    content = content_copy(tmp_path)
    fresh = validate_content(content, TODAY)
    monkeypatch.setattr(checklog, "BATCH", 10)
    _, saved = run(content, tmp_path / "cache")
    whole = len(records(saved))
    size = saved.stat().st_size
    with saved.open("r+b") as f:
        f.truncate(size - 40)  # a build stopped while writing its last batch
    log = _counting(monkeypatch, tmp_path / "checked.log")
    result, saved = run(content, tmp_path / "cache")
    assert same(result, fresh)
    again = _checked(log)
    assert 0 < len(again) <= 10 and len(records(saved)) == whole  # only the cut batch checked again
    assert same(run(content, tmp_path / "cache")[0], fresh) and _checked(log) == []


def _reads(monkeypatch) -> list[str]:
    """The content files this process reads (a few changed files are read without workers)."""
    from stemx import content as content_module

    paths: list[str] = []
    read = content_module.read_stat

    def counted(path):
        paths.append(os.path.basename(path))
        return read(path)

    monkeypatch.setattr(content_module, "read_stat", counted)
    return paths


def test_a_file_whose_signature_is_its_records_is_not_even_read(tmp_path: Path, monkeypatch) -> None:
    import time

    from stemx import content as content_module

    content = content_copy(tmp_path)
    fresh = validate_content(content, TODAY)
    monkeypatch.setattr(content_module, "RACY_NS", 0)  # the files were all written a moment ago
    run(content, tmp_path / "cache")
    reads = _reads(monkeypatch)
    assert same(run(content, tmp_path / "cache")[0], fresh) and reads == []
    touched, rewritten = sorted((content / "opportunities").glob("*.yaml"))[3:5]
    os.utime(touched)  # new times, the same bytes: read, not checked, and its new signature kept
    log = _counting(monkeypatch, tmp_path / "checked.log")
    assert same(run(content, tmp_path / "cache")[0], fresh) and reads == [touched.name] and _checked(log) == []
    reads.clear()
    assert same(run(content, tmp_path / "cache")[0], fresh) and reads == []
    # Other bytes of the same size with the old modified time put back: the changed time tells.
    before = rewritten.stat()
    time.sleep(0.05)
    text = rewritten.read_text(encoding="utf-8")
    at = text.index("\ntitle: ") + len("\ntitle: ")
    rewritten.write_text(text[:at] + ("X" if text[at] != "X" else "Y") + text[at + 1 :], encoding="utf-8")
    os.utime(rewritten, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert rewritten.stat().st_size == before.st_size and rewritten.stat().st_mtime_ns == before.st_mtime_ns
    result, _ = run(content, tmp_path / "cache")
    assert reads == [rewritten.name] and [line.split()[1] for line in _checked(log)] == [str(rewritten)]
    assert same(result, validate_content(content, TODAY)) and not same(result, fresh)


def test_a_file_changed_just_before_it_is_read_is_read_again_next_time(tmp_path: Path, monkeypatch) -> None:
    content = content_copy(tmp_path)
    run(content, tmp_path / "cache")  # every file was written a moment ago: too recent to trust its signature
    reads = _reads(monkeypatch)
    run(content, tmp_path / "cache")
    assert len(reads) == len(_files(content))
    assert all(r[4] is None for r in records(run(content, tmp_path / "cache")[1]))


def _header(saved: Path) -> tuple:
    import pickle

    with saved.open("rb") as f:
        return pickle.load(f)


def _files(content: Path) -> list:
    from stemx.content import discover

    return discover(content)[0]


def test_a_log_another_build_holds_is_done_without(tmp_path: Path) -> None:
    content = content_copy(tmp_path)
    fresh = validate_content(content, TODAY)
    _, saved = run(content, tmp_path / "cache")
    other = cache.hold(saved)  # another build in the middle of using it
    assert other is not None
    written = saved.read_bytes()
    try:
        assert same(validate_content(content, TODAY, cache_dir=tmp_path / "cache"), fresh)
        changed = sorted((content / "opportunities").glob("*.yaml"))[0]
        changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        assert same(validate_content(content, TODAY, cache_dir=tmp_path / "cache"), fresh)
        assert saved.read_bytes() == written  # left alone
    finally:
        other.close()
    assert same(run(content, tmp_path / "cache")[0], fresh)  # and used again once free
    assert records(saved)[-1][1].endswith(changed.name)


def test_the_cache_keeps_only_the_folders_built_most_recently(tmp_path: Path) -> None:
    import os
    import time

    from stemx.cache import KEEP_FOLDERS, MAX_AGE, tidy

    now = time.time()
    for n in range(KEEP_FOLDERS + 3):
        for kind, suffix in (("checked", ".pickle"), ("search", ".sqlite"), ("texts", ".bin")):
            path = tmp_path / f"{kind}-{n:016x}{suffix}"
            path.write_bytes(b"x" * 100)
            os.utime(path, (now - n * 60, now - n * 60))  # folder 0 built last
    stale = tmp_path / "checked-ffffffffffffffff.pickle"
    stale.write_bytes(b"x")
    os.utime(stale, (now - MAX_AGE - 1, now - MAX_AGE - 1))
    (tmp_path / "notes.txt").write_text("not ours")
    (tmp_path / f"rows-opportunity-{0:016x}.sqlite").write_bytes(b"x" * 7)  # kinds no version reads now
    (tmp_path / f"entries-{0:016x}.sqlite").write_bytes(b"x" * 5)
    assert tidy(tmp_path) == (3 * 3 + 3, 3 * 300 + 1 + 7 + 5)
    left = {p.name for p in tmp_path.iterdir()}
    assert {f"checked-{n:016x}.pickle" for n in range(KEEP_FOLDERS)} <= left and "notes.txt" in left
    assert len(left) == 3 * KEEP_FOLDERS + 1


def test_building_five_content_folders_leaves_a_bounded_cache_and_clean_empties_it(tmp_path: Path, capsys) -> None:
    from stemx.cache import TEMPLATES, checker_version
    from stemx.cli import main

    cache = tmp_path / "cache"
    for n in range(5):
        content = tmp_path / f"content-{n}"
        shutil.copytree(CASES / "valid" / "minimal" / "content", content)
        args = ["build", "--content", str(content), "--out", str(tmp_path / f"site-{n}"), "--cache-dir", str(cache)]
        assert main([*args, "--today", "2026-11-24"]) == 0
    folders = {name.rsplit("-", 1)[1].split(".")[0] for name in os.listdir(cache) if name != TEMPLATES}
    assert len(folders) <= 6  # each build uses two folders (content and output): the last three builds
    compiled = os.listdir(cache / TEMPLATES)  # the templates compiled once, by this code
    assert compiled and all(name.startswith(checker_version()) for name in compiled)
    stale = cache / TEMPLATES / f"{'0' * 32}-{'1' * 40}.cache"  # compiled by other code
    stale.write_bytes(b"x")
    assert main([*args, "--today", "2026-11-24"]) == 0
    assert not stale.exists() and sorted(os.listdir(cache / TEMPLATES)) == sorted(compiled)
    capsys.readouterr()
    assert main(["clean", "--cache-dir", str(cache)]) == 0
    assert capsys.readouterr().out.startswith("Removed ") and os.listdir(cache) == []


def _counting(monkeypatch, log: Path) -> Path:
    """Record, by process id, each file checked (forked workers inherit the patch)."""
    from stemx import content as content_module

    checked = content_module.check_bytes

    def counted(entry, data):
        with log.open("a") as f:
            f.write(f"{os.getpid()} {entry.source}\n")
        return checked(entry, data)

    monkeypatch.setattr(content_module, "check_bytes", counted)
    return log


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


def test_a_run_stopped_part_way_lets_go_of_the_log(tmp_path: Path) -> None:
    content = content_copy(tmp_path)
    fresh = validate_content(content, TODAY)
    run(content, tmp_path / "cache")

    def stop(done: int, total: int) -> None:
        if done == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        validate_content(content, TODAY, progress=stop, cache_dir=tmp_path / "cache")
    (saved,) = (tmp_path / "cache").glob("checked-*.pickle")
    guard = cache.hold(saved)  # free at once, not when the stopped run's objects are collected
    assert guard is not None
    guard.close()
    assert same(run(content, tmp_path / "cache")[0], fresh)


def test_a_log_that_cannot_be_written_is_done_without(tmp_path: Path, monkeypatch) -> None:
    content = content_copy(tmp_path)
    fresh = validate_content(content, TODAY)

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(checklog, "_dump", full)  # the log cannot be saved
    assert same(validate_content(content, TODAY, cache_dir=tmp_path / "cache"), fresh)
    monkeypatch.setattr(checklog, "_texts_file", full)  # nor even begun
    assert same(validate_content(content, TODAY, cache_dir=tmp_path / "cache"), fresh)
    monkeypatch.undo()
    assert same(run(content, tmp_path / "cache")[0], fresh)
    assert same(run(content, tmp_path / "cache")[0], fresh)


def test_a_log_makes_nothing_but_entries(tmp_path: Path) -> None:
    """A record naming any other class (here one that would run a command) is refused, not made."""
    import pickle

    content = content_copy(tmp_path)
    fresh = validate_content(content, TODAY)
    _, saved = run(content, tmp_path / "cache")
    ran = tmp_path / "ran"

    class Command:
        def __reduce__(self):
            return os.system, (f"touch {ran}",)

    with saved.open("ab") as f:
        pickle.dump([("opportunity", "x.yaml", b"0" * 16, Command(), None)], f)
    assert same(run(content, tmp_path / "cache")[0], fresh)
    assert not ran.exists()


def test_compiled_templates_that_cannot_be_kept_cost_only_the_compiling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk (writing a compiled template fails) or a cache folder where the templates'
    folder cannot be made: the build compiles its templates and succeeds."""
    import errno
    import tempfile

    from jinja2 import bccache

    from stemx.cache import TEMPLATES
    from stemx.cli import main

    content = tmp_path / "content"
    shutil.copytree(CASES / "valid" / "minimal" / "content", content)

    def full(*args: object, **kwargs: object) -> object:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(bccache.tempfile, "NamedTemporaryFile", full)
    args = ["build", "--content", str(content), "--today", "2026-11-24"]
    assert main([*args, "--out", str(tmp_path / "site"), "--cache-dir", str(tmp_path / "cache")]) == 0
    assert os.listdir(tmp_path / "cache" / TEMPLATES) == []
    monkeypatch.setattr(bccache.tempfile, "NamedTemporaryFile", tempfile.NamedTemporaryFile)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / TEMPLATES).write_text("a file where the folder would be")
    assert main([*args, "--out", str(tmp_path / "site2"), "--cache-dir", str(tmp_path / "other")]) == 0
    assert (tmp_path / "site2" / "index.html").read_text() == (tmp_path / "site" / "index.html").read_text()


def test_the_folder_listed_in_another_process_is_the_same_listing(tmp_path: Path, monkeypatch) -> None:
    """With a cache folder the content folder is listed in a forked process while the log is
    read back: the entries, their folder problems and the result are as listed here; a listing
    that fails raises here; a listing process that dies is listed here instead."""
    import multiprocessing

    from stemx import content as content_module
    from stemx.content import _Listing, discover

    content = content_copy(tmp_path)
    (content / "opportunities" / "Stray.txt").write_text("not an entry\n")  # a folder problem
    assert _Listing(content).result() == discover(content)
    assert same(validate_content(content, TODAY, cache_dir=tmp_path / "cache"), validate_content(content, TODAY))

    parent = os.getpid()

    def refused(folder: Path):  # in the listing process only: raised here, not listed again
        if os.getpid() != parent:
            raise PermissionError(13, "Permission denied", str(folder / "opportunities"))
        return discover(folder)

    def dies_in_the_child(folder: Path):
        if os.getpid() != parent:
            os._exit(3)
        return discover(folder)

    monkeypatch.setattr(content_module, "discover", refused)  # the forked process inherits it
    with pytest.raises(PermissionError, match="Permission denied"):
        _Listing(content).result()
    monkeypatch.setattr(content_module, "discover", dies_in_the_child)
    assert _Listing(content).result() == discover(content)
    assert not multiprocessing.active_children()
