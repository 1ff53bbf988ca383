"""Hostile but valid content: every output carries the text, none of it becomes markup or code.

tests/hostile/content has script, markup, a JSON-LD breakout, feed terminators and
spreadsheet formulas in names, titles and descriptions. Each test here fails if the
matching protection (autoescaping, safe Markdown, JSON-LD escaping, iCalendar escaping,
CSV neutralising) were removed.
"""

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import ROOT, build_site

HOSTILE = ROOT / "tests" / "hostile" / "content"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(HOSTILE, tmp_path_factory.mktemp("hostile") / "site")


class _Tags(HTMLParser):
    """Every element and attribute as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def parsed(page: Path) -> _Tags:
    p = _Tags()
    p.feed(page.read_text(encoding="utf-8"))
    return p


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_no_content_becomes_an_element_or_handler(site: Path) -> None:
    for page in html_pages(site):
        p = parsed(page)
        names = {t for t, _ in p.tags}
        assert not names & {"img", "iframe", "svg", "style", "object", "embed"} or page.match("stats/index.html"), page
        for tag, attrs in p.tags:
            assert not any(a.startswith("on") for a in attrs), (page, tag, attrs)
            if tag == "script":
                assert attrs.get("type") in ("application/ld+json", "application/json") or attrs.get(
                    "src", ""
                ).endswith(".js"), (page, attrs)
            for name in ("href", "src", "action"):
                value = (attrs.get(name) or "").strip().lower()
                assert not value.startswith(("javascript:", "data:", "vbscript:")) or value == "data:,", (
                    page,
                    tag,
                    value,
                )


def test_hostile_text_is_shown_as_text(site: Path) -> None:
    page = (site / "opportunities/scriptworks-formula-and-markup/index.html").read_text(encoding="utf-8")
    assert "&lt;svg onload=alert(&#39;title&#39;)&gt;" in page
    employer = (site / "employers/scriptworks/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt; Scriptworks &amp; Sons" in employer
    assert "&lt;img src=x onerror=" in employer  # raw HTML in Markdown stays text
    assert "Ymweliad â'r safle" in page and "زيارة الموقع" in page


def test_json_ld_cannot_break_out_and_keeps_the_text(site: Path) -> None:
    for path in ("employers/scriptworks/index.html", "opportunities/scriptworks-formula-and-markup/index.html"):
        p = parsed(site / path)
        # JSON-LD, and on an opportunity page what the planner saves: the </script> in the summary
        # did not end either block early, and both read back as the same text
        assert len(p.scripts) == (2 if path.startswith("opportunities/") else 1), path
        data = json.loads(p.scripts[0])
        assert all("</script>" not in s for s in p.scripts)
        assert data["description"].startswith(("</script><script>", "@SUM"))
        if len(p.scripts) == 2:
            assert json.loads(p.scripts[1])["title"] == data["name"]


def test_feeds_parse_and_carry_the_text(site: Path) -> None:
    root = ET.fromstring((site / "feed.xml").read_bytes())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    summaries = [e.find("a:summary", ns).text for e in root.findall("a:entry", ns)]
    assert any("]]> and </title></entry>" in s for s in summaries)


def test_calendar_text_cannot_start_a_property(site: Path) -> None:
    raw = (site / "calendar/scriptworks-formula-and-markup.ics").read_bytes().decode("utf-8")
    unfolded = raw.replace("\r\n ", "")
    lines = unfolded.split("\r\n")
    assert lines.count("END:VEVENT") == 1 and lines.count("BEGIN:VEVENT") == 1
    assert not any(line.startswith("END:VEVENT") and line != "END:VEVENT" for line in lines)
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert "END:VEVENT" in description  # still there, as escaped text inside the property
    assert re.search(r"SUMMARY:=cmd\|' /C calc'!A0 <svg onload=alert\('title'\)>", unfolded)


def test_search_records_carry_text_not_markup(site: Path) -> None:
    cards = [c for f in site.glob("search/index-*/cards/*.json") for c in json.loads(f.read_text(encoding="utf-8"))]
    assert any("<" in c["title"] or "<" in c["text"] for c in cards)  # the text as written: shown with textContent
    script = (ROOT / "static" / "search.js").read_text(encoding="utf-8")
    assert not re.search(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML\(|document\.write\(", script)
