"""The opportunity form's employer picker files: small, and every employer found by any word of its name."""

from __future__ import annotations

from types import SimpleNamespace

from stemx.submission.answers import slug
from stemx.submission.pages import SHARD_LIMIT, employer_shards

COMMON = ("engineering", "services", "ltd", "group", "energy")


def _register(count: int) -> SimpleNamespace:
    employers = {}
    for i in range(count):
        name = f"Ex{i:04d}ample {COMMON[i % 5]} {COMMON[(i + 1) % 5]}"
        employers[slug(name)] = SimpleNamespace(id=slug(name), name=name, place=None, regions_served=("london",))
    return SimpleNamespace(employers=employers)


def key_for(word: str, index: dict[str, int]) -> str | None:
    """The page's rule (static/submit.js keyFor): the whole word's file, else the longest prefix's."""
    if f"{word}$" in index:
        return f"{word}$"
    return next((word[:n] for n in range(len(word), 1, -1) if word[:n] in index), None)


def test_every_employer_is_found_by_each_word_of_its_name_in_a_small_file() -> None:
    register = _register(3000)
    shards = employer_shards(register)
    index = {key: len(rows) for key, rows in shards.items()}
    for key, rows in shards.items():
        assert len(rows) <= SHARD_LIMIT or all(key.rstrip("$") in slug(r[1]).split("-") for r in rows), key
        assert len({r[0] for r in rows}) == len(rows)  # a name once per file
    for e in register.employers.values():
        for word in slug(e.name).split("-"):
            key = key_for(word, index)
            assert key is not None and e.id in {r[0] for r in shards[key]}, (e.name, word, key)
    # a distinctive word's file is small; only a word that 1,200 names share has a big one, and the
    # page fetches it only when no other word of the name is typed
    assert index[key_for("ex0042ample", index)] <= SHARD_LIMIT
    assert index[key_for("engineering", index)] == 1200
