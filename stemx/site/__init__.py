"""The published directory: HTML pages, calendars, feeds and machine-readable metadata."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..config import BuildConfig
from ..model import Register
from ..schemas import vocabularies
from . import calendar, feeds, seo
from .env import make_environment
from .pages import EMPLOYER_FACETS, OPPORTUNITY_FACETS, Writer, browse, facet_nav, latest, paginate

ABOUT_PAGES = ("about", "about/teachers", "about/employers", "about/researchers")


def render_site(register: Register, out: Path, config: BuildConfig) -> int:
    env = make_environment(config)
    write = Writer(env, out, config)
    b = browse(register)
    v = vocabularies()
    common = {"register": register}

    write.page(
        "",
        "home.html",
        latest=latest(register, b.open, 6),
        open_count=len(b.open),
        nav=facet_nav(OPPORTUNITY_FACETS[:2], b.groups, "opportunities"),
        **common,
    )

    # Opportunities: all open ones, each facet value, and the closed or past ones.
    nav = facet_nav(OPPORTUNITY_FACETS, b.groups, "opportunities")
    paginate(
        write,
        "opportunities/",
        b.open,
        "opportunities.html",
        heading="Open opportunities",
        nav=nav,
        kind="all",
        **common,
    )
    for facet in OPPORTUNITY_FACETS:
        for code, items in sorted(b.groups[facet.segment].items()):
            label = v.label(facet.vocabulary, code)
            paginate(
                write,
                f"opportunities/{facet.segment}/{code}/",
                items,
                "opportunities.html",
                heading=f"Open opportunities: {label}",
                nav=facet_nav(OPPORTUNITY_FACETS, b.groups, "opportunities", f"{facet.segment}/{code}"),
                kind=facet.segment,
                code=code,
                **common,
            )
    paginate(
        write,
        "opportunities/closed/",
        b.not_open,
        "opportunities.html",
        heading="Closed and past opportunities",
        nav=nav,
        kind="closed",
        **common,
    )
    for o in register.opportunities.values():
        write.page(
            f"opportunities/{o.id}/",
            "opportunity.html",
            o=o,
            employer=register.employers[o.employer],
            state=register.state(o),
            structured=seo.education_event(register, o, config),
            **common,
        )

    # Employers: all, each facet value, and one page each.
    enav = facet_nav(EMPLOYER_FACETS, b.employer_groups, "employers")
    paginate(write, "employers/", b.employers, "employers.html", heading="Employers", nav=enav, **common)
    for facet in EMPLOYER_FACETS:
        for code, items in sorted(b.employer_groups[facet.segment].items()):
            paginate(
                write,
                f"employers/{facet.segment}/{code}/",
                items,
                "employers.html",
                heading=f"Employers: {v.label(facet.vocabulary, code)}",
                nav=facet_nav(EMPLOYER_FACETS, b.employer_groups, "employers", f"{facet.segment}/{code}"),
                **common,
            )
    for e in b.employers:
        offered = register.opportunities_of(e.id)
        write.page(
            f"employers/{e.id}/",
            "employer.html",
            e=e,
            open=[o for o in offered if register.state(o) == "open"],
            not_open=[o for o in offered if register.state(o) != "open"],
            structured=seo.organization(e, config),
            **common,
        )

    # Calendars and feeds.
    for o in register.opportunities.values():
        if o.sessions:
            write.text(f"calendar/{o.id}.ics", calendar.calendar(o.title, calendar.events(register, o, config)))
    newest = latest(register, register.opportunities.values(), feeds.FEED_SIZE)
    write.text("feed.xml", feeds.atom(env, register, config, "New opportunities", "feed.xml", newest))
    for region in v.codes("region"):
        in_region = b.groups["region"].get(region, [])
        label = v.label("region", region)
        event_lines = [line for o in in_region for line in calendar.events(register, o, config)]
        write.text(f"calendar/region/{region}.ics", calendar.calendar(f"STEM Exchange: {label}", event_lines))
        write.text(
            f"feeds/region/{region}.xml",
            feeds.atom(
                env,
                register,
                config,
                f"New opportunities: {label}",
                f"feeds/region/{region}.xml",
                latest(register, in_region, feeds.FEED_SIZE),
            ),
        )

    for path in ABOUT_PAGES:
        write.page(path + "/", path.replace("/", "-") + ".html", **common)
    write.page("404.html", "404.html", **common)

    static = out / "static"
    shutil.copytree(config.static_dir, static, dirs_exist_ok=True)
    return len(write.written) + sum(1 for p in static.rglob("*") if p.is_file())


def write_sitemap(register: Register, out: Path, config: BuildConfig) -> int:
    """sitemap.xml and robots.txt, listing every page in the finished output."""
    pages = [p.relative_to(out).as_posix().removesuffix("index.html") for p in out.rglob("index.html")]
    files = seo.sitemaps(config, pages)
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8", newline="\n")
    (out / "robots.txt").write_text(seo.robots(config), encoding="utf-8", newline="\n")
    return len(files) + 1
