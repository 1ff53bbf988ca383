"""An entry's key (Register.entry_key) covers everything its share of the data files and its
search record are made from: a rebuild remakes an entry only when its key changed, so an
entry whose key stays must give the same share and record, on any build date. A share's CSV
records are what the csv module would write."""

import csv
import io
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from stemx.config import BuildConfig
from stemx.content import register_from, validate_content
from stemx.model import Register
from stemx.opendata import entryrows
from stemx.opendata.csvfiles import csv_cell, csv_line
from stemx.opendata.tables import TABLES, Entity, entries
from stemx.search.records import keyed
from tests.conftest import ROOT, TODAY, moved_on, set_fields


def _made(register: Register, config: BuildConfig) -> dict[str, tuple[bytes | None, object, object]]:
    """Each entry's (key, share, search record), the record made as the search stage makes it."""
    records = {k.source: (k.key, k.make()) for k in keyed(register, config)}
    made = {}
    kinds: tuple[Entity, ...] = ("employer", "opportunity")
    for kind in kinds:
        for entry in entries(register, kind):
            key, record = records[entry.source]
            assert key == register.entry_key(entry)
            made[entry.source] = (key, entryrows.make_share(register, kind, entry), record)
    return made


def _register(content, today, cache):
    return register_from(validate_content(content, today, cache_dir=cache), today)


def test_a_new_build_date_changes_the_keys_of_the_entries_it_changes_and_no_others(tmp_path) -> None:
    content, cache = ROOT / "content", tmp_path / "cache"
    config = BuildConfig(content_dir=content, today=TODAY)
    first = _made(_register(content, TODAY, cache), config)
    kept = changed = 0
    for days in (1, 2, 7, 30, 90, 400):
        later = TODAY + timedelta(days=days)
        then = _made(_register(content, later, cache), replace(config, today=later))
        for source, (key, share, record) in then.items():
            if key == first[source][0]:
                assert (share, record) == first[source][1:], f"{source}: same key, other output {days} days on"
                kept += 1
            else:
                changed += 1
    assert kept > 0 and changed > 0  # both cases were seen
    # A day later most entries are as they were: a daily build remakes only those.
    day_after = _register(content, TODAY + timedelta(days=1), cache)
    moved = moved_on(day_after.opportunities.values(), TODAY + timedelta(days=1))
    same = sum(day_after.entry_key(o) == first[o.source][0] for o in day_after.opportunities.values())
    assert same == len(day_after.opportunities) - len(moved) > len(day_after.opportunities) // 2


def _changed(before: Register, after: Register) -> list[str]:
    """The files of the entries whose key differs between two registers."""
    keys = {e.source: before.entry_key(e) for e in (*before.employers.values(), *before.opportunities.values())}
    return sorted(
        e.source
        for e in (*after.employers.values(), *after.opportunities.values())
        if after.entry_key(e) != keys.get(e.source)
    )


def test_an_employer_edit_changes_its_opportunities_keys_and_a_removal_its_employers(sample_copy, tmp_path) -> None:
    cache = tmp_path / "cache"
    before = _register(sample_copy, TODAY, cache)
    # An employer's first site gives the region of its opportunities without a location.
    set_fields(sample_copy / "employers" / "aire-valley-data.yaml", name="Renamed Aire Valley Data")
    after = _register(sample_copy, TODAY, cache)
    assert [Path(s).name for s in _changed(before, after)] == [
        "aire-valley-data.yaml", "aire-valley-advice-call.yaml", "aire-valley-messy-data-cpd.yaml",
    ]  # fmt: skip
    # An employer's opportunity count is in its row.
    (sample_copy / "opportunities" / "aire-valley-advice-call.yaml").unlink()
    assert [Path(s).name for s in _changed(after, _register(sample_copy, TODAY, cache))] == ["aire-valley-data.yaml"]


@given(st.lists(st.lists(st.text(alphabet=',"\r\n\t aé', max_size=6), min_size=1, max_size=4), max_size=3))
def test_csv_lines_are_what_the_csv_module_writes(rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    assert "".join(map(csv_line, rows)) == buffer.getvalue()


def test_csv_lines_are_what_the_csv_module_writes_for_the_sample_content() -> None:
    register = register_from(validate_content(ROOT / "content", TODAY), TODAY)
    for table in TABLES:
        for entry in entries(register, table.entity):
            for row in table.entry_rows(register, entry):
                cells = [csv_cell(v) for v in row]
                buffer = io.StringIO()
                csv.writer(buffer, lineterminator="\r\n").writerow(cells)
                assert csv_line(cells) == buffer.getvalue()
