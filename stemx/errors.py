"""User-facing problems and exceptions: clean messages, a non-zero exit, never a traceback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong with a content file, at a 1-based line and column.

    Field order is the sort order: by file, then position, so a report reads top to bottom.
    """

    path: str
    line: int
    column: int
    field: str  # dotted path such as "locations[0].postcode"; "" for the file as a whole
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}"
        label = f"{self.field}: " if self.field else ""
        tag = "warning: " if self.severity == "warning" else ""
        return f"{where}: {tag}{label}{self.message}"

    def __reduce__(self) -> tuple[type[Problem], tuple[str, int, int, str, str, Severity]]:
        # The checked-file cache unpickles one per warning: the constructor is ~20x faster
        # than the generic state restore of a frozen slots dataclass.
        return Problem, (self.path, self.line, self.column, self.field, self.message, self.severity)

    def github(self) -> str:
        """A GitHub Actions workflow command, shown as an annotation on the file and line."""
        kind = "error" if self.severity == "error" else "warning"
        title = _escape_property(self.field or "file")
        return (
            f"::{kind} file={_escape_property(self.path)},line={self.line},col={self.column},"
            f"title={title}::{_escape_data(self.message)}"
        )


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


class StemxError(Exception):
    """Base for errors the command line reports as a message and an exit code."""

    exit_code = 1


class ContentError(StemxError):
    """The content is invalid; carries every problem found in one run."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        errors = sum(p.severity == "error" for p in self.problems)
        super().__init__(f"{errors} error(s) in the content")


class UsageError(StemxError):
    """The command was called wrongly (bad option, missing folder)."""

    exit_code = 2


class BuildError(StemxError):
    """Something outside the content stopped the build (disk, templates, a tool)."""
