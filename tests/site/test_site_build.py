"""End to end: the sample content built into a site, checked as a reader and a crawler would."""

import json
import random
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import icalendar
import pytest

from stemx.entrystore import EntryList
from stemx.site.pages import Facet, Overlaps
from tests.conftest import CASES, ROOT, build_site
from tests.site.links import links, pages, target

PAGE_TYPES = [
    "index.html",
    "opportunities/index.html",
    "opportunities/page/2/index.html",
    "opportunities/region/north-west/index.html",
    "opportunities/type/site-visit/index.html",
    "opportunities/subject/physics/index.html",
    "opportunities/audience/careers-leaders/index.html",
    "opportunities/format/online/index.html",
    "opportunities/closed/index.html",
    "opportunities/docklands-soc-shadowing/index.html",
    "employers/index.html",
    "employers/region/wales/index.html",
    "employers/sector/space/index.html",
    "employers/docklands-cyber-defence/index.html",
    "about/index.html",
    "about/teachers/index.html",
    "about/employers/index.html",
    "about/researchers/index.html",
    "404.html",
    "feed.xml",
    "feeds/region/london.xml",
    "calendar/docklands-soc-shadowing.ics",
    "calendar/region/london.ics",
    "sitemap.xml",
    "robots.txt",
    "static/site.css",
]


def text(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_every_page_type_exists(built_site: Path, path: str) -> None:
    assert (built_site / path).is_file()


def test_every_internal_link_resolves(built_site: Path) -> None:
    broken = []
    checked = 0
    for page in pages(built_site):
        for href in links(page):
            file = target(built_site, "/", href)
            if file is not None:
                checked += 1
                if not file.is_file():
                    broken.append(f"{page.relative_to(built_site)} -> {href}")
    assert checked > 1000
    assert broken == []


def test_every_opportunity_and_employer_has_a_page(built_site: Path, sample_content: Path) -> None:
    for kind in ("employers", "opportunities"):
        for entry in (sample_content / kind).glob("*.yaml"):
            assert (built_site / kind / entry.stem / "index.html").is_file()


def test_states_are_said_clearly(built_site: Path) -> None:
    past = text(built_site, "opportunities/humber-net-zero-talk/index.html")
    assert "This opportunity has taken place." in past and "not open to applications" in past
    closed = text(built_site, "opportunities/fenland-bioinformatics-cpd/index.html")
    assert (
        "Applications have closed" in closed and "mailto:" not in closed.split("How to apply")[1].split("Offered by")[0]
    )
    withdrawn = text(built_site, "opportunities/ribble-spc-withdrawn/index.html")
    assert "Withdrawn." in withdrawn
    open_list = "".join(
        text(built_site, p.relative_to(built_site).as_posix())
        for p in (built_site / "opportunities").glob("page/*/index.html")
    )
    open_list += text(built_site, "opportunities/index.html")
    for not_open in ("humber-net-zero-talk", "fenland-bioinformatics-cpd", "ribble-spc-withdrawn"):
        assert f"/opportunities/{not_open}/" not in open_list
        assert f"/opportunities/{not_open}/" in text(built_site, "opportunities/closed/index.html")


def test_registered_supporter_without_opportunities(built_site: Path) -> None:
    page = text(built_site, "employers/menai-tidal-energy/index.html")
    assert "Registered supporter." in page and "no opportunities listed yet" in page


def test_unpublished_contact_details_stay_off_the_site(built_site: Path) -> None:
    page = text(built_site, "employers/don-precision-forgings/index.html")
    assert "training@" not in page and "0114 496 0777" not in page


def test_json_ld_parses_and_describes_the_entry(built_site: Path) -> None:
    page = text(built_site, "opportunities/docklands-soc-shadowing/index.html")
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert block is not None
    data = json.loads(block.group(1))
    # three dates: three events, each with its times and the Europe/London offset of its day
    events = data["@graph"]
    assert [e["@type"] for e in events] == ["EducationEvent"] * 3
    assert [(e["startDate"], e["endDate"]) for e in events] == [
        ("2027-01-18T09:00:00+00:00", "2027-01-18T13:00:00+00:00"),
        ("2027-02-15T09:00:00+00:00", "2027-02-15T13:00:00+00:00"),
        ("2027-03-15T09:00:00+00:00", "2027-03-15T13:00:00+00:00"),
    ]
    assert len({e["@id"] for e in events}) == 3 and events[0]["organizer"]["name"] == "Docklands Cyber Defence"
    assert events[0]["location"]["address"]["addressRegion"] == "London"
    summer = json.loads(
        re.search(
            r'ld\+json">(.*?)</script>', text(built_site, "opportunities/taff-clean-room-visit/index.html"), re.S
        ).group(1)
    )
    starts = [e["startDate"] for e in summer.get("@graph", [summer])]
    assert starts == ["2027-02-04T09:30:00+00:00", "2027-05-13T09:30:00+01:00"]  # May is in British Summer Time
    course = json.loads(
        re.search(
            r'ld\+json">(.*?)</script>', text(built_site, "opportunities/aire-valley-advice-call/index.html"), re.S
        ).group(1)
    )
    assert course["@type"] == "Course" and course["hasCourseInstance"]["courseMode"] == "online"
    employer = json.loads(
        re.search(r'ld\+json">(.*?)</script>', text(built_site, "employers/irwell-robotics/index.html"), re.S).group(1)
    )
    assert employer["@type"] == "Organization" and employer["name"] == "Irwell Robotics"


def test_feeds_are_well_formed_atom(built_site: Path) -> None:
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.fromstring((built_site / "feed.xml").read_bytes())
    entries = root.findall("a:entry", ns)
    assert 10 <= len(entries) <= 50
    published = [e.find("a:published", ns).text for e in entries]
    assert published == sorted(published, reverse=True)
    london = ET.fromstring((built_site / "feeds/region/london.xml").read_bytes())
    assert all("London" in e.find("a:title", ns).text or e is not None for e in london.findall("a:entry", ns))


def test_calendars_follow_rfc_5545(built_site: Path) -> None:
    raw = (built_site / "calendar/docklands-soc-shadowing.ics").read_bytes()
    lines = raw.split(b"\r\n")
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-2] == b"END:VCALENDAR" and lines[-1] == b""
    assert all(len(line) <= 75 for line in lines)
    assert raw.count(b"BEGIN:VEVENT") == 3 == raw.count(b"END:VEVENT")
    assert b"DTSTART;TZID=Europe/London:20270118T090000" in raw


def test_long_lines_fold_at_75_octets_and_unfold_to_the_original() -> None:
    from stemx.site.calendar import _fold

    for line in ["x" * n for n in (74, 75, 76, 149, 150, 151, 400)] + ["é" * 60 + "x" * 30, "a, b; c " * 40]:
        folded = _fold(line).encode("utf-8").split(b"\r\n")
        assert all(len(part) <= 75 for part in folded)
        assert all(part.startswith(b" ") for part in folded[1:])
        assert b"".join([folded[0], *(part[1:] for part in folded[1:])]).decode("utf-8") == line
        assert len(folded) == max(1, -(-(len(line.encode("utf-8")) - 1) // 74))  # as full as 75 octets allow


LONDON = ZoneInfo("Europe/London")


def test_every_calendar_parses_with_the_time_zone_its_times_need(built_site: Path) -> None:
    """Outlook and older clients misplace TZID times without the VTIMEZONE: each file that uses
    one carries it, and icalendar reads every event at the right UTC offset."""
    files = sorted((built_site / "calendar").rglob("*.ics"))
    for facet, code in (("region", "online"), ("region", "london"), ("subject", "physics"), ("type", "site-visit")):
        assert (built_site / "calendar" / facet / f"{code}.ics") in files
    timed = 0
    for path in files:
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        uses_tzid = b"TZID=" in path.read_bytes()
        zones = [z["TZID"] for z in cal.walk("VTIMEZONE")]
        assert zones == (["Europe/London"] if uses_tzid else []), path.name
        for event in cal.walk("VEVENT"):
            start = event.decoded("DTSTART")
            if isinstance(start, datetime):
                timed += 1
                assert start.utcoffset() == LONDON.utcoffset(start.replace(tzinfo=None)), path.name
    assert timed > 20
    summer = icalendar.Calendar.from_ical((built_site / "calendar/taff-clean-room-visit.ics").read_bytes())
    assert [e.decoded("DTSTART").utcoffset() for e in summer.walk("VEVENT")] == [timedelta(0), timedelta(hours=1)]


def test_feeds_parse_and_each_entry_says_when_where_and_by_when_to_apply(built_site: Path) -> None:
    for path in ["feed.xml", *(p.relative_to(built_site).as_posix() for p in (built_site / "feeds").rglob("*.xml"))]:
        feed = feedparser.parse((built_site / path).read_bytes())
        assert not feed.bozo, (path, feed.get("bozo_exception"))
    online = feedparser.parse((built_site / "feeds/region/online.xml").read_bytes())
    entry = next(e for e in online.entries if e.link.endswith("/ribble-composite-repair-cpd/"))
    content = entry.content[0].value
    assert "<dt>Where</dt><dd>Online</dd>" in content and "<dt>Apply by</dt><dd>Monday 15 February 2027</dd>" in content
    assert "Monday 22 February 2027, 16:00 to 17:30<br />Monday 1 March 2027, 16:00 to 17:30" in content
    assert {e.link.rsplit("/", 2)[1] for e in online.entries} <= {
        p.stem for p in (built_site / "calendar").glob("*.ics")
    } | {o for o in (p.stem for p in (ROOT / "content" / "opportunities").glob("*.yaml"))}


def test_sitemap_lists_every_page(built_site: Path) -> None:
    root = ET.fromstring((built_site / "sitemap.xml").read_bytes())
    locs = {e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert "https://stem-exchange.example.org/opportunities/docklands-soc-shadowing/" in locs
    assert len(locs) == sum(1 for p in built_site.rglob("index.html"))


def test_entry_pages_are_small(built_site: Path) -> None:
    css = (built_site / "static/site.css").stat().st_size
    for path in (
        "opportunities/docklands-soc-shadowing/index.html",
        "employers/mersey-bioprocess/index.html",
        "index.html",
    ):
        assert (built_site / path).stat().st_size + css < 30_000, path


def test_no_inline_script_or_style(built_site: Path) -> None:
    for page in pages(built_site):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*(?:type=\"application/(?:ld\+)?json\"|src=))", html), page
        assert " style=" not in html and "<style" not in html, page


def test_builds_are_byte_identical(tmp_path: Path, built_site: Path) -> None:
    again = build_site(ROOT / "content", tmp_path / "again")

    def files(site: Path) -> dict[str, bytes]:
        return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}

    first, second = files(built_site), files(again)
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []
    assert any(k.startswith("search/index-") and k.endswith("/closes/0.bin") for k in first)  # the search index too
    assert str(ROOT) not in "".join(v.decode("utf-8", "replace") for v in first.values())


def test_site_works_under_a_sub_path(tmp_path: Path) -> None:
    site = build_site(CASES / "valid" / "minimal" / "content", tmp_path / "sub", base_url="/stem-exchange/")
    for page in pages(site):
        for href in links(page):
            if href.startswith("/"):
                assert href.startswith("/stem-exchange/"), (page, href)
                assert target(site, "/stem-exchange/", href).is_file(), (page, href)
    assert 'href="https://stem-exchange.example.org/stem-exchange/"' in (site / "index.html").read_text()


def test_browse_page_says_what_is_filtered_and_how_to_remove_it(built_site: Path) -> None:
    page = text(built_site, "opportunities/region/north-west/index.html")
    assert "Where: North West" in page and 'href="/opportunities/">Remove filter' in page
    assert 'href="/calendar/region/north-west.ics"' in page and 'href="/feeds/region/north-west.xml"' in page
    employers = text(built_site, "employers/region/wales/index.html")
    assert "Region served: Wales" in employers and "say they support teachers there" in employers


def test_page_links_stay_a_handful_however_many_pages() -> None:
    from stemx.site.pages import page_links

    numbers = [link["number"] for link in page_links("opportunities/", 15, 3000)]
    assert numbers == [1, None, 14, 15, 16, None, 3000]
    assert [link["number"] for link in page_links("x/", 1, 2)] == [1, 2]
    assert page_links("x/", 2, 3)[0]["path"] == "x/" and page_links("x/", 1, 3)[2]["path"] == "x/page/3/"


def test_listing_pages_link_to_their_numbered_pages(built_site: Path) -> None:
    page = text(built_site, "opportunities/page/2/index.html")
    assert 'aria-current="page" aria-label="Page 2, current page"' in page
    assert 'href="/opportunities/" aria-label="Page 1"' in page and 'rel="prev" href="/opportunities/"' in page


def test_header_reaches_every_section(built_site: Path) -> None:
    header = text(built_site, "index.html").split("</header>")[0]
    for path in ("opportunities/", "employers/", "search/", "submit/", "data/", "stats/", "about/"):
        assert f'href="/{path}"' in header
        assert (built_site / path / "index.html").is_file()
    assert 'href="/employers/" aria-current="true"' in text(built_site, "employers/region/wales/index.html")


def test_each_page_header_marks_its_own_section_and_every_page_has_the_footer(built_site: Path) -> None:
    # The header's links are rendered once per section and the footer once a build (site/env.py):
    # each page must still show its own.
    expected = {
        "index.html": None,
        "404.html": None,
        "opportunities/index.html": ("opportunities/", "page"),
        "opportunities/docklands-soc-shadowing/index.html": ("opportunities/", "true"),
        "employers/index.html": ("employers/", "page"),
        "employers/region/wales/index.html": ("employers/", "true"),
        "data/index.html": ("data/", "page"),
        "data/dictionary/index.html": ("data/", "true"),
        "about/teachers/index.html": ("about/", "true"),
        "search/index.html": ("search/", "page"),
    }
    footers = set()
    for page, current in expected.items():
        html = text(built_site, page)
        marked = re.findall(r'href="/([^"]*)" aria-current="(\w+)"', html.split("</header>")[0])
        assert marked == ([current] if current else []), page
        footers.add(html[html.index('<footer class="site-footer">') : html.index("</footer>")])
    assert len(footers) == 1 and 'href="/about/researchers/"' in footers.pop()


def test_opportunity_page_gives_facts_then_how_to_apply_then_the_description(built_site: Path) -> None:
    page = text(built_site, "opportunities/docklands-soc-shadowing/index.html")
    facts, apply, about = (page.index(s) for s in ("Key facts", "How to apply", "About this opportunity"))
    assert facts < apply < about  # phones show this order; the apply box is the sidebar on a desktop
    # three dates with one closing date: each date says its own last day to apply
    assert "Apply by Sunday 17 January 2027 for Monday 18 January 2027." in page
    assert 'Monday 15 February 2027, 09:00 to 13:00 <span class="muted">(apply by Sunday 14 February 2027)' in page
    assert "(apply by Monday 1 March 2027)" in page and "Download these dates" in page
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in page
    on_request = text(built_site, "opportunities/aire-valley-advice-call/index.html")
    assert "On request" in on_request and "/calendar/aire-valley-advice-call.ics" not in on_request


def test_calendar_links_carry_each_field_url_encoded(sample_content: Path) -> None:
    from urllib.parse import quote, urlencode

    from stemx.config import BuildConfig
    from stemx.content import load_register
    from stemx.site.calendar import _query, add_links
    from tests.conftest import TODAY

    register = load_register(sample_content, TODAY)
    o = register.opportunities["docklands-soc-shadowing"]
    links = add_links(register, o, o.sessions[0], BuildConfig(today=TODAY))
    assert links["google"].startswith("https://calendar.google.com/calendar/render?action=TEMPLATE&text=")
    assert f"details={quote(o.summary, safe='')}%20https%3A%2F%2F" in links["google"]
    awkward = {"text": "Café & co / 100% ~x_y.z+ ü", "details": "a b\nc https://x.org/a?b=c#d", "location": "St Mary's"}
    assert _query(awkward) == urlencode(awkward, quote_via=quote)


def test_employer_cards_count_only_open_opportunities(built_site: Path, sample_content: Path) -> None:
    from stemx.content import load_register
    from tests.conftest import TODAY

    register = load_register(sample_content, TODAY)
    listing = "".join(
        p.read_text(encoding="utf-8")
        for p in (built_site / "employers").glob("**/index.html")
        if p.parent.name in ("employers", "2") and "region" not in p.parts and "sector" not in p.parts
    )
    for e in register.employers.values():
        offered = register.opportunities_of(e.id)
        open_count = sum(register.state(o) == "open" for o in offered)
        card = listing.split(f'href="/employers/{e.id}/"')[1].split("</li>")[0]
        if not offered:
            assert "Registered supporter" in card
        elif open_count:
            assert f"{open_count} open opportunit" in card
        else:
            assert "No open opportunities at the moment" in card


def test_an_opportunity_has_a_calendar_file_only_while_its_page_offers_one(
    built_site: Path, sample_content: Path
) -> None:
    """Open and dated: the page links to its calendar file. Closed, past, withdrawn or on
    request: no link, and no file left behind for it (each file is one more a host must keep)."""
    from stemx.content import load_register
    from tests.conftest import TODAY

    register = load_register(sample_content, TODAY)
    states = {"open": 0, "not open": 0}
    for o in register.opportunities.values():
        offered = bool(o.sessions) and register.state(o) == "open"
        page = text(built_site, f"opportunities/{o.id}/index.html")
        assert (f'href="/calendar/{o.id}.ics"' in page) == offered, o.id
        assert (built_site / f"calendar/{o.id}.ics").is_file() == offered, o.id
        states["open" if offered else "not open"] += bool(o.sessions)
    assert all(states.values())  # the sample has dated opportunities of both kinds


def test_every_page_names_its_canonical_address_except_the_404(built_site: Path) -> None:
    from stemx.config import BuildConfig

    origin = BuildConfig(content_dir=built_site, out_dir=built_site).absolute_url("")
    for page in pages(built_site):
        html = page.read_text(encoding="utf-8")
        rel = page.relative_to(built_site).as_posix()
        if rel == "404.html":
            assert '<meta name="robots" content="noindex">' in html and 'rel="canonical"' not in html
        else:
            expected = origin + rel.removesuffix("index.html")
            assert f'<link rel="canonical" href="{expected}">' in html, rel


def test_cards_show_a_cost_only_when_there_is_one(built_site: Path) -> None:
    listing = text(built_site, "opportunities/subject/physics/index.html") + text(
        built_site, "employers/arden-motorsport-electronics/index.html"
    )
    card = listing.split('href="/opportunities/arden-data-logger-cpd/"')[1].split("</li>")[0]
    assert "<dt>Cost</dt><dd>£" in card


def test_short_sessions_are_given_in_minutes() -> None:
    from stemx.site.env import hours

    assert [hours(x) for x in (0.67, 0.75, 1, 3.5, 70)] == [
        "40 minutes",
        "45 minutes",
        "1 hour",
        "3.5 hours",
        "70 hours",
    ]


def test_closed_listing_offers_no_filters_that_count_open_opportunities(built_site: Path) -> None:
    page = text(built_site, "opportunities/closed/index.html")
    assert 'class="facets"' not in page and "card-not-open" in page


def test_cards_show_cost_places_and_the_next_last_day_to_apply(built_site: Path) -> None:
    page = text(built_site, "opportunities/type/work-shadowing/index.html")
    card = page[page.index("docklands-soc-shadowing/") :]
    card = card[: card.index("</li>")]
    assert "<dt>Cost</dt><dd>Free</dd>" in card
    assert "<dt>Apply by</dt><dd>17 Jan 2027</dd>" in card  # the first date's, not the closing date in March
    assert re.search(r"<dt>Places</dt><dd>\d+ a date</dd>", card)


def test_filter_counts_within_a_list_are_the_items_each_pair_of_values_shares() -> None:
    """Overlaps against counting by hand: random items with one to three values per facet
    (an item counted once per value), a value with no items, and a code that is no value."""
    rng = random.Random(3)
    facets = [Facet(name, name, name.title(), lambda r, item, name=name: item[name]) for name in ("a", "b", "c")]
    codes = {f.segment: [f"{f.segment}{n}" for n in range(5)] for f in facets}
    items = [{f.segment: rng.sample(codes[f.segment], rng.randint(1, 3)) for f in facets} for _ in range(300)]
    by_id = {f"item-{n}": item for n, item in enumerate(items)}  # browse lists hold ids (EntryList)
    groups = {
        f.segment: {
            code: EntryList([k for k, i in by_id.items() if code in i[f.segment]], by_id) for code in codes[f.segment]
        }
        for f in facets
    }
    groups["c"]["c4"] = EntryList([], by_id)  # a value with an empty list
    for i in items:
        if "c4" in i["c"]:
            i["c"].remove("c4")
    overlaps = Overlaps(groups, EntryList(list(by_id), by_id))
    for facet in facets:
        for code in [*codes[facet.segment], "not-a-code"]:
            mine = [i for i in items if code in i[facet.segment]]
            expected = {
                other.segment: {c: sum(c in i[other.segment] for i in mine) for c in codes[other.segment]}
                for other in facets
                if other is not facet
            }
            assert overlaps.counts(facets, facet, code) == expected, (facet.segment, code)
