"""The typed model: states of an opportunity over time and the register's indexes."""

from datetime import date
from pathlib import Path

import pytest

from stemx.content import load_register, register_from, validate_content
from stemx.model import Register


def test_state_follows_the_build_date(minimal_content: Path) -> None:
    register = load_register(minimal_content, date(2026, 11, 24))
    o = register.opportunities["harbourline-battery-lab-visit"]
    assert o.state(date(2027, 2, 1)) == "open"
    assert o.state(date(2027, 3, 2)) == "closed"  # applications closed, still to run
    assert o.state(date(2027, 3, 10)) == "closed"
    assert o.state(date(2027, 3, 11)) == "past"


def test_register_indexes(minimal_content: Path) -> None:
    register = load_register(minimal_content, date(2026, 11, 24))
    assert [o.id for o in register.opportunities_of("harbourline-marine")] == ["harbourline-battery-lab-visit"]
    o = register.opportunities["harbourline-battery-lab-visit"]
    assert register.region_of(o) == "south-west"
    assert o.sessions[0].start_time == "09:30"
    assert register.employers["harbourline-marine"].locations[0].district == "PL1"


def test_each_date_has_its_own_last_day_to_apply() -> None:
    from stemx.model import Opportunity, Session

    sessions = (Session(date(2027, 1, 13), date(2027, 1, 13)), Session(date(2027, 6, 9), date(2027, 6, 10)))
    o = Opportunity.__new__(Opportunity)
    object.__setattr__(o, "sessions", sessions)
    object.__setattr__(o, "closes", date(2027, 6, 2))
    # a January session cannot be joined in June: the day before it starts comes first
    assert [o.apply_by(s) for s in sessions] == [date(2027, 1, 12), date(2027, 6, 2)]
    assert o.apply_by_differs
    object.__setattr__(o, "closes", date(2027, 1, 5))
    assert [o.apply_by(s) for s in sessions] == [date(2027, 1, 5)] * 2 and not o.apply_by_differs
    object.__setattr__(o, "closes", None)
    assert o.apply_by(sessions[0]) is None


def test_an_entrys_key_is_made_once_per_register_and_follows_the_build_date(
    minimal_content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def keyed(today: date) -> Register:  # the files' digests come with a cache folder
        return register_from(validate_content(minimal_content, today, cache_dir=tmp_path), today, False)

    register = keyed(date(2026, 11, 24))
    made: list[str] = []
    real = Register._entry_key
    monkeypatch.setattr(Register, "_entry_key", lambda self, e: made.append(e.id) or real(self, e))
    o = register.opportunities["harbourline-battery-lab-visit"]
    key = register.entry_key(o)
    assert key is not None
    assert [register.entry_key(o) for _ in range(3)] == [key] * 3
    assert made == [o.id]  # asked four times (open data, search, pages, calendar), made once
    closed = keyed(date(2027, 3, 2))  # applications closed: its page says so
    assert closed.entry_key(closed.opportunities[o.id]) != key


def test_as_of_carries_the_state_of_the_day_and_the_dates_still_to_come() -> None:
    """as_of works the state out itself (it is asked for every entry of every build): it must
    agree with state() on every day, for dated, on-request and withdrawn opportunities alike."""
    from datetime import timedelta

    from stemx.model import STATES
    from tests.conftest import ROOT

    register = load_register(ROOT / "content", date(2026, 11, 24))
    kinds = {(o.withdrawn, bool(o.sessions), o.closes is not None) for o in register.opportunities.values()}
    assert len(kinds) == 3  # withdrawn, dated (with a closing date), on request
    for day in (date(2026, 9, 1) + timedelta(days=n) for n in range(0, 600, 3)):
        for o in register.opportunities.values():
            coming = sum(1 << i for i, s in enumerate(o.sessions) if s.end >= day)
            assert o.as_of(day) == coming << 2 | STATES.index(o.state(day)), (o.id, day)
