"""A national register's entries on disk (entrystore.py): read back as they were made, and a
build that keeps them there gives the same site, open data and checked-file log."""

import shutil
from pathlib import Path

import pytest

from stemx import checklog, entrystore
from stemx.config import BuildConfig
from stemx.content import validate_content
from stemx.entrystore import EntryList, EntryStore, KeyTable
from stemx.model import Opportunity, Register
from stemx.pipeline import build
from stemx.texts import StoredText, TextStore
from tests.conftest import ROOT, TODAY, assert_same_site, build_site
from tests.test_cache import records


@pytest.fixture(scope="module")
def sample():
    """The sample register's entries, their descriptions in a TextStore as a whole build keeps them."""
    return validate_content(ROOT / "content", TODAY)


def test_entries_added_in_any_order_are_read_back_by_id_as_they_were(sample) -> None:
    opportunities = list(sample.opportunities.values())
    store: EntryStore[Opportunity] = EntryStore(opportunities[0].description.span[0])
    for o in reversed(opportunities):
        store.add(o.id, o)
    store.seal()
    assert list(store) == sorted(sample.opportunities) and len(store) == len(opportunities)
    assert store == sample.opportunities  # every entry equal to the one made by validation
    assert list(store.values()) == [sample.opportunities[k] for k in sorted(sample.opportunities)]
    assert [k for k, _ in store.items()] == list(store)
    first = opportunities[0]
    assert store[first.id] == first and store[first.id] is not store[first.id]  # made again each time
    # ... with the store's own id string, not a copy each time: what keys lists and dicts by id shares it
    key = next(k for k in store if k == first.id)
    assert store[first.id].id is key and all(o.id is k for k, o in store.items())
    assert first.id in store and "no-such-id" not in store and 3 not in store
    with pytest.raises(KeyError):
        store["no-such-id"]
    assert store.get("zzz-after-every-id") is None


def test_a_description_is_kept_by_its_place_not_copied(sample) -> None:
    o = next(o for o in sample.opportunities.values() if isinstance(o.description, StoredText))
    texts = o.description.span[0]
    same, other = EntryStore(texts), EntryStore(TextStore())
    for store in (same, other):
        store.add(o.id, o)
        store.seal()
    back = same[o.id].description
    assert isinstance(back, StoredText) and back.span == o.description.span  # its place, not a copy
    # Its file holds the entry without the text (but what any entry holds: its summary, ...).
    assert str(o.description).encode() not in same._file.read_bytes(0, same._sizes[0])
    # A text from another store is written out: the other store's place would mean nothing.
    assert other[o.id].description == str(o.description) and isinstance(other[o.id].description, str)


def test_an_id_added_twice_keeps_its_last_entry_as_a_dict_would(sample) -> None:
    a, b = list(sample.opportunities.values())[:2]
    store: EntryStore[Opportunity] = EntryStore()
    store.add("x", a)
    store.add("x", b)
    store.add("w", a)
    store.seal()
    assert list(store) == ["w", "x"] and store["x"] == b


def test_a_key_table_holds_keys_and_nones_by_the_stores_ids_as_a_dict_would(sample) -> None:
    store: EntryStore[Opportunity] = EntryStore()
    for o in sample.opportunities.values():
        store.add(o.id, o)
    store.seal()
    table, expected = KeyTable(store), {}
    first, second, third = list(store)[:3]
    for key, value in ((second, b"k" * 16), (first, None), (third, b"x" * 16), (second, b"n" * 16)):
        table[key] = expected[key] = value
    assert dict(table) == expected and len(table) == 3 and list(table) == [first, second, third]
    assert table.get(first, b"") is None and table.get(list(store)[4], b"") == b""  # None set; nothing set
    del table[third]
    assert third not in table and len(table) == 2
    with pytest.raises(KeyError):
        table["no-such-id"] = b"k" * 16  # only the store's ids
    # A national register keeps its entry keys in tables, the same keys a register of dicts makes.
    stored = Register(EntryStore().seal(), store, TODAY)
    assert isinstance(stored._keys, KeyTable) and isinstance(stored._employer_keys, KeyTable)


def test_an_entry_list_makes_its_entries_when_read_and_slices_into_entry_lists(sample) -> None:
    keys = sorted(sample.employers)[::-1]
    listed = EntryList(keys, sample.employers)
    assert len(listed) == len(keys) and bool(listed) and not EntryList([], sample.employers)
    assert list(listed) == [sample.employers[k] for k in keys]
    assert listed[1] == sample.employers[keys[1]] and listed[-1] == sample.employers[keys[-1]]
    part = listed[2:5]
    assert isinstance(part, EntryList) and part.keys == keys[2:5] and list(part) == list(listed)[2:5]


def test_a_whole_register_past_the_limit_is_validated_into_stores(sample, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(entrystore, "ENTRIES_IN_MEMORY", 0)
    monkeypatch.setattr(checklog, "BATCH", 3)  # the log writes batches while entries are still being added
    stored = validate_content(ROOT / "content", TODAY, cache_dir=tmp_path / "cache")
    assert isinstance(stored.employers, EntryStore) and isinstance(stored.opportunities, EntryStore)
    assert stored.employers == sample.employers and stored.opportunities == sample.opportunities
    assert stored.problems == sample.problems
    # The log saved the entries themselves (not the stores' references): read back, they are the same.
    (saved,) = (tmp_path / "cache").glob("checked-*.pickle")
    logged = {r[3].entry.id: r[3].entry for r in records(saved) if r[0] == "opportunity"}
    assert {k: (o.title, o.sessions) for k, o in logged.items()} == {
        k: (o.title, o.sessions) for k, o in sample.opportunities.items()
    }  # (their descriptions are in the log's texts file, which records() does not open)
    monkeypatch.setattr(entrystore, "ENTRIES_IN_MEMORY", 10_000)
    again = validate_content(ROOT / "content", TODAY, cache_dir=tmp_path / "cache")
    assert isinstance(again.opportunities, dict) and again.opportunities == sample.opportunities
    # The stores keep each file's digest themselves, not a dict by path: the same digests.
    assert stored.digests == {} and len(again.digests) == len(again.employers) + len(again.opportunities)
    stores, dicts = (Register(r.employers, r.opportunities, TODAY, r.digests) for r in (stored, again))
    assert stores.digested and dicts.digested
    everyone = [*again.employers.values(), *again.opportunities.values()]
    assert [stores.digest(e) for e in everyone] == [again.digests[e.source] for e in everyone]
    assert stores.content_digest() is not None
    assert dict(stores.opportunity_keys()) == dict(dicts.opportunity_keys())  # made from the same digests
    assert None not in stores.opportunity_keys().values()
    employers = list(again.employers.values())
    assert [stores.entry_key(e) for e in employers] == [dicts.entry_key(e) for e in employers]
    uncached = validate_content(ROOT / "content", TODAY)  # without a cache: no digests, so no reuse
    assert not Register(uncached.employers, uncached.opportunities, TODAY, uncached.digests).digested
    # Checking a few files (a pull request's) keeps them in memory whatever the limit.
    monkeypatch.setattr(entrystore, "ENTRIES_IN_MEMORY", 0)
    few = validate_content(ROOT / "content", TODAY, only=[next((ROOT / "content" / "employers").glob("*.yaml"))])
    assert isinstance(few.employers, dict) and len(few.employers) == 1


def test_a_site_built_from_stored_entries_is_the_site_built_from_objects(
    built_site: Path, monkeypatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(entrystore, "ENTRIES_IN_MEMORY", 0)
    assert_same_site(build_site(ROOT / "content", tmp_path / "site"), built_site)


def test_rebuilds_from_stored_entries_and_their_log_give_a_clean_builds_site(monkeypatch, tmp_path: Path) -> None:
    """With the checked-file cache: the log written from stored entries is read back by the next
    build, which also keeps its entries on disk, after one opportunity's title changed."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    config = BuildConfig(content_dir=content, out_dir=tmp_path / "site", today=TODAY, cache_dir=tmp_path / "cache")
    monkeypatch.setattr(entrystore, "ENTRIES_IN_MEMORY", 0)
    build(config)
    changed = next((content / "opportunities").glob("*.yaml"))
    text = changed.read_text()
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    changed.write_text(text.replace(title, "title: A title changed for the rebuild", 1))
    assert build(config).reused > 100  # the other entries' pages, known unchanged by their digests
    monkeypatch.setattr(entrystore, "ENTRIES_IN_MEMORY", 10_000)
    assert_same_site(config.out_dir, build_site(content, tmp_path / "clean"))
    assert (
        "A title changed for the rebuild"
        in (config.out_dir / "opportunities" / changed.stem / "index.html").read_text()
    )


def test_a_national_registers_files_are_checked_by_workers_started_afresh(sample, monkeypatch) -> None:
    """Forked, each worker would hold the listing of every file as its own: spawned instead,
    and what they say is the same."""
    import multiprocessing

    from stemx import content as content_module

    asked = []
    get_context = multiprocessing.get_context

    def recording(method=None):
        asked.append(method)
        return get_context(method)

    monkeypatch.setattr(multiprocessing, "get_context", recording)
    monkeypatch.setattr(content_module, "PARALLEL_FROM", 1)
    monkeypatch.setattr(entrystore, "ENTRIES_IN_MEMORY", 0)
    spawned = validate_content(ROOT / "content", TODAY)
    assert "spawn" in asked and "fork" not in asked
    assert spawned.problems == sample.problems and spawned.opportunities == sample.opportunities
    monkeypatch.setattr(entrystore, "ENTRIES_IN_MEMORY", 10_000)
    asked.clear()
    validate_content(ROOT / "content", TODAY)
    assert "fork" in asked and "spawn" not in asked
