"""Cards, rendered once each: kept in memory up to a budget, the rest on disk, the same either way."""

from pathlib import Path

import pytest

from stemx import site
from stemx.config import BuildConfig
from stemx.content import load_register
from stemx.output import Output
from stemx.texts import StoredText
from tests.conftest import ROOT, TODAY, assert_same_site, build_site


def _site(tmp_path: Path) -> site.Site:
    config = BuildConfig(content_dir=ROOT / "content", out_dir=tmp_path / "out", today=TODAY)
    register = load_register(config.content_dir, TODAY)
    return site.Site(register, config, Output(tmp_path / "staged", config, register).writer(site.STAGE))


def test_cards_past_the_budget_are_kept_on_disk_and_read_back_the_same(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(site, "CARDS_IN_MEMORY", 3_000)  # three or four of the sample's cards
    s = _site(tmp_path)
    opportunities = list(s.register.opportunities.values())
    first = [s.card(o) for o in opportunities]
    kept = [s.cards[o.id] for o in opportunities]
    held = [k for k in kept if isinstance(k, str)]
    assert 1 <= len(held) < len(kept) and sum(map(len, held)) <= 3_000
    assert all(isinstance(k, StoredText) for k in kept[len(held) :])  # once over, on disk
    assert [s.card(o) for o in opportunities] == first  # read back as rendered, not rendered again
    assert [s.cards[o.id] for o in opportunities] == kept


@pytest.mark.parametrize("budget", [0, 3_000])
def test_a_site_with_cards_on_disk_equals_one_with_them_in_memory(
    tmp_path: Path, monkeypatch, built_site, budget
) -> None:
    monkeypatch.setattr(site, "CARDS_IN_MEMORY", budget)
    assert_same_site(build_site(ROOT / "content", tmp_path / "site"), built_site)
