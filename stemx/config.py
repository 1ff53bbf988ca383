"""Build settings, declared with types and defaults (one object passed to every stage)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ORIGIN = "https://stem-exchange.example.org"


def default_today() -> date:
    """The build date: SOURCE_DATE_EPOCH when set (reproducible builds), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).date()
    return date.today()


@dataclass(frozen=True, slots=True)
class BuildConfig:
    content_dir: Path = ROOT / "content"
    out_dir: Path = ROOT / "site"
    # Where the site is served: "/" at a domain root, "/stem-exchange/" under a sub-path (GitHub Pages).
    base_url: str = "/"
    # Absolute origin for canonical URLs, feeds and sitemaps, e.g. "https://stem-exchange.example.org".
    site_origin: str = DEFAULT_ORIGIN
    # The day the build describes: open/closed/past depend on it. Fixed per build so that the
    # same content and day give byte-identical output.
    today: date = field(default_factory=default_today)
    # A previously published data package, to list what changed since that release.
    previous_data: Path | None = None
    templates_dir: Path = ROOT / "templates"
    static_dir: Path = ROOT / "static"
    strict: bool = False
    # The GitHub repository that receives submissions ("owner/name"), for links from the site.
    repository: str = "stem-exchange/register"
    # The register's inbox: employers without a GitHub account send their entry there by email.
    inbox: str = "submissions@stem-exchange.example.org"
    # Where checked files are remembered between builds (see cache.py); None: check every file.
    cache_dir: Path | None = None

    def url(self, path: str = "") -> str:
        """Site-relative URL of an output path such as "opportunities/x/" (no leading slash)."""
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")

    def absolute_url(self, path: str = "") -> str:
        return self.site_origin.rstrip("/") + self.url(path)
