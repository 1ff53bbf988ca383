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


def published(out: Path) -> Path:
    """A folder standing for a previously published site; returns its one page."""
    out.mkdir()
    (out / "index.html").write_text("previous site")
    return out / "index.html"


def build_site(content: Path, out: Path, base_url: str = "/") -> Path:
    """Build a content folder with the real pipeline, as `python build.py build` does."""
    from stemx.config import BuildConfig
    from stemx.pipeline import build

    build(BuildConfig(content_dir=content, out_dir=out, today=TODAY, base_url=base_url))
    return out


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site, built once for the whole test session."""
    return build_site(ROOT / "content", tmp_path_factory.mktemp("site") / "site")
