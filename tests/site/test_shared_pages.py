"""The pages stage shared between its own process and the main one gives the site one process gives."""

import dataclasses
import os
import time
from pathlib import Path

from stemx import pipeline, site
from stemx.config import BuildConfig
from tests.conftest import ROOT, TODAY, assert_same_site


def test_pages_shared_between_two_processes_equal_pages_made_in_one(tmp_path: Path, monkeypatch) -> None:
    rendered_by = tmp_path / "rendered-by"
    one_page = site.opportunity_page

    def slow_page(s, o):  # slow enough that the main process is done with its stages before the pages are
        time.sleep(0.05)
        with rendered_by.open("a") as f:
            f.write(f"{os.getpid()}\n")
        one_page(s, o)

    real = pipeline.stages
    monkeypatch.setattr(site, "opportunity_page", slow_page)
    monkeypatch.setattr(site, "ENTRIES_PER_PIECE", 2)
    pipeline.build(BuildConfig(content_dir=ROOT / "content", out_dir=tmp_path / "shared", today=TODAY))
    assert str(os.getpid()) in rendered_by.read_text().split()  # the main process took pieces
    assert len(set(rendered_by.read_text().split())) == 2  # and so did the pages process

    monkeypatch.setattr(pipeline, "stages", lambda: [dataclasses.replace(s, shared=False) for s in real()])
    pipeline.build(BuildConfig(content_dir=ROOT / "content", out_dir=tmp_path / "one", today=TODAY))
    assert_same_site(tmp_path / "shared", tmp_path / "one")


def test_the_browse_lists_are_made_by_the_pages_process_alone(tmp_path: Path, monkeypatch) -> None:
    """The main process, done with its stages while the lists are still being written, takes
    other pieces: it never makes the lists, their sort and cards a second time."""
    made_by = tmp_path / "made-by"
    browse, lists = site.browse, site.opportunity_lists

    def recorded(register):
        with made_by.open("a") as f:
            f.write(f"{os.getpid()}\n")
        return browse(register)

    def slow_lists(s):  # still writing the lists when the main process comes to help
        time.sleep(1.5)
        lists(s)

    monkeypatch.setattr(site, "browse", recorded)
    monkeypatch.setattr(site, "opportunity_lists", slow_lists)
    monkeypatch.setattr(site, "ENTRIES_PER_PIECE", 2)
    pipeline.build(BuildConfig(content_dir=ROOT / "content", out_dir=tmp_path / "site", today=TODAY))
    makers = made_by.read_text().split()
    assert len(makers) == 1 and makers[0] != str(os.getpid())


def test_the_browse_lists_and_cards_are_let_go_before_the_opportunities_pages(tmp_path: Path, monkeypatch) -> None:
    """No opportunity's own page shows a list or a card: a national pages process held them (a
    few hundred MB) through the rest of its pieces."""
    held = tmp_path / "held"
    one_page = site.opportunity_page

    def recording_page(s, o):
        with held.open("a") as f:
            f.write(f"{'b' in vars(s)} {len(s.cards)}\n")
        one_page(s, o)

    real = pipeline.stages
    monkeypatch.setattr(site, "opportunity_page", recording_page)
    monkeypatch.setattr(pipeline, "stages", lambda: [dataclasses.replace(s, shared=False) for s in real()])
    pipeline.build(BuildConfig(content_dir=ROOT / "content", out_dir=tmp_path / "site", today=TODAY))
    assert set(held.read_text().splitlines()) == {"False 0"}
    assert (tmp_path / "site" / "opportunities" / "index.html").exists()
