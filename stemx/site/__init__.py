"""The published directory: HTML pages, calendars, feeds and machine-readable metadata."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..cache import PageCache, build_inputs
from ..config import BuildConfig
from ..model import Employer, Opportunity, Register
from ..schemas import vocabularies
from . import calendar, feeds, seo
from .env import make_environment
from .pages import EMPLOYER_FACETS, OPPORTUNITY_FACETS, Writer, browse, facet_nav, latest, paginate
from .plan import plan_item

ABOUT_PAGES = ("about", "about/teachers", "about/employers", "about/researchers")


def page_cache(config: BuildConfig, register: Register) -> PageCache | None:
    """The page cache for this build: only with a cache folder and entry digests to key on."""
    if config.cache_dir is None or not register.digests:
        return None
    settings = (
        build_inputs(config.templates_dir, config.static_dir),
        config.base_url,
        config.site_origin,
        config.repository,
        config.inbox,
        config.today.isoformat(),
    )
    return PageCache(config.cache_dir, config.out_dir, settings)


def render_site(register: Register, out: Path, config: BuildConfig) -> int:
    env = make_environment(config)
    pages = page_cache(config, register)
    write = Writer(env, out, config, pages)
    b = browse(register)
    digest = register.digest

    def card_key(o: Opportunity) -> tuple[object, ...]:
        """What an opportunity's card shows: the entry and its employer (the build's date is in every key)."""
        return (digest(o), digest(register.employers[o.employer]))

    v = vocabularies()
    common: dict[str, Any] = {"register": register}
    card_template, nav_template = env.get_template("_card.html"), env.get_template("_facets.html")
    cards: dict[str, Markup] = {}

    def card(o: Opportunity) -> Markup:
        """An opportunity's card, rendered once: it appears on about eight listing pages."""
        if o.id not in cards:
            cards[o.id] = Markup(card_template.render(o=o, register=register))
        return cards[o.id]

    def nav_html(*args: Any) -> Markup:
        """The filter navigation, rendered once per listing rather than once per page."""
        return Markup(nav_template.render(nav=facet_nav(*args)))

    env.globals["card"] = card
    env.globals["open_counts"] = b.open_counts
    env.globals["add_links"] = lambda o, s: calendar.add_links(register, o, s, config)
    env.globals["place_text"] = lambda o: calendar.place_text(register, o)

    write.page(
        "",
        "home.html",
        latest=latest(register, b.open, 6),
        open_count=len(b.open),
        home_nav=facet_nav(OPPORTUNITY_FACETS[:2], b.groups, "opportunities"),
        **common,
    )

    # Opportunities: all open ones, each facet value, and the closed or past ones.
    nav = nav_html(OPPORTUNITY_FACETS, b.groups, "opportunities")
    paginate(
        write,
        "opportunities/",
        b.open,
        "opportunities.html",
        key=card_key,
        heading="Open opportunities",
        nav=nav,
        kind="all",
        **common,
    )
    # A page for every value, empty or not, so that addresses stay stable as entries come and go.
    for facet in OPPORTUNITY_FACETS:
        for code in v.codes(facet.vocabulary):
            items = b.groups[facet.segment].get(code, [])
            label = v.label(facet.vocabulary, code)
            paginate(
                write,
                f"opportunities/{facet.segment}/{code}/",
                items,
                "opportunities.html",
                key=card_key,
                heading=f"Open opportunities: {label}",
                selected=f"{facet.title}: {label}",
                nav=nav_html(
                    OPPORTUNITY_FACETS,
                    b.groups,
                    "opportunities",
                    f"{facet.segment}/{code}",
                    (register, facet, code, items),
                ),
                kind=facet.segment,
                code=code,
                **common,
            )
    paginate(
        write,
        "opportunities/closed/",
        b.not_open,
        "opportunities.html",
        key=card_key,
        heading="Closed and past opportunities",
        nav=Markup(""),  # the filters count open opportunities only, so they would mislead here
        kind="closed",
        **common,
    )
    for o in register.opportunities.values():
        write.page(
            f"opportunities/{o.id}/",
            "opportunity.html",
            key=card_key(o),
            o=o,
            employer=register.employers[o.employer],
            state=register.state(o),
            structured=seo.education_event(register, o, config),
            plan=plan_item(register, o, config),
            **common,
        )

    # Employers: all, each facet value, and one page each.
    enav = nav_html(EMPLOYER_FACETS, b.employer_groups, "employers")

    def employer_key(e: Employer) -> tuple[object, ...]:
        """What an employer's card shows: the entry, whether it lists any opportunities, how many are open."""
        return (digest(e), bool(register.opportunities_of(e.id)), b.open_counts.get(e.id, 0))

    paginate(
        write, "employers/", b.employers, "employers.html", key=employer_key, heading="Employers", nav=enav, kind="all",
        **common,
    )  # fmt: skip
    for facet in EMPLOYER_FACETS:
        for code in v.codes(facet.vocabulary):
            members = b.employer_groups[facet.segment].get(code, [])
            paginate(
                write,
                f"employers/{facet.segment}/{code}/",
                members,
                "employers.html",
                key=employer_key,
                heading=f"Employers: {v.label(facet.vocabulary, code)}",
                selected=f"{facet.title}: {v.label(facet.vocabulary, code)}",
                kind=facet.segment,
                nav=nav_html(EMPLOYER_FACETS, b.employer_groups, "employers", f"{facet.segment}/{code}"),
                **common,
            )
    for e in b.employers:
        offered = register.opportunities_of(e.id)
        write.page(
            f"employers/{e.id}/",
            "employer.html",
            key=(digest(e), *(card_key(o) for o in offered)),
            e=e,
            open=[o for o in offered if register.state(o) == "open"],
            not_open=[o for o in offered if register.state(o) != "open"],
            structured=seo.organization(e, config),
            **common,
        )

    # Calendars and feeds: one calendar per opportunity with dates; a calendar and a feed of
    # the open opportunities per place (each region, and online), subject and type. Events are
    # built again for each calendar rather than kept: keeping them grew the pages process by
    # 1.5 GB at 600,000 opportunities.
    def events_of(o: Opportunity) -> list[str]:
        return calendar.events(register, o, config) if o.sessions else []

    for o in register.opportunities.values():
        if o.sessions and not write.reuse(f"calendar/{o.id}.ics", card_key(o)):
            write.text(f"calendar/{o.id}.ics", calendar.calendar(o.title, events_of(o), calendar.timed_years((o,))))
    newest = latest(register, register.opportunities.values(), feeds.FEED_SIZE)
    write.text("feed.xml", feeds.atom(env, register, config, "New opportunities", "feed.xml", newest))
    for facet in feeds.FACETS:
        for code in v.codes(facet.vocabulary):
            items = b.groups[facet.segment].get(code, [])
            label = v.label(facet.vocabulary, code)
            ics = f"calendar/{facet.segment}/{code}.ics"
            if not write.reuse(ics, tuple(card_key(o) for o in items)):
                event_lines = (line for o in items for line in events_of(o))
                write.text(ics, calendar.calendar(f"STEM Exchange: {label}", event_lines, calendar.timed_years(items)))
            feed = f"feeds/{facet.segment}/{code}.xml"
            newest = latest(register, items, feeds.FEED_SIZE)
            write.text(feed, feeds.atom(env, register, config, f"New opportunities: {label}", feed, newest))

    write.page("plan/", "plan.html", **common)
    for path in ABOUT_PAGES:
        write.page(path + "/", path.replace("/", "-") + ".html", **common)
    write.page("404.html", "404.html", **common)

    static = out / "static"
    shutil.copytree(config.static_dir, static, dirs_exist_ok=True)
    if pages is not None:
        pages.save(out)
    return len(write.written) + sum(1 for p in static.rglob("*") if p.is_file())


def write_sitemap(register: Register, out: Path, config: BuildConfig) -> int:
    """sitemap.xml and robots.txt, listing every page in the finished output."""
    # os.walk, not Path.rglob: about five times faster over 150,000 files.
    pages = [
        os.path.relpath(folder, out).replace(os.sep, "/") + "/"
        for folder, _, files in os.walk(out)
        if "index.html" in files
    ]
    pages = ["" if p == "./" else p for p in pages]
    files = seo.sitemaps(config, pages)
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8", newline="\n")
    (out / "robots.txt").write_text(seo.robots(config), encoding="utf-8", newline="\n")
    return len(files) + 1
