"""Shared fixtures: paths come from here, never from the working directory."""

from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
TODAY = date(2026, 11, 24)  # the date the sample content and fixtures describe


@pytest.fixture
def minimal_content() -> Path:
    return CASES / "valid" / "minimal" / "content"


@pytest.fixture
def sample_content() -> Path:
    return ROOT / "content"
