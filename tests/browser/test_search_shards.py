"""A register indexed in several Pagefind shards answers exactly as one index does."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

import stemx.search
from stemx.config import BuildConfig
from stemx.content import load_register
from tests.browser.conftest import _Quiet
from tests.browser.test_search import results
from tests.conftest import ROOT, TODAY, build_site

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(stemx.search, "SHARD_SIZE", 40)  # the sample register's ~100 records make three shards
        site = build_site(ROOT / "content", tmp_path_factory.mktemp("sharded") / "site")
    assert (site / "pagefind-3" / "pagefind.js").is_file() and not (site / "pagefind-4").exists()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def answer(page: Page, url: str) -> tuple[list[str], str, dict[str, str]]:
    page.goto(url)
    titles = results(page)
    while page.locator("#more").is_visible():
        page.locator("#more").click()
        page.wait_for_function(f"document.querySelectorAll('#results .card').length > {len(titles)}")
        titles = page.locator("#results .card-title").all_inner_texts()
    counts = page.eval_on_selector_all(
        "input[type=checkbox]",
        "cs => Object.fromEntries(cs.map(c => [c.name + '=' + c.value, c.labels[0].querySelector('.count').textContent]))",
    )
    return titles, page.locator("#result-count").inner_text(), counts


@pytest.mark.parametrize(
    "query",
    [
        "?q=engineering",
        "?type=Site+visit&region=North+West&region=Yorkshire+and+the+Humber",
        "?sort=date",
        "?sort=published&show=Employers&show=Open+opportunities",
        "?q=engineering&sort=closes",
    ],
)
def test_shards_answer_as_one_index(page: Page, server: str, sharded: str, query: str) -> None:
    one = answer(page, f"{server}/search/{query}")
    many = answer(page, f"{sharded}/search/{query}")
    assert many[1:] == one[1:]  # the count line and every filter count
    assert sorted(many[0]) == sorted(one[0])
    if "sort=" in query:
        # The same order, up to ties (which each index breaks its own way).
        key = query.split("sort=")[1].split("&")[0]
        register = load_register(ROOT / "content", TODAY)
        config = BuildConfig(content_dir=ROOT / "content", out_dir=ROOT / "site", today=TODAY)
        keys = {r.meta["title"]: r.sort[key] for r in stemx.search.records(register, config)}
        assert [keys[t] for t in many[0]] == [keys[t] for t in one[0]]
