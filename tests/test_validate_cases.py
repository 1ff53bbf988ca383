"""One invalid content folder per validation rule, with the exact messages expected beside it."""

from pathlib import Path

import pytest

from tests.conftest import CASES
from tests.update_expected import run

INVALID = sorted(p for p in (CASES / "invalid").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", INVALID, ids=[p.name for p in INVALID])
def test_invalid_case_reports_exact_problems(case: Path) -> None:
    code, problems = run(case)
    assert code == 1
    assert problems == (case / "expected.txt").read_text(encoding="utf-8")


def test_every_rule_has_a_case() -> None:
    names = {p.name for p in INVALID}
    assert {
        "yaml-syntax",
        "unclosed-quote",
        "indented-differently",
        "missing-colon",
        "duplicate-key",
        "unknown-field",
        "missing-required",
        "not-in-list",
        "bad-postcode",
        "bad-url",
        "not-a-real-date",
        "date-order",
        "closes-after-last-date",
        "id-not-file-name",
        "unknown-employer",
        "duplicate-id",
        "not-utf8",
        "yes-no-not-retyped",
        "warnings-only",
    } <= names
