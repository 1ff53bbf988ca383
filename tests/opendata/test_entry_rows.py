"""Each entry's share of the data files is reused while what it is made from is unchanged."""

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from stemx.content import register_from, validate_content
from stemx.opendata import entryrows
from tests.conftest import ROOT, TODAY


@pytest.fixture
def content(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return tmp_path / "content"


def test_only_entries_whose_inputs_changed_are_encoded_again(tmp_path: Path, content: Path, monkeypatch) -> None:
    encoded: list[str] = []
    real = entryrows.make_share
    monkeypatch.setattr(entryrows, "make_share", lambda r, kind, e: encoded.append(e.id) or real(r, kind, e))
    cache = tmp_path / "cache"

    def shares(entity: str, today=TODAY) -> list[entryrows.Share]:
        encoded.clear()
        register = register_from(validate_content(content, today, cache_dir=cache), today)
        return list(entryrows.shares(register, entity, cache, content))

    def clean(entity: str, today=TODAY) -> list[entryrows.Share]:  # no cache: every share made afresh
        register = register_from(validate_content(content, today), today)
        return list(entryrows.shares(register, entity, None, content))

    def encodes(entity: str, today=TODAY) -> list[str]:
        """Which entries a cached run encodes; its shares must equal a clean run's."""
        expected = clean(entity, today)
        assert shares(entity, today) == expected
        return sorted(encoded)

    opportunities = sorted(p.stem for p in (content / "opportunities").glob("*.yaml"))
    employers = sorted(p.stem for p in (content / "employers").glob("*.yaml"))
    assert encodes("opportunity") == opportunities and encodes("employer") == employers
    assert encodes("opportunity") == [] and encodes("employer") == []

    changed = content / "opportunities" / "aire-valley-advice-call.yaml"
    changed.write_text(changed.read_text(encoding="utf-8").replace('title: "', 'title: "Changed ', 1), encoding="utf-8")
    assert encodes("opportunity") == ["aire-valley-advice-call"]

    # An employer's first site gives the region of its opportunities without a location.
    employer = content / "employers" / "aire-valley-data.yaml"
    employer.write_text(employer.read_text(encoding="utf-8").replace("name: ", "name: Renamed ", 1), encoding="utf-8")
    assert encodes("opportunity") == ["aire-valley-advice-call", "aire-valley-messy-data-cpd"]
    assert encodes("employer") == ["aire-valley-data"]

    # The status column follows the build date: another day encodes every opportunity again.
    later = TODAY + timedelta(days=400)
    assert encodes("opportunity", later) == opportunities

    # An employer's opportunity count is in its row.
    changed.unlink()
    assert encodes("employer") == ["aire-valley-data"]
