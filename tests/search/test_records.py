"""Search records built from the register: filter tokens, cards, sort keys and the show groups."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stemx.config import BuildConfig
from stemx.content import load_register
from stemx.model import Register
from stemx.schemas import vocabularies
from stemx.search import _options
from stemx.search.records import (
    _BULLET,
    _MARKS,
    FILTERS,
    GROUPS,
    NO_DAY,
    ONLINE_TOKEN,
    Record,
    employer_record,
    opportunity_record,
    plain,
    positions,
    records,
    token,
)
from tests.conftest import ROOT, TODAY

CONTENT = ROOT / "content"


@pytest.fixture(scope="module")
def register() -> Register:
    return load_register(CONTENT, TODAY)


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> BuildConfig:
    return BuildConfig(content_dir=CONTENT, out_dir=tmp_path_factory.mktemp("out"), today=TODAY)


@pytest.fixture(scope="module")
def by_url(register: Register, config: BuildConfig) -> dict[str, Record]:
    return {r.card["url"]: r for r in records(register, config)}


def facets(r: Record) -> set[str]:
    return set(r.facets.split())


def test_one_record_per_opportunity_and_employer(register: Register, by_url: dict[str, Record]) -> None:
    assert len(by_url) == len(register.opportunities) + len(register.employers)
    assert {u for u in by_url if u.startswith("/employers/")} == {f"/employers/{e}/" for e in register.employers}


def test_online_cpd_has_the_tokens_of_its_filters(by_url: dict[str, Record]) -> None:
    r = by_url["/opportunities/ribble-composite-repair-cpd/"]
    assert {
        "zzshow_open", "zztype_cpd_session", "zzformat_online", "zzavailability_dates",
        "zzsubject_aerospace_engineering", "zzsubject_mechanical_engineering", "zzsubject_manufacturing",
        # Online: one place, "Online (anywhere)", as on the browse pages and statistics; and
        # anywhere by distance.
        "zzregion_online", ONLINE_TOKEN,
    } <= facets(r)  # fmt: skip
    assert not any(f.startswith("zzregion_") and f != "zzregion_online" for f in facets(r))
    assert not any(t.startswith(("zzpc_", "zzpa_")) and t != ONLINE_TOKEN for t in facets(r))
    assert "lat" not in r.card and r.card["where"] == "Online"
    assert r.group == GROUPS["open"]


def test_every_token_in_the_index_is_an_option_on_the_page(by_url: dict[str, Record]) -> None:
    offered = {token for choices in _options().values() for token, _ in choices}
    used = {t for r in by_url.values() for t in facets(r) if not t.startswith(("zzpc_", "zzpa_"))}
    assert used <= offered
    assert {name for name, _, _ in FILTERS} == set(_options())
    # Every label on the page is the schema's.
    v = vocabularies()
    assert [label for _, label in _options()["region"]] == [t.label for t in v.terms("where")]
    assert _options()["region"][-1] == ("zzregion_online", "Online (anywhere)")


def test_in_person_opportunity_has_its_place_and_a_card(by_url: dict[str, Record]) -> None:
    r = by_url["/opportunities/don-cnc-internal-course/"]
    assert {"zzregion_yorkshire_and_the_humber", "zzpc_s9", "zzpa_s"} <= facets(r)
    assert ONLINE_TOKEN not in facets(r)
    assert r.card["where"] == "Don Precision Forgings, Attercliffe works"
    assert r.card["employer"] and r.card["title"] and r.card["when"]
    assert float(r.card["hours"]) > 0
    lat, lon = positions()["S9"]
    assert (r.card["lat"], r.card["lon"]) == (f"{lat:.4f}", f"{lon:.4f}")
    assert "CNC" in r.strong and "CNC" in r.body
    assert r.card["text"].startswith(by_url["/opportunities/don-cnc-internal-course/"].body[:40])


def test_sort_keys_are_days_and_undated_sort_last(register: Register, by_url: dict[str, Record]) -> None:
    r = by_url["/opportunities/don-cnc-internal-course/"]
    epoch = date(1970, 1, 1).toordinal()
    assert (r.date, r.closes) == (date(2027, 3, 1).toordinal() - epoch, date(2027, 2, 1).toordinal() - epoch)
    on_request = by_url["/opportunities/aire-valley-advice-call/"]
    assert "zzavailability_on_request" in facets(on_request) and on_request.date == NO_DAY
    assert all(0 <= x <= NO_DAY for rec in by_url.values() for x in (rec.closes, rec.date, rec.published))


def test_closed_and_past_are_in_the_last_group(register: Register, by_url: dict[str, Record]) -> None:
    past = by_url["/opportunities/humber-net-zero-talk/"]
    assert "zzshow_closed" in facets(past) and past.card["state"] == "past" and past.group == GROUPS["closed"]
    for o in register.opportunities.values():
        r = by_url[f"/opportunities/{o.id}/"]
        is_open = register.state(o) == "open"
        assert ("zzshow_open" in facets(r)) == is_open and (r.group == GROUPS["open"]) == is_open


def test_employers_are_records_with_their_own_show_value(register: Register, config: BuildConfig) -> None:
    e = register.employers["ribble-aerostructures"]
    r = employer_record(register, e, config)
    assert {"zzshow_employer", "zzregion_north_west", "zzregion_north_east"} <= facets(r)
    assert r.card["title"] == e.name and r.card["state"] == "employer" and r.group == GROUPS["employer"]
    assert not any(t.startswith("zztype_") for t in facets(r))  # never counted as an opportunity type


def test_urls_respect_a_base_path_sub_folder(register: Register, tmp_path: Path) -> None:
    config = BuildConfig(content_dir=CONTENT, out_dir=tmp_path, today=TODAY, base_url="/stem-exchange/")
    o = register.opportunities["ribble-composite-repair-cpd"]
    assert (
        opportunity_record(register, o, config).card["url"]
        == "/stem-exchange/opportunities/ribble-composite-repair-cpd/"
    )


def test_snippet_text_is_plain_words() -> None:
    assert plain("See **our** [education page](https://x.example/a) and\n- one\n- two\n# Heading") == (
        "See our education page and one two Heading"
    )


def test_records_are_deterministic(register: Register, config: BuildConfig) -> None:
    assert list(records(register, config)) == list(records(register, config))


def test_where_means_one_thing_in_browse_search_and_statistics(register: Register, by_url: dict[str, Record]) -> None:
    """Online opportunities are "Online (anywhere)", in-person and hybrid ones are in their
    location's region: browse pages, the search filter and the statistics count the same."""
    from stemx.opendata.stats import charts
    from stemx.site.pages import browse

    v = vocabularies()
    groups = browse(register).groups["region"]
    browse_counts = {t.label: len(groups.get(t.code, ())) for t in v.terms("where")}
    open_records = [r for r in by_url.values() if "zzshow_open" in facets(r)]
    search_counts = {t.label: sum(token("region", t.code) in facets(r) for r in open_records) for t in v.terms("where")}
    chart = next(c for c in charts(register) if c.id == "opp-region")
    assert browse_counts == search_counts == dict(chart.rows)
    assert browse_counts["Online (anywhere)"] >= 5 and browse_counts["North West"] >= 1
    assert sum(browse_counts.values()) == len(open_records)  # every open opportunity is somewhere, once


# As first written: one pattern for links and images alike, tried at every character.
PLAIN_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")


@given(st.lists(st.sampled_from(["![", "[", "]", "](", ")", "!", "a", " ", "\n", "- ", "*"]), max_size=12).map("".join))
def test_snippet_text_is_what_one_pattern_for_links_and_images_gives(text: str) -> None:
    assert plain(text) == " ".join(_BULLET.sub(" ", PLAIN_LINK.sub(r"\1", text)).translate(_MARKS).split())
