"""Rebuilds with the cache render only what changed, and give exactly what a clean build gives."""

import shutil
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from stemx import pipeline
from stemx.config import BuildConfig
from stemx.pipeline import build
from stemx.schedule import Stage
from tests.conftest import ROOT, TODAY, a_quiet_day, assert_same_site, record_calls

OPPORTUNITY = "opportunities/don-cnc-internal-course.yaml"  # offered by don-precision-forgings
EMPLOYER = "employers/don-precision-forgings.yaml"
UNRELATED_PAGE = "opportunities/ribble-composite-repair-cpd/index.html"  # another employer's


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def add_opportunity(content: Path) -> None:
    new = content / "opportunities" / "don-cnc-second-course.yaml"
    shutil.copy(content / OPPORTUNITY, new)
    edit(new, "id: don-cnc-internal-course", "id: don-cnc-second-course")


CHANGES: dict[str, Callable[[Path], None]] = {
    "an opportunity's title": lambda c: edit(c / OPPORTUNITY, "title: Join", "title: Now join"),
    "an employer's name": lambda c: edit(c / EMPLOYER, "name: ", "name: Renamed "),
    # Changes the counts in other lists' filter panels (within a type, by subject), not their cards.
    "an opportunity's subjects": lambda c: edit(c / OPPORTUNITY, "mechanical-engineering]", "electrical-engineering]"),
    "a new opportunity": add_opportunity,
    "a removed opportunity": lambda c: (c / OPPORTUNITY).unlink(),
    "nothing": lambda c: None,
}


def config(content: Path, out: Path, cache: Path | None, today=TODAY) -> BuildConfig:
    return BuildConfig(content_dir=content, out_dir=out, today=today, cache_dir=cache)


@pytest.mark.parametrize("change", CHANGES)
def test_a_rebuild_after_a_change_equals_a_clean_build(tmp_path: Path, change: str) -> None:
    content, site, cache = tmp_path / "content", tmp_path / "site", tmp_path / "cache"
    shutil.copytree(ROOT / "content", content)
    build(config(content, site, cache))
    before = (site / UNRELATED_PAGE).stat().st_ino
    CHANGES[change](content)
    build(config(content, site, cache))
    build(config(content, tmp_path / "clean", None))

    assert_same_site(site, tmp_path / "clean")
    assert (site / UNRELATED_PAGE).stat().st_ino == before  # carried over, not rendered again


def test_a_lists_filter_panel_follows_a_change_shown_on_another_of_its_pages(tmp_path: Path, monkeypatch) -> None:
    """Within a type's list, the filters count its opportunities by subject. Two opportunities
    of different types swapping subjects leave every count of the whole register as it was but
    change those within each type, on every page of the list, not only the one showing the card."""
    from stemx.site import pages

    monkeypatch.setattr(pages, "PAGE_SIZE", 2)  # the sample's lists then run to several pages
    content, site, cache = tmp_path / "content", tmp_path / "site", tmp_path / "cache"
    shutil.copytree(ROOT / "content", content)
    build(config(content, site, cache))
    a, b = content / OPPORTUNITY, content / "opportunities" / "ribble-composite-repair-cpd.yaml"
    lines = {
        p: next(line for line in p.read_text(encoding="utf-8").splitlines() if line.startswith("subjects:"))
        for p in (a, b)
    }
    types = {
        p: next(line for line in p.read_text(encoding="utf-8").splitlines() if line.startswith("type:")) for p in (a, b)
    }
    assert lines[a] != lines[b] and types[a] != types[b]
    edit(a, lines[a], lines[b])
    edit(b, lines[b], lines[a])
    build(config(content, site, cache))
    assert (site / "opportunities" / "type" / "internal-training" / "page" / "3" / "index.html").exists()
    build(config(content, tmp_path / "clean", None))
    assert_same_site(site, tmp_path / "clean")


@pytest.mark.parametrize("days", [None, 60, 400], ids=["a quiet day", "60 days on", "400 days on"])
def test_a_rebuild_for_another_day_equals_a_clean_build(tmp_path: Path, days: int | None) -> None:
    """Page keys leave out the build date (an opportunity's status and dates still to come are
    in its inputs), so a daily build renders again only the pages of what the day changed."""
    content, site, cache = tmp_path / "content", tmp_path / "site", tmp_path / "cache"
    shutil.copytree(ROOT / "content", content)
    later, moved = a_quiet_day(content) if days is None else (TODAY + timedelta(days=days), [])
    first = later - timedelta(days=1) if days is None else TODAY
    build(config(content, site, cache, today=first))
    pages = {
        p: (site / p).stat().st_ino
        for p in (f"opportunities/{o.stem}/index.html" for o in (content / "opportunities").glob("*.yaml"))
    }
    build(config(content, site, cache, today=later))
    build(config(content, tmp_path / "clean", None, today=later))
    assert_same_site(site, tmp_path / "clean")
    if days is None:
        rendered = sorted(p.split("/")[1] for p, inode in pages.items() if (site / p).stat().st_ino != inode)
        assert rendered == moved


def test_a_site_built_without_the_cache_is_never_mixed_in(tmp_path: Path) -> None:
    content, site, cache = tmp_path / "content", tmp_path / "site", tmp_path / "cache"
    shutil.copytree(ROOT / "content", content)
    build(config(content, site, cache))
    edit(content / OPPORTUNITY, "title: Join", "title: Now join")
    build(config(content, site, None))  # the manifest in the cache no longer describes site/
    edit(content / OPPORTUNITY, "title: Now join", "title: Join")
    build(config(content, site, cache))
    build(config(content, tmp_path / "clean", None))
    assert_same_site(site, tmp_path / "clean")


def test_a_failed_rebuild_leaves_every_published_file_as_it_was(tmp_path: Path, monkeypatch) -> None:
    # Carried-over files are links to the published ones: a later stage rewriting one of them
    # (the data pages write into the carried-over data/ folder) must not write through the link.
    content, site, cache = tmp_path / "content", tmp_path / "site", tmp_path / "cache"
    shutil.copytree(ROOT / "content", content)
    build(config(content, site, cache))
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    edit(content / OPPORTUNITY, "title: Join", "title: Now join")
    stages = pipeline.stages()

    def broken(*args: object) -> None:
        raise RuntimeError("stage failed")

    monkeypatch.setattr(pipeline, "stages", lambda: [*stages[:-1], Stage("broken", broken, after=stages[-1].after)])
    with pytest.raises(RuntimeError):
        build(config(content, site, cache))
    after = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before


def test_a_changed_opportunitys_calendars_take_the_others_events_from_the_published_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A place's, subject's or type's calendar that shows a changed opportunity is written again,
    but the other opportunities' events in it are taken from the published file, not made again."""
    from stemx.site import calendar

    content, site, cache = tmp_path / "content", tmp_path / "site", tmp_path / "cache"
    shutil.copytree(ROOT / "content", content)
    build(config(content, site, cache))
    calls, real = tmp_path / "calls", calendar.event_block

    def event_block(register, o, config):  # the pages process is forked: its calls are written down
        with calls.open("a") as f:
            f.write(o.id + "\n")
        return real(register, o, config)

    monkeypatch.setattr(calendar, "event_block", event_block)
    before = {p.relative_to(site).as_posix(): p.read_bytes() for p in (site / "calendar").rglob("*.ics")}
    CHANGES["an opportunity's title"](content)
    build(config(content, site, cache))
    made = calls.read_text().split()
    assert set(made) == {"don-cnc-internal-course"}
    rewritten = [p for p, data in before.items() if (site / p).read_bytes() != data and "/" in p[len("calendar/") :]]
    assert len(rewritten) == len(made) >= 3  # its type's, subjects' and place's calendars, each made once
    build(config(content, tmp_path / "clean", None))
    assert_same_site(site, tmp_path / "clean")


def test_the_events_of_a_published_calendar_are_found_by_opportunity() -> None:
    from stemx.content import load_register
    from stemx.site import calendar

    register = load_register(ROOT / "content", TODAY)
    dated = [o for o in register.opportunities.values() if len(o.sessions) > 1][:2]
    long_id = "a" * 80  # its events' UID lines are folded
    dated.append(replace(dated[0], id=long_id))
    blocks = {o.id: calendar.event_block(register, o, BuildConfig(today=TODAY)) for o in dated}
    text = calendar.calendar_of_blocks("A calendar", blocks.values(), calendar.timed_years(dated))
    assert "\r\n " in blocks[long_id].split("SUMMARY")[0]
    assert calendar.event_blocks(text) == blocks
    assert calendar.event_blocks(text.replace("UID:", "X-UID:")) == {}  # not one this module wrote: nothing taken
    assert calendar.event_blocks("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n") == {}


@pytest.mark.parametrize("change", CHANGES)
def test_a_rebuild_keeps_unchanged_batches_of_pages_whole_without_a_key_for_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    """Batches of ten opportunities' and employers' pages, and lists of two cards a page: a
    rebuild keys only the pages of the batches and lists that hold what changed (a new entry, or
    a name that moves its employer in the list, shifts the batches after it: their pages are
    then kept by their own keys), and equals a clean build. The pages stage runs in this
    process here, so that its calls are seen."""
    from stemx import site as site_module
    from stemx.output import Writer
    from stemx.site import pages

    monkeypatch.setattr(site_module, "ENTRIES_PER_PIECE", 10)
    monkeypatch.setattr(pages, "PAGE_SIZE", 2)
    every = pipeline.stages
    monkeypatch.setattr(pipeline, "stages", lambda: [replace(s, where="here", shared=False) for s in every()])
    content, site, cache = tmp_path / "content", tmp_path / "site", tmp_path / "cache"
    shutil.copytree(ROOT / "content", content)
    build(config(content, site, cache))
    CHANGES[change](content)
    calls = record_calls(monkeypatch, "key", Writer)
    build(config(content, site, cache))
    keyed = [file for _, file, _ in calls]

    def pages_of(folder: str) -> set[str]:
        return {f.split("/")[1] for f in keyed if f.startswith(folder) and f.count("/") == 2}

    lists = {  # each list of cards by its first page's folder, outside the entries' own pages
        f.split("/page/")[0].removesuffix("index.html")
        for f in keyed
        if f.startswith(("opportunities/", "employers/")) and f.endswith("index.html") and f.count("/") != 2
    }
    assert len(list((content / "opportunities").glob("*.yaml"))) > 60
    assert len(list((content / "employers").glob("*.yaml"))) > 30
    if change == "an opportunity's title":
        assert "don-cnc-internal-course" in pages_of("opportunities/") and len(pages_of("opportunities/")) <= 10
        assert "don-precision-forgings" in pages_of("employers/") and len(pages_of("employers/")) <= 10
        assert "opportunities/" in lists and len(lists) < 20  # of about a hundred lists
    if change == "nothing":
        assert pages_of("opportunities/") == pages_of("employers/") == lists == set()
    build(config(content, tmp_path / "clean", None))
    assert_same_site(site, tmp_path / "clean")


def test_a_page_removed_from_a_batch_the_rebuild_keeps_is_made_again(tmp_path: Path) -> None:
    content, site, cache = tmp_path / "content", tmp_path / "site", tmp_path / "cache"
    shutil.copytree(ROOT / "content", content)
    build(config(content, site, cache))
    (site / UNRELATED_PAGE).unlink()  # by hand, say: the batch holding it is checked file by file
    edit(content / OPPORTUNITY, "title: Join", "title: Now join")
    build(config(content, site, cache))
    build(config(content, tmp_path / "clean", None))
    assert_same_site(site, tmp_path / "clean")
