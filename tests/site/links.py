"""Read a built site as a crawler would: every page and every internal link."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append(value)


def links(page: Path) -> list[str]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.links


def pages(site: Path) -> Iterator[Path]:
    yield from sorted(site.rglob("*.html"))


def target(site: Path, base_url: str, href: str) -> Path | None:
    """The file an internal link points at, or None for an external link."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    path = unquote(parts.path)
    assert path.startswith(base_url), f"{href} is outside the base URL {base_url}"
    relative = path[len(base_url) :]
    return site / (relative + "index.html" if relative.endswith("/") or relative == "" else relative)
