#!/usr/bin/env python3
"""Measure search in Chromium on a built site: bytes the first query transfers, and query times.

    python bench/search.py --site /tmp/stemx-bench/10000-40000/site --query engineering

Serves the site on 127.0.0.1, opens the search page in Debian's Chromium, and counts the
bytes of every response after the page has loaded (Pagefind's entry, index chunks,
filters and result fragments), then times a few further queries.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import statistics
import sys
import threading
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser.conftest import ARGS, CHROMIUM  # noqa: E402  (the flags the browser tests use)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--site", type=Path, required=True)
    p.add_argument("--query", default="engineering")
    p.add_argument(
        "--more", nargs="*", default=["wind turbine", "cyber", "CNC machining", "battery chemistry", "robots"]
    )
    args = p.parse_args()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(args.site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    sizes: list[tuple[str, int]] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_context(
            bypass_csp=True
        ).new_page()  # the CSP forbids the harness's waits, not the site's code
        page.goto(base + "/search/")
        page.wait_for_selector("#results[aria-busy=false]", state="attached", timeout=120_000)
        page.on("response", lambda r: sizes.append((r.url, len(r.body()))) if r.ok else None)
        started = time.perf_counter()
        page.get_by_label("Search by keyword").fill(args.query)
        page.get_by_label("Search by keyword").press("Enter")
        page.wait_for_function("document.getElementById('result-count').textContent.includes('for')", timeout=120_000)
        page.wait_for_selector("#results[aria-busy=false]", state="attached")
        first = time.perf_counter() - started
        first_bytes = sum(n for _, n in sizes)
        timings = []
        for query in args.more:
            page.get_by_label("Search by keyword").fill(query)
            started = time.perf_counter()
            page.get_by_label("Search by keyword").press("Enter")
            page.wait_for_function(
                f"document.getElementById('result-count').textContent.includes({query!r})", timeout=120_000
            )
            page.wait_for_selector("#results[aria-busy=false]", state="attached")
            timings.append(time.perf_counter() - started)
        count = page.locator("#result-count").inner_text()
        browser.close()
    httpd.shutdown()
    print(
        f"first query {args.query!r}: {first_bytes:,} bytes in {len(sizes)} responses, {first:.2f} s (results, counts for every filter)"
    )
    print(
        f"later queries: median {statistics.median(timings):.2f} s over {len(timings)} ({', '.join(args.more)}); last: {count}"
    )


if __name__ == "__main__":
    main()
