"""Live edits under serve (live.py): a saved entry's own pages are rewritten in place, the same
bytes a whole build writes, and the manifest stays true so the next build reuses correctly."""

import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from stemx.cache import cache_file
from stemx.config import BuildConfig
from stemx.live import Live
from stemx.output import BATCH, MANIFEST_ID, _loads
from stemx.pipeline import build
from stemx.site import STAGE
from tests.conftest import ROOT, TODAY, assert_same_site

NEW_TITLE = "Wind turbine blade inspection: a live edited title"


@pytest.fixture
def served(tmp_path: Path) -> tuple[BuildConfig, Live]:
    """The sample content copied, built with a cache (as serve builds it), and a Live on its register."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    config = BuildConfig(content_dir=content, out_dir=tmp_path / "site", cache_dir=tmp_path / "cache", today=TODAY)
    report = build(config)
    assert report.register is not None
    return config, Live(config, report.register)


def fresh(config: BuildConfig) -> Path:
    """The same content built from nothing: what every page must equal."""
    out = config.out_dir.with_name("fresh")
    shutil.rmtree(out, ignore_errors=True)
    build(replace(config, out_dir=out, cache_dir=None))
    return out


def with_sessions(config: BuildConfig) -> Path:
    """An opportunity file with dated sessions (so it has a calendar of its own)."""
    for path in sorted((config.content_dir / "opportunities").glob("*.yaml")):
        if "\n  kind: dates" in path.read_text():
            return path
    raise AssertionError("no sample opportunity has sessions")


def retitle(path: Path, title: str) -> str:
    old = path.read_text()
    path.write_text(re.sub(r"^title: .*$", f'title: "{title}"', old, count=1, flags=re.M))
    return old


def employer_of(path: Path) -> str:
    found = re.search(r"^employer: (\S+)", path.read_text(), flags=re.M)
    assert found
    return found[1]


def same(config: BuildConfig, reference: Path, *pages: str) -> None:
    for page in pages:
        assert (config.out_dir / page).read_bytes() == (reference / page).read_bytes(), page


def test_a_saved_title_rewrites_the_entry_pages_as_a_whole_build_would(served) -> None:
    config, live = served
    path = with_sessions(config)
    retitle(path, NEW_TITLE)
    edit = live.apply({path})
    assert edit is not None and not edit.failed
    assert edit.seconds < 5
    employer = employer_of(path)
    assert edit.pages == [f"opportunities/{path.stem}/", f"employers/{employer}/"]
    page = f"opportunities/{path.stem}/index.html"
    assert NEW_TITLE in (config.out_dir / page).read_text()
    # The lists follow with the next whole build, not before.
    assert NEW_TITLE not in (config.out_dir / "opportunities" / "index.html").read_text()
    reference = fresh(config)
    same(config, reference, page, f"employers/{employer}/index.html", f"calendar/{path.stem}.ics")

    report = build(config)  # what serve runs next
    assert report.reused > 100  # the manifest was kept: unchanged pages are reused, not rendered
    assert_same_site(config.out_dir, reference)


def test_a_national_registers_digests_come_with_its_entries_to_a_live_edit(tmp_path: Path, monkeypatch) -> None:
    """Its stores keep the files' digests (not a dict by path): an edit still keys every entry,
    so the pages the edit did not touch are reused by the next build."""
    from stemx import entrystore

    monkeypatch.setattr(entrystore, "ENTRIES_IN_MEMORY", 0)
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    config = BuildConfig(content_dir=content, out_dir=tmp_path / "site", cache_dir=tmp_path / "cache", today=TODAY)
    report = build(config)
    assert report.register is not None and report.register.digests == {} and report.register.digested
    live = Live(config, report.register)
    path = with_sessions(config)
    retitle(path, NEW_TITLE)
    edit = live.apply({path})
    assert edit is not None and not edit.failed
    assert len(live.register.digests) == len(report.register.employers) + len(report.register.opportunities)
    assert NEW_TITLE in (config.out_dir / f"opportunities/{path.stem}/index.html").read_text()
    assert build(config).reused > 100


def test_an_employer_edit_rewrites_its_opportunities_pages(served) -> None:
    config, live = served
    opportunity = with_sessions(config)
    employer = config.content_dir / "employers" / f"{employer_of(opportunity)}.yaml"
    text = employer.read_text()
    employer.write_text(re.sub(r"^name: .*$", "name: Renamed Employer Ltd (sample)", text, count=1, flags=re.M))
    edit = live.apply({employer})
    assert edit is not None and not edit.failed
    assert f"opportunities/{opportunity.stem}/" in edit.pages
    assert "Renamed Employer Ltd" in (config.out_dir / f"opportunities/{opportunity.stem}/index.html").read_text()
    same(config, fresh(config), f"opportunities/{opportunity.stem}/index.html", f"employers/{employer.stem}/index.html")


def test_an_invalid_edit_is_reported_by_file_line_and_field_and_changes_nothing(served) -> None:
    config, live = served
    path = with_sessions(config)
    page = config.out_dir / f"opportunities/{path.stem}/index.html"
    before = page.read_bytes()
    path.write_text(re.sub(r"^format: .*$", "format: by pigeon", path.read_text(), count=1, flags=re.M))
    edit = live.apply({path})
    assert edit is not None and edit.failed and edit.pages == []
    problem = next(p for p in edit.problems if p.severity == "error")
    assert problem.path.endswith(f"opportunities/{path.name}") and problem.line > 1 and problem.field == "format"
    assert page.read_bytes() == before
    assert (config.out_dir / MANIFEST_ID).exists()  # nothing written, so reuse stays on


def test_a_removed_opportunity_loses_its_page_and_leaves_its_employer(served) -> None:
    config, live = served
    path = with_sessions(config)
    employer = employer_of(path)
    path.unlink()
    edit = live.apply({path})
    assert edit is not None and not edit.failed
    assert not (config.out_dir / "opportunities" / path.stem).exists()  # no empty folder to list
    assert not (config.out_dir / "calendar" / f"{path.stem}.ics").exists()
    reference = fresh(config)
    same(config, reference, f"employers/{employer}/index.html")
    build(config)
    assert_same_site(config.out_dir, reference)


def test_a_withdrawn_opportunity_loses_its_calendar_file_at_once(served) -> None:
    """Its page no longer offers the dates, so the file goes with the edit, as a whole build leaves it out."""
    config, live = served
    path = with_sessions(config)
    calendar = config.out_dir / "calendar" / f"{path.stem}.ics"
    assert calendar.is_file()
    path.write_text(path.read_text() + "status: withdrawn\n")
    edit = live.apply({path})
    assert edit is not None and not edit.failed
    assert not calendar.exists()
    reference = fresh(config)
    same(config, reference, f"opportunities/{path.stem}/index.html")
    build(config)
    assert_same_site(config.out_dir, reference)


def test_a_new_opportunity_is_live_at_once(served) -> None:
    config, live = served
    source = with_sessions(config)
    copy = source.with_name("a-new-sample-opportunity.yaml")
    copy.write_text(re.sub(r"^id: .*$", f"id: {copy.stem}", source.read_text(), count=1, flags=re.M))
    edit = live.apply({copy})
    assert edit is not None and not edit.failed
    same(config, fresh(config), f"opportunities/{copy.stem}/index.html", f"employers/{employer_of(copy)}/index.html")


def test_an_edit_undone_while_serve_is_stopped_is_not_reused_stale(served) -> None:
    """serve is stopped after a live edit, before its whole build; the edit is undone; a cold
    build must then rewrite the page the live edit left, not reuse it."""
    config, live = served
    path = with_sessions(config)
    original = retitle(path, NEW_TITLE)
    live.apply({path})
    path.write_text(original)
    build(config)
    page = f"opportunities/{path.stem}/index.html"
    assert NEW_TITLE not in (config.out_dir / page).read_text()
    assert_same_site(config.out_dir, fresh(config))


def test_changes_that_are_not_entry_files_are_left_to_the_whole_build(served) -> None:
    config, live = served
    assert live.apply({ROOT / "templates" / "opportunity.html"}) is None
    readme = config.content_dir / "opportunities" / "README.md"
    readme.write_text("notes")
    assert live.apply({readme}) is None
    employer = next((config.content_dir / "employers").glob("*.yaml"))
    employer.unlink()  # its opportunities would be left without one
    assert live.apply({employer}) is None


def test_a_live_edit_drops_only_the_batches_that_hold_what_it_rewrote(served) -> None:
    """The next whole build keeps the other batches of pages whole (Writer.batch), by their keys."""
    config, live = served
    manifest = cache_file(config.cache_dir, "manifest", config.out_dir)

    def batches() -> set[str]:
        return {name for name in _loads(manifest.read_bytes())[1] if BATCH in name}

    before = batches()
    path = with_sessions(config)
    retitle(path, NEW_TITLE)
    live.apply({path})
    after = batches()
    dropped = before - after
    assert dropped and after and after < before
    for name in dropped:  # the entries' batch holding its page, the one holding its employer's
        assert "#entries from " in name or "#employers from " in name
    assert f"{STAGE}#opportunities/" in after  # the lists are as the last whole build left them
    build(config)
    assert batches() == before
    assert_same_site(config.out_dir, fresh(config))
