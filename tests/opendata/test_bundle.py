"""The zip of the data package is compressed in content-defined segments: a rebuild compresses
only the segments an edit touched, and the zip is the same bytes whichever were kept."""

from __future__ import annotations

import io
import random
import zipfile
import zlib
from pathlib import Path

import pytest

from stemx.opendata import bundle
from stemx.opendata.bundle import SEGMENT_MAX, SEGMENT_MIN, ZIP_NAME, cut, write_bundle
from stemx.pipeline import build
from tests.conftest import cached, opportunity_file, record_calls, set_fields


def _rows(n: int, seed: int = 1) -> bytes:
    """CSV-like lines of mixed length, some spread over several lines as descriptions are."""
    rng = random.Random(seed)
    words = ["lab", "visit", "teachers", "placement", "robotics", "data", "CPD", '"quoted, text"', "£50"]
    lines = []
    for i in range(n):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(5, 60)))
        lines.append(f'opportunity-{i:07d},"{text}\n\n- {text[:40]}",2027-01-{1 + i % 28:02d}\r\n')
    return "".join(lines).encode()


def _segments(data: bytes) -> list[bytes]:
    return list(cut(io.BytesIO(data)))


def test_segments_join_up_and_an_edit_changes_only_the_segment_that_holds_it() -> None:
    data = _rows(40_000)
    assert len(data) > 8 * SEGMENT_MIN
    before = _segments(data)
    assert b"".join(before) == data
    assert len(before) >= 5
    assert all(SEGMENT_MIN <= len(s) <= SEGMENT_MAX for s in before[:-1])
    at = data.index(b"opportunity-0020000")
    for edited in (data[:at] + b"longer " + data[at:], data[:at] + data[at + 30 :]):  # longer, shorter
        after = _segments(edited)
        assert b"".join(after) == edited
        assert len(set(after) - set(before)) == 1  # the cuts before and after the edit stay where they were


def test_a_file_without_line_ends_is_cut_at_the_longest_segment() -> None:
    data = bytes(range(256)).replace(b"\n", b"") * (SEGMENT_MAX // 255 * 2 + 10)
    segments = _segments(data)
    assert [len(s) for s in segments[:2]] == [SEGMENT_MAX, SEGMENT_MAX]
    assert b"".join(segments) == data


def _package(folder: Path, rows: bytes) -> list[str]:
    folder.mkdir(exist_ok=True)
    (folder / "opportunities.csv").write_bytes(rows)
    (folder / "README.md").write_text("# Sample data\n", encoding="utf-8")
    (folder / "empty.csv").write_bytes(b"")
    return ["opportunities.csv", "README.md", "empty.csv"]


def test_a_rebuild_compresses_only_the_changed_segments_into_the_same_zip(tmp_path: Path) -> None:
    kept = tmp_path / "cache" / "zip-segments-0123456789abcdef.sqlite"
    rows = _rows(40_000)
    members = _package(tmp_path / "data", rows)

    made, found = write_bundle(tmp_path / "data", members, kept)
    assert (made, found) == (len(_segments(rows)) + 1, 0)  # and the README's; an empty file has none
    at = rows.index(b"opportunity-0031234")
    edited = rows[:at] + b"opportunity-0031234,a title changed\r\n" + rows[at:]
    (tmp_path / "data" / "opportunities.csv").write_bytes(edited)
    made, found = write_bundle(tmp_path / "data", members, kept)
    assert (made, found) == (1, len(_segments(edited)) - 1 + 1)  # the edited one; the others and the README's

    # The same bytes as a zip written with nothing kept, and every member reads back whole.
    _package(tmp_path / "fresh", edited)
    assert write_bundle(tmp_path / "fresh", members)[1] == 0
    zipped = (tmp_path / "data" / ZIP_NAME).read_bytes()
    assert zipped == (tmp_path / "fresh" / ZIP_NAME).read_bytes()
    with zipfile.ZipFile(tmp_path / "data" / ZIP_NAME) as z:
        assert z.testzip() is None  # every member's checksum
        assert z.read("opportunities.csv") == edited
        assert z.read("empty.csv") == b""
    # Smaller than the CSV by far: the segments are compressed, not stored.
    assert len(zipped) < len(edited) / 3


def test_segments_no_build_used_are_dropped_and_a_damaged_cache_is_rebuilt(tmp_path: Path) -> None:
    kept = tmp_path / "zip-segments-0123456789abcdef.sqlite"
    members = _package(tmp_path / "data", _rows(20_000))
    write_bundle(tmp_path / "data", members, kept)
    size = kept.stat().st_size
    for seed in (2, 3, 4, 5):  # all new rows each time: the cache holds one zip's worth, not five
        _package(tmp_path / "data", _rows(20_000, seed))
        write_bundle(tmp_path / "data", members, kept)
    # The old rows go after the new are in: their pages are free for the next build's.
    assert kept.stat().st_size < 2.5 * size
    kept.write_bytes(b"not a database")
    assert write_bundle(tmp_path / "data", members, kept)[1] == 0
    assert write_bundle(tmp_path / "data", members, kept)[0] == 0


def test_the_end_of_a_member_is_what_zlib_writes_on_finishing() -> None:
    whole = zlib.compressobj(bundle.LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    assert zlib.decompress(bundle._deflate(b"abc") + bundle._END, -zlib.MAX_WBITS) == b"abc"
    assert whole.flush() == bundle._END


def test_a_rebuild_of_the_site_compresses_only_the_files_an_edit_changed(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = cached(sample_copy)
    build(config)
    zipped = (config.out_dir / "data" / ZIP_NAME).read_bytes()
    deflated = record_calls(monkeypatch, "_deflate", bundle)
    set_fields(opportunity_file(sample_copy, 3), title="Zebracorn quantum workshop")
    build(config)
    with zipfile.ZipFile(config.out_dir / "data" / ZIP_NAME) as z:
        members = len(z.namelist())
        assert b"Zebracorn quantum workshop" in z.read("opportunities.csv")
    # The opportunities table (the sample's files are a segment each) and the package
    # description, which gives each file's size; not the other dozens.
    assert 1 <= len(deflated) <= 3 < members
    assert (config.out_dir / "data" / ZIP_NAME).read_bytes() != zipped
