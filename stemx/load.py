"""Read one content file: strict, safe YAML with the position of every value kept for messages.

Content comes from strangers, so loading is deliberately narrow:
- libyaml's C parser (fast) with PyYAML's safe constructors only, and fewer of them: no
  timestamps, sets, binary or Python tags;
- YAML 1.2-style typing: only true/false, null and numbers are implicit, so `no`, `on`,
  `1:30` and `2024-01-01` stay text and the schema decides what a value must be;
- duplicate keys, aliases, non-text keys, tab indentation, non-UTF-8 bytes and oversized
  files are errors with a line number, never a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from .errors import Problem

MAX_FILE_BYTES = 256 * 1024  # a generous entry is ~10 KB; this bounds memory and parse time
MAX_DEPTH = 12  # the schemas nest 5 levels at most
ALIAS_MESSAGE = "anchors (&name) and aliases (*name) are not allowed; write each value out"


class _Resolver(BaseResolver):
    """Implicit types of the YAML 1.2 core schema, minus the YAML 1.1 surprises."""


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Resolver.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_Resolver.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+.0123456789"),
)


class _Constructor(SafeConstructor):
    """Safe constructors for plain data only; rejects what content never needs."""

    yaml_constructors: dict[Any, Any] = {}

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[str, Any]:
        if not isinstance(node, MappingNode):
            raise ConstructorError(None, None, "expected a mapping", node.start_mark)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise ConstructorError(None, None, f"field names must be text, not {key!r}", key_node.start_mark)
            if key in result:
                raise ConstructorError(None, None, f"duplicate field '{key}'", key_node.start_mark)
            result[key] = self.construct_object(value_node, deep=True)
        return result


for _tag, _method in [
    ("tag:yaml.org,2002:null", SafeConstructor.construct_yaml_null),
    ("tag:yaml.org,2002:bool", SafeConstructor.construct_yaml_bool),
    ("tag:yaml.org,2002:int", SafeConstructor.construct_yaml_int),
    ("tag:yaml.org,2002:float", SafeConstructor.construct_yaml_float),
    ("tag:yaml.org,2002:str", SafeConstructor.construct_yaml_str),
    ("tag:yaml.org,2002:seq", SafeConstructor.construct_yaml_seq),
    ("tag:yaml.org,2002:map", SafeConstructor.construct_yaml_map),
    (None, SafeConstructor.construct_undefined),
]:
    _Constructor.add_constructor(_tag, _method)


class _Loader(CParser, _Constructor, _Resolver):  # type: ignore[misc]
    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        _Constructor.__init__(self)
        _Resolver.__init__(self)


@dataclass(slots=True)
class Document:
    """A parsed file: the plain data, and the node tree that knows where each value is."""

    data: Any
    node: Node
    text: str  # the source, to place problems found inside a long value

    def position(self, path: Iterable[str | int], key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the value at `path`, or of its key when `key` is true.

        Walks as far as the path exists, so a missing field points at its parent.
        """
        node: Node = self.node
        mark = node.start_mark
        for step in path:
            child = _child(node, step)
            if child is None:
                break
            key_node, node = child
            mark = node.start_mark
            if key and key_node is not None:
                mark = key_node.start_mark
        return mark.line + 1, mark.column + 1

    def position_in(self, path: Iterable[str | int], value: str, offset: int) -> tuple[int, int]:
        """Position of character `offset` of the text value at `path`.

        Exact for block scalars (`|`, the usual style for descriptions), whose lines are
        copied verbatim after the indentation; otherwise the start of the value.
        """
        line, column = self.position(path)
        node = self.node
        for step in path:
            found = _child(node, step)
            node = found[1] if found else node
        if not (isinstance(node, ScalarNode) and node.style == "|"):
            return line, column
        line += 1 + value.count("\n", 0, offset)
        source_lines = self.text.splitlines()
        start = value.rfind("\n", 0, offset) + 1
        end = value.find("\n", start)
        snippet = value[start : min(start + 20, end if end >= 0 else len(value))]
        found_at = source_lines[line - 1].find(snippet) if line <= len(source_lines) and snippet else -1
        return line, (found_at + 1 + offset - start) if found_at >= 0 else 1


def _child(node: Node, step: str | int) -> tuple[Node | None, Node] | None:
    if isinstance(node, MappingNode) and isinstance(step, str):
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == step:
                return k, v
    if isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
        return None, node.value[step]
    return None


class LoadError(Exception):
    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


def parse(raw: bytes) -> Document:
    """Parse the bytes of one content file; raises LoadError with a position."""
    if len(raw) > MAX_FILE_BYTES:
        raise LoadError(1, 1, f"file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        column = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        raise LoadError(
            line, column, f"the file is not UTF-8 text (byte 0x{raw[e.start]:02x}); save it as UTF-8"
        ) from None
    text = text.removeprefix("\ufeff")  # a UTF-8 byte-order mark (Windows editors) is harmless
    for number, line_text in enumerate(text.splitlines(), 1):
        indent = line_text[: len(line_text) - len(line_text.lstrip(" \t"))]
        if "\t" in indent:
            raise LoadError(number, indent.index("\t") + 1, "indent with spaces, not tabs")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise LoadError(1, 1, "the file is empty")
        if not isinstance(node, MappingNode):
            raise LoadError(
                node.start_mark.line + 1, node.start_mark.column + 1, "the file must be a set of 'field: value' lines"
            )
        _check_depth(node)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise LoadError(line, column, _yaml_message(e)) from None
    except yaml.reader.ReaderError as e:  # control characters: a position, not a mark
        line = text.count("\n", 0, e.position) + 1
        column = e.position - (text.rfind("\n", 0, e.position) + 1) + 1
        raise LoadError(line, column, f"control character U+{e.character:04X} is not allowed") from None
    finally:
        loader.dispose()
    return Document(data, node, text)


def _check_depth(root: Node) -> None:
    """Refuse deep nesting and aliases before constructing anything.

    An alias makes the node tree a graph that shares nodes; walking it naively would expand
    a "billion laughs" file, so a node met twice stops the walk at once.
    """
    seen: set[int] = set()
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            raise LoadError(node.start_mark.line + 1, node.start_mark.column + 1, ALIAS_MESSAGE)
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise LoadError(
                node.start_mark.line + 1, node.start_mark.column + 1, f"nested more than {MAX_DEPTH} levels deep"
            )
        if isinstance(node, MappingNode):
            stack.extend((v, depth + 1) for _, v in node.value)
        elif isinstance(node, SequenceNode):
            stack.extend((v, depth + 1) for v in node.value)


def _yaml_message(e: yaml.MarkedYAMLError) -> str:
    problem = e.problem or "not valid YAML"
    if "could not determine a constructor" in problem:
        return "tags such as !!python or !custom are not allowed"
    if "expected a single document" in str(e.context):
        return "only one document is allowed (remove the extra '---')"
    if isinstance(e, ConstructorError):  # our own refusals: already plain words
        return problem
    context = f"{e.context}: " if e.context and e.context != problem else ""
    hint = ""
    if "mapping values are not allowed" in problem:
        hint = " (put text containing ': ' in quotes)"
    return f"not valid YAML: {context}{problem}{hint}"


def read(path: Path) -> Document:
    """Read and parse a file from disk."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise LoadError(1, 1, f"cannot read the file: {e.strerror}") from None
    return parse(raw)


def load_problem(source: str, e: LoadError) -> Problem:
    return Problem(source, e.line, e.column, "", e.message)
