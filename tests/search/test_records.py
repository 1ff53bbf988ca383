"""Search records built from the register: filters, card meta, sort keys and the open/closed filter."""

from __future__ import annotations

from pathlib import Path

import pytest

from stemx.config import BuildConfig
from stemx.content import load_register
from stemx.model import Register
from stemx.schemas import vocabularies
from stemx.search import (
    FILTERS,
    SHOW_EMPLOYERS,
    SHOW_NOT_OPEN,
    SHOW_OPEN,
    Record,
    _positions,
    employer_record,
    opportunity_record,
    records,
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
    return {r.url: r for r in records(register, config)}


def test_one_record_per_opportunity_and_employer(register: Register, by_url: dict[str, Record]) -> None:
    assert len(by_url) == len(register.opportunities) + len(register.employers)
    assert {u for u in by_url if u.startswith("/employers/")} == {f"/employers/{e}/" for e in register.employers}


def test_online_cpd_filters_use_schema_labels(by_url: dict[str, Record]) -> None:
    r = by_url["/opportunities/ribble-composite-repair-cpd/"]
    assert r.filters["type"] == ["CPD session"]
    assert r.filters["format"] == ["Online"]
    assert r.filters["show"] == [SHOW_OPEN]
    assert r.filters["availability"] == ["Fixed dates"]
    v = vocabularies()
    assert r.filters["subject"] == [
        v.label("subject", s) for s in ("aerospace-engineering", "mechanical-engineering", "manufacturing")
    ]
    # Online: open to teachers in every region the employer serves, and no position to limit by distance.
    assert r.filters["region"] == ["North West", "North East"]
    assert "lat" not in r.meta and r.meta["where"] == "Online"


def test_every_filter_value_is_an_option_on_the_page(by_url: dict[str, Record]) -> None:
    v = vocabularies()
    for name, _, vocab in FILTERS:
        if vocab is None:
            continue
        labels = {t.label for t in v.terms(vocab)}
        used = {value for r in by_url.values() for value in r.filters.get(name, [])}
        assert used and used <= labels, name


def test_in_person_opportunity_has_card_meta_and_a_position(by_url: dict[str, Record]) -> None:
    r = by_url["/opportunities/don-cnc-internal-course/"]
    assert r.filters["region"] == ["Yorkshire and the Humber"]
    assert r.meta["where"] == "Don Precision Forgings, Attercliffe works"
    assert r.meta["employer"] and r.meta["title"] and r.meta["when"]
    assert r.meta["hours"] and float(r.meta["hours"]) > 0
    lat, lon = _positions()["S9"]
    assert (r.meta["lat"], r.meta["lon"]) == (f"{lat:.4f}", f"{lon:.4f}")
    assert "CNC" in r.content


def test_sort_keys_are_iso_dates_and_undated_sort_last(by_url: dict[str, Record]) -> None:
    r = by_url["/opportunities/don-cnc-internal-course/"]
    assert r.sort == {"date": "2027-03-01", "closes": "2027-02-01", "published": r.sort["published"]}
    on_request = by_url["/opportunities/aire-valley-advice-call/"]
    assert on_request.filters["availability"] == ["On request"]
    for rec in by_url.values():
        assert set(rec.sort) == {"date", "closes", "published"}
        assert all(len(value) == 10 and value[4] == "-" for value in rec.sort.values())


def test_closed_and_past_are_marked_not_open(register: Register, by_url: dict[str, Record]) -> None:
    past = by_url["/opportunities/humber-net-zero-talk/"]
    assert past.filters["show"] == [SHOW_NOT_OPEN] and past.meta["state"] == "past"
    for o in register.opportunities.values():
        shown = by_url[f"/opportunities/{o.id}/"].filters["show"]
        assert shown == [SHOW_OPEN if register.state(o) == "open" else SHOW_NOT_OPEN]


def test_employers_are_records_with_their_own_show_value(register: Register, config: BuildConfig) -> None:
    e = register.employers["ribble-aerostructures"]
    r = employer_record(register, e, config, _positions())
    assert r.filters["show"] == [SHOW_EMPLOYERS]
    assert r.filters["region"] == ["North West", "North East"]
    assert r.meta["title"] == e.name and r.meta["kind"] == "employer"
    assert "type" not in r.filters  # an employer never counts towards an opportunity type


def test_urls_respect_a_base_path_sub_folder(register: Register, tmp_path: Path) -> None:
    config = BuildConfig(content_dir=CONTENT, out_dir=tmp_path, today=TODAY, base_url="/stem-exchange/")
    o = register.opportunities["ribble-composite-repair-cpd"]
    assert (
        opportunity_record(register, o, config, {}).url == "/stem-exchange/opportunities/ribble-composite-repair-cpd/"
    )


def test_unknown_district_gives_no_position_rather_than_an_error(register: Register, config: BuildConfig) -> None:
    o = register.opportunities["don-cnc-internal-course"]
    r = opportunity_record(register, o, config, positions={})
    assert "lat" not in r.meta and r.meta["where"] == "Don Precision Forgings, Attercliffe works"


def test_records_are_deterministic(register: Register, config: BuildConfig) -> None:
    assert list(records(register, config)) == list(records(register, config))
