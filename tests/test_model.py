"""The typed model: states of an opportunity over time and the register's indexes."""

from datetime import date
from pathlib import Path

from stemx.content import load_register


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
