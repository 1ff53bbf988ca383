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

import errno
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from . import yaml_messages
from .errors import Problem

MAX_FILE_BYTES = 256 * 1024  # a generous entry is ~10 KB; this bounds memory and parse time
MAX_DEPTH = 12  # the schemas nest 5 levels at most
_TAB_INDENT = re.compile(r"^ *\t", re.MULTILINE)
ALIAS_MESSAGE = "anchors (&name) and aliases (*name) are not allowed; write each value out"


_STR, _INT, _FLOAT, _BOOL, _NULL, _SEQ, _MAP = (
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "seq", "map")
)
# The YAML 1.2 core schema's implicit types, less .inf and .nan (never a sensible value here).
_TYPED = re.compile(
    r"(?P<bool>true|True|TRUE|false|False|FALSE)|(?P<null>~|null|Null|NULL)|(?P<int>[-+]?[0-9]+)"
    r"|(?P<float>[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)"
)
_MAY_BE_TYPED = frozenset("tTfFnN~-+.0123456789")


class _Resolver(BaseResolver):
    """Implicit typing by the YAML 1.2 core schema, without YAML 1.1's surprises."""

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            if implicit[0]:  # a plain (unquoted) scalar
                if value == "":
                    return _NULL
                if value[0] in _MAY_BE_TYPED and (m := _TYPED.fullmatch(value)):
                    return f"tag:yaml.org,2002:{m.lastgroup}"
            return _STR
        return _SEQ if kind is SequenceNode else _MAP

    # There are no path resolvers: libyaml's composer calls these around every node anyway.
    def descend_resolver(self, current_node: Node | None, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


class _Loader(CParser, _Resolver):
    """libyaml composes the node tree in C; _construct below turns it into plain data."""

    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        _Resolver.__init__(self)


_CONVERT: dict[str, Callable[[str], Any]] = {
    "int": int,
    "float": float,
    "bool": lambda v: v in ("true", "True", "TRUE"),
    "null": lambda v: None,
}


def _construct(node: Node, depth: int, seen: set[int]) -> Any:
    """Plain data from the node tree, refusing aliases, tags and deep nesting as it goes.

    An alias makes the tree a graph that shares nodes, so a node met twice is refused at
    once: a "billion laughs" file never expands.
    """
    if id(node) in seen:
        raise _error(node, ALIAS_MESSAGE)
    seen.add(id(node))
    if depth > MAX_DEPTH:
        raise _error(node, f"nested more than {MAX_DEPTH} levels deep")
    if isinstance(node, ScalarNode):
        if node.tag == _STR:
            return node.value
        m = _TYPED.fullmatch(node.value)
        # An explicit tag (!!int "x", !!timestamp, !!python/...) that names another type, or
        # disagrees with the text, is refused rather than guessed at.
        if m is None or m.lastgroup is None or node.tag != f"tag:yaml.org,2002:{m.lastgroup}":
            raise _error(node, "tags such as !!python or !custom are not allowed")
        return _CONVERT[m.lastgroup](node.value)
    if node.tag not in (_SEQ, _MAP):
        raise _error(node, "tags such as !!python or !custom are not allowed")
    if isinstance(node, SequenceNode):
        return [_construct(item, depth + 1, seen) for item in node.value]
    result: dict[str, Any] = {}
    key_nodes: dict[str, Node] = {}  # for the line of a key given twice
    depth += 1
    for key_node, value_node in node.value:
        key = _construct(key_node, depth, seen)
        if not isinstance(key, str):
            raise _error(key_node, f"field names must be text, not {key!r}")
        if key in result:
            first = key_nodes[key].start_mark.line + 1
            raise _error(key_node, f"'{key}' is given twice (first on line {first}); keep one of them")
        key_nodes[key] = key_node
        result[key] = _construct(value_node, depth, seen)
    return result


def _error(node: Node, message: str) -> LoadError:
    return LoadError(node.start_mark.line + 1, node.start_mark.column + 1, message)


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
    if tab := _TAB_INDENT.search(text):
        line = text.count("\n", 0, tab.start()) + 1
        raise LoadError(line, tab.end() - tab.start(), "indent with spaces, not tabs")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise LoadError(1, 1, "the file is empty")
        if not isinstance(node, MappingNode):
            raise LoadError(
                node.start_mark.line + 1, node.start_mark.column + 1, "the file must be a set of 'field: value' lines"
            )
        data = _construct(node, 1, set())
    except yaml.MarkedYAMLError as e:
        raise LoadError(*yaml_messages.explain(e, text)) from None
    except yaml.reader.ReaderError as e:  # control characters: a position, not a mark
        line = text.count("\n", 0, e.position) + 1
        column = e.position - (text.rfind("\n", 0, e.position) + 1) + 1
        raise LoadError(line, column, f"control character U+{e.character:04X} is not allowed") from None
    finally:
        loader.dispose()  # frees libyaml's parser state now, not at garbage collection
    return Document(data, node, text)


LINK_MESSAGE = "is a symbolic link; entries must be ordinary files (links are not followed)"


def read_bytes(path: Path | str) -> bytes:
    """The bytes of an entry file, never through a symbolic link (see read_stat)."""
    return read_stat(path)[0]


def read_stat(path: Path | str) -> tuple[bytes, os.stat_result]:
    """The bytes of an entry file, and its status as read (from the same open file).

    A link could make the build read (and publish) any file on the machine running it, such
    as a pull-request check's runner, so the file is opened with O_NOFOLLOW: a link swapped
    in after the folder was listed is refused too.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as e:
        if e.errno == errno.ELOOP or os.path.islink(path):
            raise LoadError(1, 1, LINK_MESSAGE) from None
        raise LoadError(1, 1, f"cannot read the file: {e.strerror}") from None
    try:
        size = os.fstat(fd).st_size
        data = os.read(fd, size + 1)  # a byte more than its size: a short read is the end
        if len(data) > size:  # it grew meanwhile: read on to the end
            parts = [data]
            while chunk := os.read(fd, 1 << 16):
                parts.append(chunk)
            data = b"".join(parts)
        return data, os.fstat(fd)  # the status after the read: any later change shows in it
    except OSError as e:  # a folder named like a file, for one
        raise LoadError(1, 1, f"cannot read the file: {e.strerror}") from None
    finally:
        os.close(fd)


def read(path: Path) -> Document:
    """Read and parse a file from disk."""
    return parse(read_bytes(path))


def load_problem(source: str, e: LoadError) -> Problem:
    return Problem(source, e.line, e.column, "", e.message)
