"""Employer names made to look like another employer's with letters from other scripts.

"Hаrbourline" with a Cyrillic "а" reads as "Harbourline" but is a different name: a
teacher could take one organisation's page for another's. Unicode's confusables data (from
the confusable-homoglyphs package, not a hand-kept table) maps each look-alike letter to
the Latin letter it imitates; two names that then read the same are reported.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from pathlib import Path

from .errors import Problem
from .load import LoadError, read
from .model import Employer


def latin_skeleton(name: str) -> tuple[str, list[str]]:
    """The name as it reads in Latin letters, and the look-alike letters that were replaced."""
    if name.isascii():  # nearly every name: nothing to look up
        return name.casefold(), []
    from confusable_homoglyphs import confusables  # its import reads the data: ~60 ms, for other names only

    found = confusables.is_confusable(name, greedy=True, preferred_aliases=["latin"]) or []
    replace: dict[str, str] = {}
    for item in found:
        latin = next((h["c"] for h in item["homoglyphs"] if h["c"].isascii()), None)
        if latin is not None:
            replace[item["character"]] = latin
    return "".join(replace.get(c, c) for c in name).casefold(), sorted(replace)


def lookalike_names(employers: Iterable[Employer]) -> list[Problem]:
    """A warning on each employer whose name imitates another registered employer's name."""
    # casefolded name -> (name, file), for names in one script: not the employers themselves,
    # which a national register makes one at a time (entrystore.py)
    plain: dict[str, tuple[str, str]] = {}
    suspects: list[tuple[str, str, list[str]]] = []  # (file, skeleton, look-alike letters)
    for e in employers:
        skeleton, letters = latin_skeleton(e.name)
        if letters:
            suspects.append((e.source, skeleton, letters))
        else:
            plain.setdefault(skeleton, (e.name, e.source))
    problems = []
    for source, skeleton, letters in suspects:
        other = plain.get(skeleton)
        if other is None:
            continue
        shown = ", ".join(f"'{c}' (U+{ord(c):04X} {unicodedata.name(c, '?').lower()})" for c in letters)
        message = (
            f"looks like the name of '{other[0]}' ({other[1]}) but uses look-alike letters from another "
            f"script: {shown}; retype the name in ordinary letters"
        )
        line, column = _name_position(source)
        problems.append(Problem(source, line, column, "name", message, "warning"))
    return problems


def _name_position(source: str) -> tuple[int, int]:
    try:
        return read(Path(source)).position(["name"])
    except LoadError:  # changed since it was checked: the file itself is still named
        return 1, 1
