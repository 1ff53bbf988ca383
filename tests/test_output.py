"""The output layer: keys cover every setting and every entry field, two writers of one path
are refused by name, and the manifest (not the disk) gives the sitemap."""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import fields, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from stemx import output, pipeline, publish
from stemx.config import BuildConfig
from stemx.errors import BuildError
from stemx.output import MANIFEST_ID, NOT_OUTPUT, REPLACED, Output, OutputCollision, settings_digest
from stemx.pipeline import build
from stemx.schedule import Stage
from stemx.submission import pages as submission_pages
from tests.conftest import (
    CASES,
    ROOT,
    TODAY,
    assert_same_site,
    cached,
    opportunity_file,
    record_calls,
    set_fields,
    site_files,
)

MINIMAL = CASES / "valid" / "minimal" / "content"
EMPLOYER, OPPORTUNITY = "harbourline-marine", "harbourline-battery-lab-visit"


def inodes(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("*") if p.is_file()}


# -- collisions and the manifest


def test_one_stage_writing_a_path_twice_is_refused_by_name(tmp_path: Path) -> None:
    out = Output(tmp_path, BuildConfig(out_dir=tmp_path / "site", today=TODAY)).writer("pages")
    out.text("a/index.html", "one")
    with pytest.raises(OutputCollision, match="the pages stage would both write a/index.html"):
        out.text("a/index.html", "two")


def test_a_path_inside_a_folder_another_stage_owns_is_refused(tmp_path: Path) -> None:
    output = Output(tmp_path, BuildConfig(out_dir=tmp_path / "site", today=TODAY))
    output.writer("search index").folder("search/index-1/")
    with pytest.raises(OutputCollision, match="the search index and pages stages would both write search/index-1/x"):
        output.writer("pages").text("search/index-1/x", "")


def test_two_stages_in_different_processes_writing_one_path_fail_the_build_naming_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def pages(register: Any, out: Any, config: Any) -> None:
        out.text("data/index.html", "from the pages process")

    def data(register: Any, out: Any, config: Any, _pages: None) -> None:
        out.text("data/index.html", "from the main process")

    monkeypatch.setattr(
        pipeline,
        "stages",
        lambda: [Stage("pages", pages, where="process"), Stage("data pages", data, after=("pages",))],
    )
    with pytest.raises(BuildError, match="the pages and data pages stages would both write data/index.html"):
        build(BuildConfig(content_dir=MINIMAL, out_dir=tmp_path / "site", today=TODAY))
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("folder_in_child", [False, True])
def test_a_file_inside_a_folder_the_other_process_owns_fails_the_build_naming_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder_in_child: bool
) -> None:
    """The child's files come back to the main process in one piece (Output.merge): a file of one
    process inside a folder the other owns is found whichever of the two owns the folder."""

    def folder(register: Any, out: Any, config: Any) -> None:
        (out.folder("search/index-1/") / "a.bin").write_bytes(b"")
        out.sealed("search/index-1/")

    def file(register: Any, out: Any, config: Any) -> None:
        out.text("search/index-1/b.bin", "")

    child, here = (folder, file) if folder_in_child else (file, folder)
    names = ("search index", "pages") if folder_in_child else ("pages", "search index")
    monkeypatch.setattr(pipeline, "stages", lambda: [Stage(names[0], child, where="process"), Stage(names[1], here)])
    with pytest.raises(BuildError, match="stages would both write search/index-1/b.bin") as raised:
        build(BuildConfig(content_dir=MINIMAL, out_dir=tmp_path / "site", today=TODAY))
    assert "search index" in str(raised.value) and "pages" in str(raised.value)
    assert not (tmp_path / "site").exists()


def _batches_of_pages(register: Any, out: Any, config: Any, held: list[int] | None = None) -> None:
    """Ten batches of three pages; `held`: gets the lines held after each batch."""
    for n in range(10):
        out.batch(f"b{n}", (n,), lambda n=n: [out.text(f"p{n}-{i}/index.html", "x") for i in range(3)])
        if held is not None:
            held.append(len(out.output.made))


def test_a_forked_stage_hands_its_lines_over_as_it_goes_and_the_manifest_has_them_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At national size the pages process makes ~1.25 million files: it holds no more than
    SPILL_LINES of their lines (and a batch's) before handing them to the main process."""

    def pages(register: Any, out: Any, config: Any) -> None:
        held: list[int] = []
        _batches_of_pages(register, out, config, held)
        (tmp_path / "held").write_text(repr(held))

    monkeypatch.setattr(output, "SPILL_LINES", 4)
    monkeypatch.setattr(pipeline, "stages", lambda: [Stage("pages", pages, where="process")])
    config = cached(tmp_path / "content")
    shutil.copytree(MINIMAL, config.content_dir)
    report = build(config)
    assert max(json.loads((tmp_path / "held").read_text())) < 4 + 3  # in the forked process
    assert next(t.files for t in report.timings if t.stage == "pages") == 30
    manifest = output.cache_file(config.cache_dir, "manifest", config.out_dir)
    made, results = Output(tmp_path / "x", config, report.register)._load(manifest)
    assert sorted(made) == sorted(f"p{n}-{i}/index.html" for n in range(10) for i in range(3))
    assert {name for name in results if output.BATCH in name} == {f"pages#b{n}" for n in range(10)}
    assert results["pages#b7"][1] == ("p7-0/index.html", "p7-1/index.html", "p7-2/index.html")
    assert sorted(p.relative_to(config.out_dir).as_posix() for p in config.out_dir.glob("p*/index.html")) == sorted(
        made
    )


def test_a_path_made_twice_in_a_forked_stage_is_refused_even_when_the_first_was_handed_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def twice(register: Any, out: Any, config: Any) -> None:
        _batches_of_pages(register, out, config)
        out.text("p0-1/index.html", "again")

    monkeypatch.setattr(output, "SPILL_LINES", 4)
    monkeypatch.setattr(pipeline, "stages", lambda: [Stage("pages", twice, where="process")])
    with pytest.raises(BuildError, match="the pages stage would both write p0-1/index.html"):
        build(BuildConfig(content_dir=MINIMAL, out_dir=tmp_path / "site", today=TODAY))
    assert not (tmp_path / "site").exists()


def test_a_text_written_in_parts_is_the_whole_text_and_in_place_never_half_of_it(tmp_path: Path) -> None:
    """A place's calendar is written as its events are made (Writer.text_parts), in pieces that
    may end inside nothing but whole parts, with characters of more than one byte."""
    config = BuildConfig(out_dir=tmp_path / "site", today=TODAY)
    parts = [f"événement {n} – à Bâle\r\n" for n in range(5000)]
    out = Output(tmp_path / "staged", config).writer("pages")
    out.text_parts("calendar/x.ics", iter(parts))
    assert (tmp_path / "staged" / "calendar" / "x.ics").read_bytes() == "".join(parts).encode("utf-8")
    assert list(output._encoded(["ab", "cd", "é"], size=3)) == [b"abcd", "é".encode()]

    def failing() -> Any:
        yield "new start"
        raise OSError("disk full")

    published = tmp_path / "published"
    (published / "calendar").mkdir(parents=True)
    (published / "calendar" / "x.ics").write_text("old", encoding="utf-8")
    in_place = Output(published, config, in_place=True).writer("pages")
    with pytest.raises(OSError, match="disk full"):
        in_place.text_parts("calendar/x.ics", failing())
    assert os.listdir(published / "calendar") == ["x.ics"]
    assert (published / "calendar" / "x.ics").read_text(encoding="utf-8") == "old"


def test_folders_forgotten_past_the_bound_are_made_again_when_needed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(output, "FOLDERS_KEPT", 2)
    out = Output(tmp_path / "staged", BuildConfig(out_dir=tmp_path / "site", today=TODAY)).writer("pages")
    for n in range(12):
        out.text(f"f{n % 4}/g/{n}.html", str(n))
    assert len(out.output._folders) <= 2
    assert sorted(p.name for p in (tmp_path / "staged").glob("f*/g/*.html")) == sorted(f"{n}.html" for n in range(12))


def test_the_cli_reports_a_collision_as_a_message_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from stemx.cli import main

    def twice(register: Any, out: Any, config: Any) -> None:
        out.text("x.html", "")
        out.text("x.html", "")

    monkeypatch.setattr(pipeline, "stages", lambda: [Stage("feeds", twice)])
    args = ["build", "--content", str(MINIMAL), "--out", str(tmp_path / "site"), "--today", "2026-11-24"]
    assert main(args) == 1
    out, err = capsys.readouterr()
    assert "the feeds stage would both write x.html" in out + err
    assert "Traceback" not in out + err


def test_the_sitemap_lists_the_pages_in_the_manifest(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(BuildConfig(content_dir=MINIMAL, out_dir=site, today=TODAY))
    listed = (site / "sitemap.xml").read_text(encoding="utf-8")
    on_disk = sorted(p.parent.relative_to(site).as_posix() for p in site.rglob("index.html"))
    assert listed.count("<loc>") == len(on_disk)
    for page in on_disk:
        assert f"<loc>https://stem-exchange.example.org/{'' if page == '.' else page + '/'}</loc>" in listed


# -- every setting that shapes output is in every key

OTHER_TEMPLATES, OTHER_STATIC = "other-templates", "other-static"


def _changed(field: str, config: BuildConfig, tmp: Path) -> BuildConfig:
    """The same build with one setting changed (in a way that shows in the output)."""
    if field == "templates_dir":
        shutil.copytree(config.templates_dir, tmp / OTHER_TEMPLATES)
        base = tmp / OTHER_TEMPLATES / "base.html"
        base.write_text(base.read_text(encoding="utf-8").replace("</body>", "<!-- changed --></body>"), "utf-8")
        return replace(config, templates_dir=tmp / OTHER_TEMPLATES)
    if field == "static_dir":
        shutil.copytree(config.static_dir, tmp / OTHER_STATIC)
        (tmp / OTHER_STATIC / "site.css").write_text("/* changed */\n", encoding="utf-8")
        return replace(config, static_dir=tmp / OTHER_STATIC)
    if field == "previous_data":
        previous = tmp / "previous"
        shutil.copytree(config.out_dir / "data", previous)
        return replace(config, previous_data=previous)
    values = {
        "base_url": "/stem-exchange/",
        "site_origin": "https://teachers.example.org",
        "today": TODAY + timedelta(days=1),
        "repository": "another-owner/register",
        "inbox": "entries@example.org",
    }
    return replace(config, **{field: values[field]})


OUTPUT_FIELDS = [f.name for f in fields(BuildConfig) if f.name not in NOT_OUTPUT]


def test_every_setting_is_either_in_every_key_or_named_as_shaping_no_output() -> None:
    assert {"content_dir", "out_dir", "cache_dir", "strict"} == NOT_OUTPUT
    # A new BuildConfig field lands in every key by default; this list makes the test say how
    # to change it, so that the build below proves it.
    assert OUTPUT_FIELDS == [
        "base_url", "site_origin", "today", "previous_data", "templates_dir", "static_dir", "repository", "inbox",
    ]  # fmt: skip


@pytest.mark.parametrize("field", OUTPUT_FIELDS)
def test_changing_a_setting_rebuilds_every_output(tmp_path: Path, field: str) -> None:
    config = BuildConfig(content_dir=MINIMAL, out_dir=tmp_path / "site", today=TODAY, cache_dir=tmp_path / "cache")
    build(config)
    changed = _changed(field, config, tmp_path)
    assert settings_digest(changed) != settings_digest(config)
    report = build(changed)
    # The build date reaches a file through its inputs (an opportunity's status), so another
    # day reuses what it did not change (tests/site/test_incremental.py); any other setting, nothing.
    assert (report.reused > 0) if field == "today" else (report.reused == 0)
    build(replace(changed, out_dir=tmp_path / "clean", cache_dir=None))
    assert_same_site(tmp_path / "site", tmp_path / "clean")


# -- every entry field is in the keys of the outputs that show it


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


SECOND_EMPLOYER = "tamar-grid-services"

EMPLOYER_CHANGES: dict[str, object] = {
    "name": "Harbourline Marine Engineering Ltd",
    "org_id": "GB-COH-01234567",
    "summary": "Builds electric drives for harbour ferries and opens its test lab to teachers.",
    "description": "We build **electric drive systems** for ferries.",
    "website": "https://www.example.org/harbourline-marine",
    "sector": "energy-and-utilities",
    "size": "large",
    "locations": [{"name": "Harbourline Yard, Falmouth", "postcode": "TR11 4AA", "region": "south-west"}],
    "regions_served": ["south-west"],
    "subjects": ["physics"],
    "offers": ["site-visit", "cpd-session"],
    "contact": {"team": "Schools team", "email": "schools@example.org", "publish": True},
    "registered": "2026-02-02",
    "reviewed": "2026-09-02",
}
OPPORTUNITY_CHANGES: dict[str, object] = {
    "employer": SECOND_EMPLOYER,
    "title": "Battery lab visit: testing ferry power modules",
    "summary": "Watch cells being cycled and packs load-tested, with lesson-ready data sets to take away.",
    "description": "A half-day in our battery test lab, with a *live* capacity test.",
    "type": "cpd-session",
    "audience": ["fe-teachers"],
    "subjects": ["physics"],
    "format": "hybrid",
    "location": {"name": "Harbourline Yard, Falmouth", "postcode": "TR11 4AA", "region": "south-west"},
    "availability": {"kind": "on-request", "notes": "Any weekday in term time."},
    "duration_hours": 4,
    "capacity": 10,
    "cost": 25,
    "closes": "2027-03-02",
    "how_to_apply": {"instructions": "Use the booking form.", "url": "https://www.example.org/book"},
    "requirements": ["Photo ID at reception"],
    "accessibility": "Step-free throughout.",
    "status": "withdrawn",
    "published": "2026-09-30",
    "reviewed": "2026-10-03",
}


def test_the_entry_field_lists_cover_the_schemas() -> None:
    for kind, changes in (("employer", EMPLOYER_CHANGES), ("opportunity", OPPORTUNITY_CHANGES)):
        schema = json.loads((ROOT / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))
        assert set(schema["properties"]) - {"id"} == set(changes), kind  # id: tested by renaming below


def _content(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    second = _load(content / "employers" / f"{EMPLOYER}.yaml") | {"id": SECOND_EMPLOYER, "name": "Tamar Grid Services"}
    (content / "employers" / f"{SECOND_EMPLOYER}.yaml").write_text(yaml.safe_dump(second), encoding="utf-8")
    return content


CHANGES = [("employer", k) for k in EMPLOYER_CHANGES] + [("opportunity", k) for k in OPPORTUNITY_CHANGES]


@pytest.mark.parametrize(("kind", "field"), [*CHANGES, ("employer", "id"), ("opportunity", "id")])
def test_changing_an_entry_field_rebuilds_what_shows_it(tmp_path: Path, kind: str, field: str) -> None:
    content = _content(tmp_path)
    config = BuildConfig(content_dir=content, out_dir=tmp_path / "site", today=TODAY, cache_dir=tmp_path / "cache")
    build(config)
    before = inodes(tmp_path / "site")
    entry_id = EMPLOYER if kind == "employer" else OPPORTUNITY
    folder = {"employer": "employers", "opportunity": "opportunities"}[kind]
    path = content / folder / f"{entry_id}.yaml"
    data = _load(path)
    if field == "id":
        entry_id = data["id"] = entry_id + "-renamed"
        path.unlink()
        path = path.with_name(f"{entry_id}.yaml")
        if kind == "employer":  # its opportunity follows it
            opportunity = content / "opportunities" / f"{OPPORTUNITY}.yaml"
            opportunity.write_text(yaml.safe_dump(_load(opportunity) | {"employer": entry_id}), encoding="utf-8")
    else:
        changes = EMPLOYER_CHANGES if kind == "employer" else OPPORTUNITY_CHANGES
        assert data.get(field) != changes[field]
        data[field] = changes[field]
        if field == "availability":
            data.pop("closes", None)  # a closing date is for dated opportunities only
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    report = build(config)
    assert report.reused > 0  # the rest of the site was linked, not made again
    after = inodes(tmp_path / "site")
    for shown in (f"{folder}/{entry_id}/index.html", f"data/{folder}.csv", f"data/{folder}.json"):
        assert after[shown] != before.get(shown), shown  # made again, not linked
    build(replace(config, out_dir=tmp_path / "clean", cache_dir=None))
    assert_same_site(tmp_path / "site", tmp_path / "clean")


def test_an_unchanged_register_carries_data_and_the_search_index_over_whole(tmp_path: Path) -> None:
    config = BuildConfig(content_dir=MINIMAL, out_dir=tmp_path / "site", today=TODAY, cache_dir=tmp_path / "cache")
    build(config)
    before = inodes(tmp_path / "site")
    report = build(config)
    after = inodes(tmp_path / "site")
    pages = ("data/index.html", "data/dictionary/index.html")  # the data pages stage writes those
    carried = [p for p in after if p.startswith(("data/", "search/index-")) and p not in pages]
    assert len(carried) > 40
    assert [p for p in carried if after[p] != before[p]] == []  # linked from the last build, not made again
    assert report.reused >= len(carried)


def test_a_file_written_where_a_published_one_was_linked_replaces_the_link_not_the_published_file(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    (site / "a" / "b").mkdir(parents=True)
    (site / "a" / "b" / "page.html").write_text("published")
    output = Output(tmp_path / "staging", BuildConfig(out_dir=site, today=TODAY))
    (tmp_path / "staging").mkdir()
    assert output.link("a/b/page.html")  # a folder made on the way, and the file linked into it
    output.put("a/b/page.html", b"new")
    output.put("c/d/e/other.html", b"in folders made on the way")
    assert (site / "a" / "b" / "page.html").read_text() == "published"
    assert (tmp_path / "staging" / "a" / "b" / "page.html").read_text() == "new"
    assert (tmp_path / "staging" / "c" / "d" / "e" / "other.html").read_bytes() == b"in folders made on the way"


# -- a rebuild patches the published site


def _settled(parent: Path, deadline: float = 30) -> list[str]:
    """The folder's names once the replaced copies' background removal has finished."""
    end = time.monotonic() + deadline
    while any(".old-" in p.name for p in parent.iterdir()) and time.monotonic() < end:
        time.sleep(0.05)
    return sorted(p.name for p in parent.iterdir())


def test_a_rebuild_moves_only_what_changed_into_the_published_site_and_deletes_what_went(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)  # the sample register: a change leaves most files as they are
    path = sorted((content / "opportunities").glob("*.yaml"))[0]
    employer = _load(path)["employer"]
    other = next(p.stem for p in sorted((content / "employers").glob("*.yaml")) if p.stem != employer)
    gone = content / "employers" / "gone-employer.yaml"
    gone.write_text(yaml.safe_dump(_load(content / "employers" / f"{other}.yaml") | {"id": gone.stem}))
    config = BuildConfig(content_dir=content, out_dir=tmp_path / "site", today=TODAY, cache_dir=tmp_path / "cache")
    build(config)
    site = tmp_path / "site"
    (site / "static" / "stray.txt").write_text("not made by this build", encoding="utf-8")
    folder, before = site.stat().st_ino, inodes(site)
    path.write_text(yaml.safe_dump(_load(path) | {"title": "A patched title"}), encoding="utf-8")
    gone.unlink()
    report = build(config)
    after = inodes(site)
    assert site.stat().st_ino == folder  # patched where it stands, not replaced by a new folder
    page = f"opportunities/{path.stem}/index.html"
    assert after[page] != before[page]
    unchanged = f"employers/{other}/index.html"
    assert after[unchanged] == before[unchanged]  # left where it was
    assert report.reused > len(after) / 2
    assert before[f"employers/{gone.stem}/index.html"]
    assert not (site / "employers" / gone.stem).exists()  # its page and its folder went
    assert not (site / "static" / "stray.txt").exists()  # a folder one stage owns is replaced whole
    assert _settled(tmp_path) == ["cache", "content", "site"]  # no staging or replaced copy left
    build(replace(config, out_dir=tmp_path / "clean", cache_dir=None))
    assert_same_site(site, tmp_path / "clean")


def test_large_files_a_rebuild_replaces_are_freed_after_it_not_while_it_moves_files_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Freeing a replaced file's blocks is slow for the data files (hundreds of MB): they are
    linked into the staging folder, which is removed in the background once the site is whole."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    config = BuildConfig(content_dir=content, out_dir=tmp_path / "site", today=TODAY, cache_dir=tmp_path / "cache")
    build(config)
    data = tmp_path / "site" / "data" / "opportunities.csv"
    old = data.read_bytes()
    path = sorted((content / "opportunities").glob("*.yaml"))[0]
    path.write_text(yaml.safe_dump(_load(path) | {"title": "A patched title"}), encoding="utf-8")
    later: list[Path] = []
    monkeypatch.setattr(output, "LARGE", len(old))  # the sample's data files are small: this one counts
    monkeypatch.setattr(publish, "remove_later", later.extend)
    build(config)
    assert b"A patched title" in data.read_bytes()
    [staging] = [p for p in later if (p / REPLACED).is_dir()]
    kept = {p.name: p.stat().st_size for p in (staging / REPLACED).iterdir()}
    assert "data%opportunities.csv" in kept and min(kept.values()) >= len(old)  # only the large ones
    assert (staging / REPLACED / "data%opportunities.csv").read_bytes() == old
    assert ".replaced" not in {p.name for p in (tmp_path / "site").rglob("*")}


def test_large_files_a_rebuild_replaces_are_written_out_as_they_are_finished(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Renaming a file over another makes ext4 write it out there and then: the large files a
    rebuild replaces are handed to a thread that writes them out as soon as each is finished."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    config = BuildConfig(content_dir=content, out_dir=tmp_path / "site", today=TODAY, cache_dir=tmp_path / "cache")
    written: list[str] = []
    real = output._write_out
    monkeypatch.setattr(output, "_write_out", lambda path: (written.append(path), real(path)))
    monkeypatch.setattr(output, "LARGE", 1)
    build(config)
    assert written == []  # a first build replaces nothing
    csv = tmp_path / "site" / "data" / "opportunities.csv"
    monkeypatch.setattr(output, "LARGE", csv.stat().st_size // 2)  # the sample's data files are small: this counts
    path = sorted((content / "opportunities").glob("*.yaml"))[0]
    path.write_text(yaml.safe_dump(_load(path) | {"title": "A patched title"}), encoding="utf-8")
    build(config)
    assert all(".staging-" in p for p in written)  # the new copy, never the published one
    relative = [p.split(".staging-", 1)[1].partition("/")[2] for p in written]
    assert "data/opportunities.csv" in relative and "robots.txt" not in relative  # rewritten, but small
    assert all((tmp_path / "site" / p).stat().st_size >= output.LARGE for p in relative)
    assert b"A patched title" in csv.read_bytes()
    build(replace(config, out_dir=tmp_path / "clean", cache_dir=None))
    assert_same_site(tmp_path / "site", tmp_path / "clean")


def test_files_made_from_the_settings_alone_stay_where_they_are_in_a_rebuild(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The static files, the search runtime, the about pages, the forms and the sitemap are not
    written again for a changed entry; the employer picker's files only when an employer's name or place
    changed, and they are not even made while no employer's file changed."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    config = BuildConfig(content_dir=content, out_dir=tmp_path / "site", today=TODAY, cache_dir=tmp_path / "cache")
    build(config)
    before = inodes(tmp_path / "site")
    shards = record_calls(monkeypatch, "employer_shards", submission_pages)
    path = sorted((content / "opportunities").glob("*.yaml"))[0]
    path.write_text(yaml.safe_dump(_load(path) | {"title": "A patched title"}), encoding="utf-8")
    build(config)
    after = inodes(tmp_path / "site")
    fixed = [
        p for p in before
        if p.startswith(("static/", "search/sqlite-wasm-", "about/", "submit/"))
        or p in ("404.html", "plan/index.html", "sitemap.xml", "robots.txt")  # the same pages: the same sitemap
    ]  # fmt: skip
    assert len([p for p in fixed if p.startswith("submit/employers/")]) > 1
    assert {p: after.get(p) for p in fixed} == {p: before[p] for p in fixed}
    assert after[f"opportunities/{path.stem}/index.html"] != before[f"opportunities/{path.stem}/index.html"]
    assert shards == []
    employer = sorted((content / "employers").glob("*.yaml"))[0]
    employer.write_text(yaml.safe_dump(_load(employer) | {"name": "Zebracorn Engineering"}), encoding="utf-8")
    build(config)
    picker = inodes(tmp_path / "site")
    assert "submit/employers/ze.json" in picker  # a new word, a new file
    assert picker["submit/employers/index.json"] != after["submit/employers/index.json"]
    assert picker["about/index.html"] == before["about/index.html"]
    assert len(shards) == 1
    (tmp_path / "site/submit/employers/ze.json").unlink()  # gone from the published site: made again
    build(config)
    assert len(shards) == 2 and (tmp_path / "site/submit/employers/ze.json").is_file()
    build(replace(config, out_dir=tmp_path / "clean", cache_dir=None))
    assert_same_site(tmp_path / "site", tmp_path / "clean")


def test_a_rebuild_that_changes_most_files_is_swapped_in_whole_with_the_rest_linked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Moving most files in one by one would leave visitors a mix of old and new pages for longer
    than a swap. In a one-opportunity register a new title shows on many pages, though the about
    pages, forms and static files stay: here a rebuild must keep nearly every file to be moved in."""
    monkeypatch.setattr(output, "PATCH_KEPT", 0.95)
    content = _content(tmp_path)
    config = BuildConfig(content_dir=content, out_dir=tmp_path / "site", today=TODAY, cache_dir=tmp_path / "cache")
    build(config)
    folder, before = (tmp_path / "site").stat().st_ino, inodes(tmp_path / "site")
    path = content / "opportunities" / f"{OPPORTUNITY}.yaml"
    path.write_text(yaml.safe_dump(_load(path) | {"title": "A new title"}), encoding="utf-8")
    report = build(config)
    after = inodes(tmp_path / "site")
    assert (tmp_path / "site").stat().st_ino != folder
    unchanged = f"employers/{SECOND_EMPLOYER}/index.html"
    assert report.reused > 0 and after[unchanged] == before[unchanged]  # linked into the new site, not made
    build(replace(config, out_dir=tmp_path / "clean", cache_dir=None))
    assert_same_site(tmp_path / "site", tmp_path / "clean")


def test_a_folder_one_stage_owns_is_replaced_whole_so_a_removed_file_goes(tmp_path: Path) -> None:
    static = tmp_path / "static"
    shutil.copytree(ROOT / "static", static)
    config = BuildConfig(
        content_dir=MINIMAL, out_dir=tmp_path / "site", today=TODAY, cache_dir=tmp_path / "cache", static_dir=static
    )
    (static / "old-file.txt").write_text("to be removed", encoding="utf-8")
    build(config)
    assert (tmp_path / "site" / "static" / "old-file.txt").exists()
    (static / "old-file.txt").unlink()
    build(config)
    assert not (tmp_path / "site" / "static" / "old-file.txt").exists()
    build(replace(config, out_dir=tmp_path / "clean", cache_dir=None))
    assert_same_site(tmp_path / "site", tmp_path / "clean")


def test_a_site_whose_last_patch_was_cut_short_is_built_again_whole(tmp_path: Path) -> None:
    config = BuildConfig(content_dir=MINIMAL, out_dir=tmp_path / "site", today=TODAY, cache_dir=tmp_path / "cache")
    build(config)
    # What a build stopped while moving files in leaves: no manifest id, some files of each build.
    (tmp_path / "site" / MANIFEST_ID).unlink()
    (tmp_path / "site" / f"opportunities/{OPPORTUNITY}/index.html").write_text("half of a patch", encoding="utf-8")
    folder = (tmp_path / "site").stat().st_ino
    report = build(config)
    assert report.reused == 0
    assert (tmp_path / "site").stat().st_ino != folder  # made whole and swapped in
    build(replace(config, out_dir=tmp_path / "clean", cache_dir=None))
    assert_same_site(tmp_path / "site", tmp_path / "clean")


def test_a_rebuild_that_fails_leaves_the_published_site_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = BuildConfig(content_dir=MINIMAL, out_dir=tmp_path / "site", today=TODAY, cache_dir=tmp_path / "cache")
    build(config)
    before = site_files(tmp_path / "site")
    real = pipeline.stages

    def broken(register: Any, out: Any, cfg: Any, *_: Any) -> None:
        out.text("half.html", "half a site")
        raise BuildError("a stage failed")

    monkeypatch.setattr(pipeline, "stages", lambda: [*real()[:-1], Stage("broken", broken, after=("open data",))])
    with pytest.raises(BuildError):
        build(config)
    assert site_files(tmp_path / "site") == before
    assert (tmp_path / "site" / MANIFEST_ID).exists()  # still reused from: nothing of it changed
    assert _settled(tmp_path) == ["cache", "site"]


def test_a_rebuild_after_a_failed_one_patches_nothing_from_what_the_failed_one_kept(
    sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build that fails after the search and open-data stages have updated their caches (the
    kept search records, the data files' layout) leaves the published index and data files as
    they were: the next build must not take those caches for theirs."""
    config = cached(sample_copy)
    build(config)
    set_fields(opportunity_file(sample_copy, 3), title="Zebracorn quantum workshop")
    real = pipeline.stages

    def broken(*_: Any) -> None:
        raise BuildError("a stage failed")

    monkeypatch.setattr(pipeline, "stages", lambda: [*real(), Stage("broken", broken, after=("sitemap",))])
    with pytest.raises(BuildError):
        build(config)
    monkeypatch.setattr(pipeline, "stages", real)
    set_fields(opportunity_file(sample_copy, 7), title="Unicornfish robotics day")
    build(config)
    build(replace(config, out_dir=tmp_path / "clean", cache_dir=None))
    assert_same_site(config.out_dir, tmp_path / "clean", ("zebracorn", "unicornfish"))


def test_the_manifests_lines_are_made_and_read_without_setting_the_collector_off() -> None:
    """A rebuild at 10,000 employers hands over, merges, reads and saves about 100,000 lines: the
    collections they set off scanned every object not frozen for nothing (0.3 s a rebuild)."""
    import gc

    made = {f"opportunities/o{n}/index.html": output.Made("pages", bytes(16)) for n in range(20_000)}
    collections: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(count)
    try:
        assert output._loads(output._dumps(made, {}, sort=True))[0] == made
    finally:
        gc.callbacks.remove(count)
    assert len(collections) <= 1  # the young objects' one collection, once the pause is over (29 without it)


def test_the_published_sites_manifest_is_frozen_with_the_register(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its lines live to the end of the build: not frozen, a full collection in the middle of
    the stages scanned them all again (0.15 s of a rebuild at 10,000 employers)."""
    import gc

    frozen: list[int] = []  # objects frozen as the Output is made, then as the stages start
    stages, made = pipeline.run_stages, output.Output.__init__
    monkeypatch.setattr(output.Output, "__init__", lambda *a: frozen.append(gc.get_freeze_count()) or made(*a))
    monkeypatch.setattr(pipeline, "run_stages", lambda *a: frozen.append(gc.get_freeze_count()) or stages(*a))
    shutil.copytree(MINIMAL, tmp_path / "content")
    config = cached(tmp_path / "content")
    build(config)  # no manifest to read: saves one
    frozen.clear()
    build(config)  # reads it
    lines = len(output._loads(next(config.cache_dir.glob("manifest-*")).read_bytes())[0])
    assert frozen[1] - frozen[0] >= lines  # a line is a tuple the collector tracks
