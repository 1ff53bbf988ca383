#!/usr/bin/env python3
"""Measure search in Chromium on a built site: what opening the page costs, what the first
query after it costs (every sort order, cold), and what later typed queries cost.

    python bench/search.py --site /tmp/stemx-bench/10000-40000/site --query engineering

Serves the site on 127.0.0.1 (plain files, no compression) and counts every response the
page and its worker receive. "page" is the search page with its scripts and SQLite's
runtime, fetched once and then cached; "first query" is everything after the page is open:
the results, the total and the filter counts. Bytes are as sent; "gzip" is what a host that
compresses would send (each response gzipped at level 6). With --exact, the worker is served
with its count caps lifted, to show what exact counts would cost.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import re
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote_plus

from playwright.sync_api import Browser, Page, Route, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser.conftest import ARGS, CHROMIUM  # noqa: E402  (the flags the browser tests use)

SORTS = {"best match": "", "date": "date", "closing soonest": "closes", "newest": "published"}
DONE = "document.getElementById('search-app').dataset.counted === 'yes'"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


class Traffic:
    """Responses seen since the last reset: (url, bytes)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int]] = []

    def record(self, response: object) -> None:
        try:
            body = response.body()  # type: ignore[attr-defined]
        except Exception:  # a redirect or a cancelled request has no body
            return
        self.seen.append((response.url, len(body), len(gzip.compress(body, 6))))  # type: ignore[attr-defined,arg-type]

    def take(self) -> tuple[int, int, int]:
        """(requests, bytes, gzipped bytes), and start counting afresh."""
        seen, self.seen = self.seen, []
        return len(seen), sum(s[1] for s in seen), sum(s[2] for s in seen)


Cost = tuple[int, int, int]  # requests, bytes, gzipped bytes


def exact_counts(route: Route) -> None:
    """The search worker with its count caps lifted (CAP and CAP_EACH)."""
    body = route.fetch().text()
    body = re.sub(r"const (CAP|CAP_EACH) = \d+;", r"const \1 = 1e9;", body)
    route.fulfill(body=body, content_type="text/javascript")


def cold_query(
    browser: Browser, base: str, query: str, sort: str, exact: bool = False
) -> tuple[Cost, Cost, Cost, float, str]:
    """Open the search page in a fresh browser context, then search:
    (page, results, filter counts, seconds to the results, count line)."""
    context = browser.new_context(bypass_csp=True)
    if exact:
        context.route("**/search-worker.js", exact_counts)
    traffic = Traffic()
    context.on("response", traffic.record)
    page = context.new_page()
    page.goto(base + "/search/" + (f"?sort={sort}" if sort else ""))
    page.wait_for_load_state("networkidle")
    loaded = traffic.take()
    started = time.perf_counter()
    search(page, query, counts=False)
    seconds = time.perf_counter() - started
    shown = traffic.take()
    page.wait_for_function(DONE, timeout=300_000)
    page.wait_for_timeout(200)  # late responses (none expected) are still counted
    result = (loaded, shown, traffic.take(), seconds, page.locator("#result-count").inner_text())
    context.close()
    return result


def search(page: Page, query: str, counts: bool = True) -> None:
    """Type a query and wait for its results (and, with `counts`, for the filter counts)."""
    page.get_by_label("Search by keyword").fill(query)
    page.get_by_label("Search by keyword").press("Enter")
    page.wait_for_function(f"document.getElementById('result-count').textContent.includes({query!r})", timeout=300_000)
    if counts:
        page.wait_for_function(DONE, timeout=300_000)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--site", type=Path, required=True)
    p.add_argument("--query", default="engineering")
    p.add_argument("--exact", action="store_true", help="lift the count caps (what exact counts would cost)")
    p.add_argument(
        "--more", nargs="*", default=["wind turbine", "cyber", "CNC machining", "battery chemistry", "robots"]
    )
    args = p.parse_args()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(args.site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, sort in SORTS.items():
            for query in (args.query, args.more[0]):
                loaded, shown, counted, seconds, line = cold_query(browser, base, query, sort, args.exact)
                if name == "best match" and query == args.query:
                    print(f"page: {loaded[0]} requests, {loaded[1]:,} bytes ({loaded[2]:,} gzipped)")
                print(
                    f"first query {query!r}, sort {name}: results {shown[0]} requests, {shown[1]:,} bytes "
                    f"({shown[2]:,} gzipped), {seconds:.2f} s; then filter counts {counted[0]} requests, "
                    f"{counted[1]:,} bytes; {line}"
                )
        # Later queries: one page, typed one after another, each after the last has finished.
        context = browser.new_context(bypass_csp=True)
        traffic = Traffic()
        context.on("response", traffic.record)
        page = context.new_page()
        page.goto(base + "/search/?q=" + quote_plus(args.query))
        page.wait_for_function(DONE, timeout=300_000)
        traffic.take()
        later = []
        for query in args.more:
            started = time.perf_counter()
            search(page, query)
            later.append((time.perf_counter() - started, *traffic.take()))
            print(f"later query {query!r}: {later[-1][1]} requests, {later[-1][2]:,} bytes, {later[-1][0]:.3f} s")
        print(
            f"later queries, median of {len(later)}: {statistics.median(t for t, *_ in later):.3f} s, "
            f"{statistics.median(b for _, _, b, _ in later):,.0f} bytes, {statistics.median(r for _, r, _, _ in later):.0f} requests"
        )
        browser.close()
    httpd.shutdown()


if __name__ == "__main__":
    main()
