"""YAML mistakes in plain words, at the line a person has to change.

libyaml reports where it gave up, in parser words ("while scanning a simple key"), which is
often after the mistake: an unclosed quote is found at the end of the file, a missing colon
on the line below. These rules look at the error and the lines around it and say what to do.
Anything not recognised keeps libyaml's own words, with its position.
"""

from __future__ import annotations

import re

import yaml

_KEY = re.compile(r"^(?P<indent> *)(?:- +)?(?P<key>[A-Za-z_][\w-]*)\s*:(?:\s|$)")
_ITEM = re.compile(r"^ *- ")
# What ends a line for libyaml, whose line numbers these messages use: a lone \r too.
_LINE_END = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _indent(line: str) -> int:
    """Where a line's field starts: after the spaces, and after '- ' on a list item's first line."""
    item = _ITEM.match(line)
    return item.end() if item else len(line) - len(line.lstrip(" "))


def _spaces(n: int) -> str:
    return "1 space" if n == 1 else f"{n} spaces"


def _before(lines: list[str], index: int) -> int | None:
    """The index of the nearest line above `index` with something on it (not a comment)."""
    for i in range(index - 1, -1, -1):
        stripped = lines[i].strip()
        if stripped and not stripped.startswith("#"):
            return i
    return None


def _indentation(lines: list[str], at: int, before: int) -> tuple[int, int, str]:
    spaces, theirs = _indent(lines[at]), _indent(lines[before])
    return (
        at + 1,
        spaces + 1,
        f"line {at + 1} is indented differently from the lines around it (its field starts after {_spaces(spaces)}, "
        f"on line {before + 1} after {_spaces(theirs)}); fields of the same group start at the same column",
    )


def _missing_colon(lines: list[str], at: int) -> tuple[int, int, str]:
    word = lines[at].strip().split(" ", 1)[0].rstrip(":")[:40]
    return (
        at + 1,
        _indent(lines[at]) + 1,
        f"line {at + 1} has no colon: add a colon after the field name, as in '{word}: ...'",
    )


def explain(e: yaml.MarkedYAMLError, text: str) -> tuple[int, int, str]:
    """(line, column, message) for a YAML syntax error in `text`."""
    lines = _LINE_END.split(text)
    problem = e.problem or ""
    context = e.context or ""
    mark = e.problem_mark or e.context_mark
    line = mark.line if mark else 0
    if "expected a single document" in context:
        return line + 1, 1, "only one document is allowed (remove the extra '---')"
    if "quoted scalar" in context and e.context_mark is not None and "end of stream" in problem:
        start = e.context_mark
        quote = lines[start.line][start.column : start.column + 1] or '"'
        return (
            start.line + 1,
            start.column + 1,
            f"the quote ({quote}) that opens here is never closed: add a closing {quote} at the end of the text",
        )
    if "could not find expected ':'" in problem and e.context_mark is not None:
        return _missing_colon(lines, e.context_mark.line)
    if "mapping values are not allowed" in problem and line < len(lines):
        here = lines[line]
        key = _KEY.match(here)
        previous = _before(lines, line)
        if key and ": " in here[key.end() :] + " " and mark and mark.column > key.end():
            field = key.group("key")
            return (
                line + 1,
                key.end() + 1,
                f"the text of '{field}' contains ': ', which YAML reads as a new field; "
                f'put the whole text in quotes, as in {field}: "..."',
            )
        if previous is not None:
            above = lines[previous]
            if ":" not in above and not _ITEM.match(above) and _indent(above) == _indent(here):
                return _missing_colon(lines, previous)  # libyaml read the line above as this one's start
            if _indent(here) != _indent(above) and not above.rstrip().endswith(":"):
                return _indentation(lines, line, previous)
    if "did not find expected key" in problem and line < len(lines):
        previous = _before(lines, line)
        if previous is not None and _indent(lines[line]) != _indent(lines[previous]):
            return _indentation(lines, line, previous)
    if "cannot start any token" in problem and mark:
        char = lines[line][mark.column : mark.column + 1] if line < len(lines) else ""
        return line + 1, mark.column + 1, f"a value cannot start with '{char}'; put the whole text in quotes"
    spoken = f"{context}: {problem}" if context and context != problem else problem or "not valid YAML"
    return (line + 1, (mark.column + 1) if mark else 1, f"not valid YAML: {spoken}")
