"""The search index as static hosts serve it: hosts that honour Range, ignore it or compress,
a new build replacing the index under an open page, snippets, sort orders and "1,000+"."""

from __future__ import annotations

import functools
import gzip
import http.server
import re
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect

from bench.generate import generate
from stemx.config import BuildConfig
from stemx.pipeline import build
from tests.browser.conftest import collect_errors
from tests.browser.test_search import results
from tests.conftest import ROOT, TODAY, build_site

pytestmark = pytest.mark.browser


class _Plain(http.server.SimpleHTTPRequestHandler):
    """Python's file server: it ignores Range and always sends the whole file."""

    ranges: list[str]

    def log_message(self, *args: object) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        if "Range" in self.headers:
            self.ranges.append(self.path)
        return super().send_head()


class _Ranges(_Plain):
    """A host that honours Range (206 Partial Content), as most CDNs do."""

    def send_head(self):  # type: ignore[no-untyped-def]
        header = self.headers.get("Range")
        path = Path(self.translate_path(self.path))
        if not header or not path.is_file():
            return super().send_head()
        self.ranges.append(self.path)
        start, _, end = header.removeprefix("bytes=").partition("-")
        data = path.read_bytes()
        body = data[int(start) : int(end) + 1 if end else None]
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{int(start) + len(body) - 1}/{len(data)}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _Body(body)


class _Gzip(_Plain):
    """A host that compresses what it serves (GitHub Pages does, for many types)."""

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if not path.is_file():
            return super().send_head()
        body = gzip.compress(path.read_bytes())
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _Body(body)


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, *args: object) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


def serve(site: Path, handler: type[_Plain]) -> Iterator[tuple[str, list[str]]]:
    ranges: list[str] = []
    kind = type("Handler", (handler,), {"ranges": ranges})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(kind, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", ranges
    httpd.shutdown()
    httpd.server_close()


def test_every_kind_of_static_host_answers_the_same(page: Page, built_site: Path) -> None:
    answers = []
    for handler in (_Plain, _Ranges, _Gzip):  # ignores Range, honours it, compresses
        for base, ranges in serve(built_site, handler):
            page.goto(base + "/search/?q=battery&sort=date")
            answers.append(results(page))
            expect(page.locator("#result-count")).to_have_text(re.compile(r"^\d+ results for “battery”$"))
            assert ranges == []  # pieces are fetched whole: nothing depends on Range
    assert "Inside a battery gigafactory: cell plant tour" in answers[0]
    assert answers[0] == answers[1] == answers[2]


def test_a_result_shows_why_it_matched(page: Page, server: str) -> None:
    page.goto(server + "/search/?q=turbines")
    results(page)
    marks = page.locator("#results .snippet mark").all_inner_texts()
    assert marks and all(m.lower().startswith("turbine") for m in marks)


def test_every_sort_order_finds_the_same_results(page: Page, server: str) -> None:
    found = {}
    for sort in ("", "date", "closes", "published"):
        page.goto(server + f"/search/?q=engineering&sort={sort}")
        found[sort] = results(page)
        more = page.locator("#more")
        while more.is_visible():
            more.click()
            page.wait_for_function("document.querySelectorAll('#results .card').length > 0")
            page.wait_for_timeout(100)
            found[sort] = page.locator("#results .card-title").all_inner_texts()
    assert len({tuple(sorted(v)) for v in found.values()}) == 1
    assert len({tuple(v) for v in found.values()}) > 1  # in different orders
    assert len(found[""]) == len(set(found[""]))  # best match lists nothing twice


def test_a_replaced_index_asks_for_a_reload(browser: Browser, tmp_path: Path, built_site: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    page = browser.new_context().new_page()
    errors = collect_errors(page)
    for base, _ in serve(site, _Plain):
        page.goto(base + "/search/")
        page.wait_for_selector("#results[aria-busy=false]", state="attached")
        for index in site.glob("search/index-*"):
            shutil.rmtree(index)  # a new build has been published since the page opened
        page.get_by_label("Search by keyword").fill("robot")
        page.get_by_label("Search by keyword").press("Enter")
        expect(page.locator("#result-count")).to_have_text(
            "The search index has been updated since this page was opened. Reload the page to search again."
        )
    assert errors == []


@pytest.fixture(scope="module")
def large_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    content = tmp_path_factory.mktemp("large") / "content"
    generate(content, 150, 1300, seed=3, today=TODAY)
    return build_site(content, content.parent / "site")


def test_counts_past_their_caps_say_so_and_the_rest_are_exact(page: Page, large_site: Path, tmp_path: Path) -> None:
    # The database as the browser sees it, joined from its pieces, to count independently.
    pieces = sorted(large_site.glob("search/index-*/closes/*.bin"), key=lambda p: int(p.stem))
    (tmp_path / "search.sqlite").write_bytes(b"".join(p.read_bytes() for p in pieces))
    db = sqlite3.connect(f"file:{tmp_path / 'search.sqlite'}?immutable=1", uri=True)
    for base, _ in serve(large_site, _Plain):
        page.goto(
            base + "/search/?show=Open+opportunities&show=Closed+and+past+opportunities&show=Employers&q=teachers"
        )
        results(page)
        expect(page.locator("#result-count")).to_have_text("1,000+ results for “teachers”")
        expect(page.locator("#more")).to_be_visible()
        page.wait_for_function("document.getElementById('search-app').dataset.counted === 'yes'")
        seen = []
        for box in page.locator('input[name="region"]').all():
            token, shown = (
                box.get_attribute("data-token"),
                page.locator(f"label[for='{box.get_attribute('id')}'] .count"),
            )
            (exact,) = db.execute(
                "SELECT count(*) FROM by_closes WHERE by_closes MATCH ?",
                (f'("teachers"*) AND (zzshow_open OR zzshow_closed OR zzshow_employer) AND {token}',),
            ).fetchone()
            assert shown.inner_text() == ("(100+)" if exact > 100 else f"({exact})"), token
            seen.append(exact)
        assert min(seen) <= 100 < max(seen)  # both kinds shown
    db.close()


def test_while_typing_an_unfinished_word_already_matches(page: Page, server: str) -> None:
    page.goto(server + "/search/")
    page.get_by_label("Search by keyword").press_sequentially("turbi", delay=20)  # no Enter: typing
    expect(page.locator("#result-count")).to_contain_text("for “turbi”")
    assert any("turbine" in t.lower() for t in results(page))
    typed = results(page)
    page.get_by_label("Search by keyword").press("Enter")  # submitted: whole words first, then word starts
    page.wait_for_function("document.getElementById('search-app').dataset.counted === 'yes'")
    assert results(page) == typed


def test_a_patched_index_finds_the_new_title_and_forgets_the_old(page: Page, tmp_path: Path) -> None:
    """A rebuild after one title changed patches the published index (tests/search/test_patch.py);
    the browser, reading the patched databases in pieces, finds the new words and not the old."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    path = sorted((content / "opportunities").glob("*.yaml"))[3]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    config = BuildConfig(content_dir=content, out_dir=tmp_path / "site", today=TODAY, cache_dir=tmp_path / "cache")
    path.write_text(yaml.safe_dump(data | {"title": "Quokkaline mentoring"}), encoding="utf-8")
    build(config)
    first = {p.name for p in config.out_dir.glob("search/index-*")}
    path.write_text(yaml.safe_dump(data | {"title": "Zebracorn mentoring"}), encoding="utf-8")
    build(config)
    assert {p.name for p in config.out_dir.glob("search/index-*")}.isdisjoint(first)
    for base, _ in serve(config.out_dir, _Plain):
        for sort in ("", "date", "published"):  # each order is its own database
            page.goto(base + f"/search/?q=zebracorn&sort={sort}")
            assert results(page) == ["Zebracorn mentoring"]
            page.goto(base + f"/search/?q=quokkaline&sort={sort}")
            assert results(page) == []
            expect(page.locator("#result-count")).to_have_text("0 results for “quokkaline”")
