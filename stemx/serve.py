"""`python build.py serve`: build, serve on localhost, rebuild when content, templates or code change.

Each rebuild goes through the same atomic swap as `build`, so the server never shows a
half-written site; an invalid change is reported and the last good site stays up.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

from watchfiles import watch

from .config import ROOT, BuildConfig
from .errors import ContentError
from .pipeline import build
from .report import print_build_report


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # one quiet server
        pass


def _rebuild(config: BuildConfig) -> None:
    try:
        print_build_report(build(config), config)
    except ContentError as e:
        for problem in e.problems:
            print(problem)
        print("The content has errors; still serving the last good build.")


def serve(config: BuildConfig, port: int = 8000) -> None:
    _rebuild(config)
    # The handler resolves the folder per request, so a swapped-in build is served at once.
    handler = functools.partial(_Handler, directory=str(config.out_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    print(f"Serving {config.out_dir} at http://127.0.0.1:{port}{config.base_url} (Ctrl+C to stop)")
    watched = [
        p
        for p in (config.content_dir, config.templates_dir, config.static_dir, ROOT / "schemas", ROOT / "stemx")
        if Path(p).exists()
    ]
    try:
        for _changes in watch(*watched):
            _rebuild(config)
    finally:
        httpd.shutdown()
