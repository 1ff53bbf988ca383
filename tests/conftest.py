"""Shared fixtures: paths come from here, never from the working directory."""

import re
import shutil
import signal
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

if TYPE_CHECKING:
    from collections.abc import Iterable

    from stemx.config import BuildConfig
    from stemx.model import Opportunity

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
TODAY = date(2026, 11, 24)  # the date the sample content and fixtures describe


@pytest.fixture(autouse=True, scope="session")
def ctrl_c_delivered() -> None:
    """Tests run from a script in the background (`make test &`) inherit Ctrl+C (SIGINT) ignored,
    and so would every process they start: the tests of what Ctrl+C does need it delivered, as
    from a terminal. Python's own handler here; a process started from here gets the default."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def minimal_content() -> Path:
    return CASES / "valid" / "minimal" / "content"


@pytest.fixture
def sample_content() -> Path:
    return ROOT / "content"


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A copy of the sample register to edit (116 entries: one change is a small share of them)."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return tmp_path / "content"


def cached(content: Path) -> "BuildConfig":
    """The settings of a build of `content` into site/ beside it, with cache/ beside it too."""
    from stemx.config import BuildConfig

    tmp = content.parent
    return BuildConfig(content_dir=content, out_dir=tmp / "site", today=TODAY, cache_dir=tmp / "cache")


def opportunity_file(content: Path, n: int) -> Path:
    return sorted((content / "opportunities").glob("*.yaml"))[n]


def set_fields(path: Path, **fields: Any) -> None:
    """Change fields of an entry file (written back as YAML)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump(data | fields, allow_unicode=True), encoding="utf-8")


def moved_on(opportunities: "Iterable[Opportunity]", day: date) -> list[str]:
    """The ids of the opportunities whose status or dates still to come `day` changes."""
    from datetime import timedelta

    return sorted(o.id for o in opportunities if o.as_of(day) != o.as_of(day - timedelta(days=1)))


def a_quiet_day(content: Path) -> tuple[date, list[str]]:
    """A day after TODAY on which a few opportunities (one to five) change status or pass a date,
    and their ids: what a daily build must remake."""
    from datetime import timedelta

    from stemx.content import load_register

    opportunities = load_register(content, TODAY).opportunities.values()
    for n in range(1, 90):
        day = TODAY + timedelta(days=n)
        moved = moved_on(opportunities, day)
        if 0 < len(moved) <= 5:
            return day, moved
    raise AssertionError("no day in the next 90 changes one to five opportunities")


def record_calls(monkeypatch: pytest.MonkeyPatch, name: str, *modules: object) -> list[tuple[Any, ...]]:
    """Wrap the function `name` (as each module holds it) so each call's arguments are recorded."""
    calls: list[tuple[Any, ...]] = []
    real = getattr(modules[0], name)

    def recorded(*args: Any) -> Any:
        calls.append(args)
        return real(*args)

    for module in modules:
        monkeypatch.setattr(module, name, recorded)
    return calls


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


def site_files(site: Path) -> dict[str, bytes]:
    """Every file of a built site by its path, but the manifest id (builds with a cache only)."""
    found = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    return {k: v for k, v in found.items() if ".stemx-" not in k}


def assert_same_site(rebuilt: Path, clean: Path, queries: tuple[str, ...] = ()) -> None:
    """A rebuild gives what a clean build gives: every file byte for byte, but those a rebuild may
    have patched (other bytes for the same content): the search index, which must give the same
    answers (under another folder name and sizes on the search page), and the SQLite data file,
    which must hold the same rows."""
    from tests.opendata.helpers import sqlite_content
    from tests.search.helpers import Index, same_answers

    def plain(files: dict[str, bytes]) -> dict[str, bytes]:
        found = {k: v for k, v in files.items() if not k.startswith("search/index-") and not k.endswith(".sqlite")}
        found["search/index.html"] = re.sub(rb"index-[0-9a-f]{16}|size&#34;: [0-9]+", b"*", found["search/index.html"])
        if "data/index.html" in found:  # the data page gives each download's size
            found["data/index.html"] = re.sub(rb"(\.sqlite</a></td><td>)[0-9,]+", rb"\1*", found["data/index.html"])
        return found

    a, b = plain(site_files(rebuilt)), plain(site_files(clean))
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []
    for database in rebuilt.glob("data/*.sqlite"):
        assert sqlite_content(database) == sqlite_content(clean / "data" / database.name), database.name
    ours, theirs = Index.of(rebuilt), Index.of(clean)
    try:
        ours.check()
        same_answers(ours, theirs, queries)
    finally:
        ours.close()
        theirs.close()
