"""The published directory: HTML pages, calendars, feeds and machine-readable metadata."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from operator import attrgetter
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from ..collector import give_back_free_memory
from ..config import BuildConfig
from ..entrystore import EntryList
from ..model import Employer, Opportunity, Register
from ..output import Writer
from ..schedule import every
from ..schemas import vocabularies
from ..texts import Text, TextStore
from . import calendar, feeds, seo
from .pages import (
    EMPLOYER_FACETS,
    OPPORTUNITY_FACETS,
    Browse,
    Deferred,
    Facet,
    Overlaps,
    browse,
    facet_nav,
    latest,
    paginate,
)
from .plan import plan_item

_ID = attrgetter("id")
CARDS_IN_MEMORY = 32_000_000  # characters of rendered cards a pages process keeps in memory (Site.cards)
STAGE = "pages, feeds, calendars"  # the stage's name: the producer of its files in the manifest
ABOUT_PAGES = ("about", "about/teachers", "about/employers", "about/researchers")


@dataclass
class Site:
    """What every section of the site is written with: the register, the browse lists, the
    writer, and the pieces rendered once and shared (cards, filter panels)."""

    register: Register
    config: BuildConfig
    write: Writer
    env: Environment = field(init=False)
    common: dict[str, Any] = field(init=False)
    # Each card kept once rendered: in memory up to CARDS_IN_MEMORY characters (about 42,000
    # cards of ~760: every card at 10,000 employers), the rest on disk (TextStore), since at
    # 600,000 opportunities they would hold about 500 MB of the pages process. A card read back from disk costs a system call,
    # and a card is shown about eight times: 1.4% of a clean build's processor time at 10,000
    # employers (py-spy), reading 30 MB of cards.
    cards: dict[str, Text] = field(default_factory=dict)
    _texts: TextStore = field(default_factory=TextStore)
    _cards_held: int = 0  # characters of the cards kept in memory

    def __post_init__(self) -> None:
        self.env = self.write.env
        self.common = {"register": self.register}
        # Looked up once: each lookup checks the template file on disk again.
        self._card = self.env.get_template("_card.html")
        self._nav = self.env.get_template("_facets.html")
        register, config = self.register, self.config
        self.env.globals |= {
            "cards": self.card_list,
            "add_links": lambda o, s: calendar.add_links(register, o, s, config),
            "place_text": lambda o: calendar.place_text(register, o),
        }

    @cached_property
    def b(self) -> Browse:
        """The browse lists: made only when a list is written (not for one entry's pages)."""
        b = browse(self.register)
        self.env.globals["open_counts"] = b.open_counts
        return b

    @cached_property
    def overlaps(self) -> Overlaps:
        """The open opportunities' filter counts within each facet value's list, counted once."""
        return Overlaps(self.b.groups, self.b.open)

    def lists_done(self) -> None:
        """Let go of what only the lists are made from (the browse lists, their counts and the
        cards): no page made after them shows any (an opportunity's page shows its entry
        alone). At 600,000 opportunities the pages process held ~150 MB of them to its end."""
        for made in ("b", "overlaps"):
            self.__dict__.pop(made, None)
        self.env.globals.pop("open_counts", None)
        self.cards, self._texts, self._cards_held = {}, TextStore(), 0
        give_back_free_memory()

    def card_keys(self, shown: Sequence[Opportunity]) -> Iterable[bytes | None]:
        """What the cards of `shown` are made from (their entry keys), each looked up in C: a list
        page's twenty, for 13,000 pages at 10,000 employers (and a calendar's all). The first call
        makes every opportunity's key: for the whole build's lists and calendars, not `serve`'s pages."""
        return map(self._entry_keys.__getitem__, shown.keys if isinstance(shown, EntryList) else map(_ID, shown))

    @cached_property
    def _entry_keys(self) -> Mapping[str, bytes | None]:
        return self.register.opportunity_keys()

    def card(self, o: Opportunity) -> str:
        """An opportunity's card, rendered once: it appears on about eight listing pages."""
        card = self.cards.get(o.id)
        return self._render_card(o) if card is None else str(card)

    def _render_card(self, o: Opportunity) -> str:
        html = self._card.render(o=o, register=self.register)
        if self._cards_held + len(html) <= CARDS_IN_MEMORY:
            self._cards_held += len(html)
            self.cards[o.id] = html
        else:
            self.cards[o.id] = self._texts.keep(html)
        return html

    def card_list(self, items: Iterable[Opportunity]) -> Markup:
        """The cards of `items`, joined here: a template's call per card cost more than the card.
        A browse list's entries are made only for the cards not rendered yet."""
        if isinstance(items, EntryList):
            cards, entries = self.cards, items.entries
            return Markup(
                "".join(
                    str(card) if (card := cards.get(k)) is not None else self._render_card(entries[k])
                    for k in items.keys
                )
            )
        return Markup("".join(map(self.card, items)))

    def nav_html(
        self,
        facets: Sequence[Facet],
        groups: dict[str, dict[str, EntryList[Any]]],
        base: str,
        current: str = "",
        within: tuple[Facet, str] | None = None,
    ) -> Deferred:
        """The filter navigation (facet_nav), rendered once per listing rather than once per
        page, and only if a page of it is rendered; keyed by the counts it shows."""
        counts = [(f.segment, code, len(m)) for f in facets for code, m in sorted(groups[f.segment].items())]
        shown: tuple[object, ...] = (base, current, counts)
        inside = None
        if within is not None:
            assert groups is self.b.groups  # the only lists filtered within: the open opportunities
            counted = self.overlaps.counts(facets, *within)
            inside = (*within, counted)
            shown += (within[0].segment, within[1], [(s, sorted(c.items())) for s, c in sorted(counted.items())])
        key = hashlib.blake2b(repr(shown).encode(), digest_size=16).digest()
        return Deferred(key, lambda: Markup(self._nav.render(nav=facet_nav(facets, groups, base, current, inside))))


Piece = Callable[[], None]
ENTRIES_PER_PIECE = 2_000  # opportunities whose pages one piece renders: small enough to balance the two processes


def render_site(
    register: Register, out: Writer, config: BuildConfig,
    share: Callable[[Sequence[Piece]], Iterable[Piece]] = every,
) -> None:  # fmt: skip
    """Every page, calendar and feed, and the static files, in pieces: in a build, the pages
    process and, once its own stages are done, the main process each take the next piece
    left (schedule.Share). The sections made from the browse lists are the first piece, the
    pages process's: the lists, their sort and the cards are made in one process only (at
    600,000 opportunities, the main process taking the employers' section made them again:
    390 MB more). Then the other pieces that cannot be cut; the opportunities' own pages come
    last, in pieces of ENTRIES_PER_PIECE, so that both processes finish together."""
    site = Site(register, config, out)
    ids = list(register.opportunities)
    pieces: list[Piece] = [
        partial(listed_sections, site),
        partial(about_pages, site),
        partial(out.copy, config.static_dir, "static/"),
        *(partial(entries_batch, site, ids[i : i + ENTRIES_PER_PIECE]) for i in range(0, len(ids), ENTRIES_PER_PIECE)),
    ]  # fmt: skip
    for piece in share(pieces):
        piece()


def listed_sections(site: Site) -> None:
    """Everything made from the browse lists (Site.b): the home page, the lists, the employers'
    pages, the feeds and the calendars of places, subjects and types."""
    home(site)
    opportunity_lists(site)
    employer_pages(site)
    feeds_and_calendars(site)
    site.lists_done()


def home(site: Site) -> None:
    b = site.b
    site.write.page(
        "",
        "home.html",
        latest=latest(site.register, b.open, 6),
        open_count=len(b.open),
        home_nav=facet_nav(OPPORTUNITY_FACETS[:2], b.groups, "opportunities"),
        **site.common,
    )


def opportunity_lists(site: Site) -> None:
    """All open opportunities, each facet value's (a page for every value, empty or not, so that
    addresses stay stable as entries come and go), and the closed or past ones."""
    b, v = site.b, vocabularies()
    nav = site.nav_html(OPPORTUNITY_FACETS, b.groups, "opportunities")
    paginate(
        site.write,
        "opportunities/",
        b.open,
        "opportunities.html",
        inputs=site.card_keys,
        heading="Open opportunities",
        nav=nav,
        kind="all",
        **site.common,
    )
    for facet in OPPORTUNITY_FACETS:
        for code in v.codes(facet.vocabulary):
            items: Sequence[Opportunity] = b.groups[facet.segment].get(code, [])
            label = v.label(facet.vocabulary, code)
            paginate(
                site.write,
                f"opportunities/{facet.segment}/{code}/",
                items,
                "opportunities.html",
                inputs=site.card_keys,
                heading=f"Open opportunities: {label}",
                selected=f"{facet.title}: {label}",
                nav=site.nav_html(
                    OPPORTUNITY_FACETS, b.groups, "opportunities", f"{facet.segment}/{code}", (facet, code)
                ),
                kind=facet.segment,
                code=code,
                **site.common,
            )
    paginate(
        site.write,
        "opportunities/closed/",
        b.not_open,
        "opportunities.html",
        inputs=site.card_keys,
        heading="Closed and past opportunities",
        nav=Markup(""),  # the filters count open opportunities only, so they would mislead here
        kind="closed",
        **site.common,
    )


def render_entries(
    register: Register, out: Writer, config: BuildConfig, opportunities: Iterable[str], employers: Iterable[str],
    site: Site | None = None,
) -> None:  # fmt: skip
    """Only the pages of these entries (by id): each opportunity's page and calendar, each
    employer's page. `serve` writes them the moment a file is saved; the lists, feeds and
    other files that show the entries follow with the next whole build."""
    site = site if site is not None else Site(register, config, out)
    for o in map(register.opportunities.__getitem__, opportunities):
        opportunity_page(site, o)
        opportunity_calendar(site, o)
    for e in map(register.employers.__getitem__, employers):
        employer_page(site, e)


def entries_batch(site: Site, ids: list[str]) -> None:
    """A piece of the opportunities' own pages and calendars, kept whole while its entries are
    unchanged (a rebuild then keeps 2,000 pages and calendars without a key for each)."""
    keys = map(site.register.entry_key, map(site.register.opportunities.__getitem__, ids))
    site.write.batch(
        f"entries from {ids[0]}",
        (*ids, *keys),
        partial(render_entries, site.register, site.write, site.config, ids, (), site),
    )


def opportunity_page(site: Site, o: Opportunity) -> None:
    register = site.register
    site.write.page(
        f"opportunities/{o.id}/",
        "opportunity.html",
        inputs=(register.entry_key(o),),
        lazy=partial(_rendered_only, register, o, site.config),
        o=o,
        employer=register.employers[o.employer],
        state=register.state(o),
        **site.common,
    )


def _rendered_only(register: Register, o: Opportunity, config: BuildConfig) -> dict[str, Any]:
    """An opportunity page's structured data and planner item: made only when it is rendered."""
    return {"structured": seo.education_event(register, o, config), "plan": plan_item(register, o, config)}


def employer_pages(site: Site) -> None:
    """All employers, each facet value's, and one page each."""
    b, v, register = site.b, vocabularies(), site.register
    enav = site.nav_html(EMPLOYER_FACETS, b.employer_groups, "employers")

    def employer_key(e: Employer) -> tuple[object, ...]:
        """What an employer's card shows: the entry, whether it lists any opportunities, how many are open."""
        return (register.digest(e), register.count_of(e.id) > 0, b.open_counts.get(e.id, 0))

    def employer_keys(shown: Sequence[Employer]) -> Iterable[tuple[object, ...]]:
        return map(employer_key, shown)

    paginate(
        site.write, "employers/", b.employers, "employers.html", inputs=employer_keys, heading="Employers", nav=enav,
        kind="all", **site.common,
    )  # fmt: skip
    for facet in EMPLOYER_FACETS:
        for code in v.codes(facet.vocabulary):
            members: Sequence[Employer] = b.employer_groups[facet.segment].get(code, [])
            paginate(
                site.write,
                f"employers/{facet.segment}/{code}/",
                members,
                "employers.html",
                inputs=employer_keys,
                heading=f"Employers: {v.label(facet.vocabulary, code)}",
                selected=f"{facet.title}: {v.label(facet.vocabulary, code)}",
                kind=facet.segment,
                nav=site.nav_html(EMPLOYER_FACETS, b.employer_groups, "employers", f"{facet.segment}/{code}"),
                **site.common,
            )
    for i in range(0, len(b.employers), ENTRIES_PER_PIECE):
        employers = b.employers[i : i + ENTRIES_PER_PIECE]
        site.write.batch(
            f"employers from {employers.keys[0]}",
            tuple(itertools.chain.from_iterable(map(_employer_inputs, employers, itertools.repeat(register)))),
            partial(_employer_pages, site, employers),
        )


def _employer_inputs(e: Employer, register: Register) -> tuple[object, ...]:
    """An employer page's inputs (_employer_page_inputs), flat, after the employer's id and their number."""
    inputs = _employer_page_inputs(register, e)
    return (e.id, len(inputs), *inputs)


def _employer_page_inputs(register: Register, e: Employer) -> tuple[object, ...]:
    """What an employer's page is made from: its file and its opportunities' entry keys."""
    return (register.digest(e), *map(register.entry_key, register.opportunities_of(e.id)))


def _employer_pages(site: Site, employers: Iterable[Employer]) -> None:
    for e in employers:
        employer_page(site, e)


def employer_page(site: Site, e: Employer) -> None:
    register = site.register
    offered = register.opportunities_of(e.id)
    site.write.page(
        f"employers/{e.id}/",
        "employer.html",
        inputs=_employer_page_inputs(register, e),
        lazy=partial(_employer_rendered_only, register, e, offered, site.config),
        e=e,
        **site.common,
    )


def _employer_rendered_only(
    register: Register, e: Employer, offered: list[Opportunity], config: BuildConfig
) -> dict[str, Any]:
    """An employer page's lists and structured data: made only when it is rendered."""
    return {
        "open": [o for o in offered if register.state(o) == "open"],
        "not_open": [o for o in offered if register.state(o) != "open"],
        "structured": seo.organization(e, config),
    }


def feeds_and_calendars(site: Site) -> None:
    """A calendar and a feed of the open opportunities per place (each region, and online),
    subject and type (each opportunity's own calendar is made with its page). Events are built
    again for each calendar rather than kept: keeping them grew the pages process by 1.5 GB at
    600,000 opportunities."""
    register, config, write, b, v = site.register, site.config, site.write, site.b, vocabularies()
    newest = latest(register, register.opportunities.values(), feeds.FEED_SIZE)
    if not write.reused("feed.xml", key := _feed_key(site, "feed.xml", newest)):
        write.text("feed.xml", feeds.atom(site.env, register, config, "New opportunities", "feed.xml", newest), key)
    for facet in feeds.FACETS:
        for code in v.codes(facet.vocabulary):
            items: Sequence[Opportunity] = b.groups[facet.segment].get(code, [])
            label = v.label(facet.vocabulary, code)
            ics = f"calendar/{facet.segment}/{code}.ics"
            if not write.reused(ics, key := write.key(ics, tuple(site.card_keys(items)))):
                kept = calendar.event_blocks(text) if (text := write.published_text(ics)) else {}
                blocks = (
                    kept[o.id] if o.id in kept and _same_events(site, o) else calendar.event_block(register, o, config)
                    for o in items
                    if o.sessions
                )
                title = f"STEM Exchange: {label}"
                write.text_parts(ics, calendar.calendar_parts(title, blocks, calendar.timed_years(items)), key)
            feed = f"feeds/{facet.segment}/{code}.xml"
            newest = latest(register, items, feeds.FEED_SIZE)
            if not write.reused(feed, key := _feed_key(site, feed, newest)):
                title = f"New opportunities: {label}"
                write.text(feed, feeds.atom(site.env, register, config, title, feed, newest), key)


def _feed_key(site: Site, feed: str, newest: list[Opportunity]) -> bytes | None:
    """A feed shows its newest entries (an empty one, the build date: always written)."""
    return site.write.key(feed, tuple(map(site.register.entry_key, newest))) if newest else None


def _calendar_key(site: Site, o: Opportunity) -> tuple[str, bytes | None]:
    """An opportunity's own calendar file, and its key: its events are made from its entry alone."""
    file = f"calendar/{o.id}.ics"
    return file, site.write.key(file, (site.register.entry_key(o),))


def _same_events(site: Site, o: Opportunity) -> bool:
    """Whether the published site's events of `o` are made from what they would be made from
    now: its own calendar was (so a place's, subject's or type's calendar keeps its part). The
    manifest lists an own calendar only as the whole build that made those calendars made it:
    `serve`, rewriting one in place, leaves it out (live.py)."""
    file, key = _calendar_key(site, o)
    old = site.write.output.old.get(file)
    return key is not None and old is not None and old.key == key


def has_calendar(register: Register, o: Opportunity) -> bool:
    """Whether the opportunity has a calendar file of its own: when it has dates and is open, the
    only state in which its page offers it (a teacher cannot apply for the rest, and their events
    are in no place's, subject's or type's calendar). At 10,000 / 40,000 that is 17,800 files
    instead of one for each of the 26,800 dated opportunities: every file is one more to create,
    upload and host."""
    return bool(o.sessions) and register.state(o) == "open"


def opportunity_calendar(site: Site, o: Opportunity) -> None:
    """The opportunity's own calendar, when it has one (has_calendar): keyed only then, since
    most opportunities (on request, closed, past) have none."""
    if not has_calendar(site.register, o):
        return
    file, key = _calendar_key(site, o)
    write = site.write
    if not write.reused(file, key):
        events = calendar.events(site.register, o, site.config)
        write.text(file, calendar.calendar(o.title, events, calendar.timed_years((o,))), key)


def about_pages(site: Site) -> None:
    """Pages made from the settings alone (no inputs): kept while the templates and settings are."""
    site.write.page("plan/", "plan.html", ())
    for path in ABOUT_PAGES:
        site.write.page(path + "/", path.replace("/", "-") + ".html", ())
    site.write.page("404.html", "404.html", ())


def write_sitemap(register: Register, out: Writer, config: BuildConfig, *_: object) -> None:
    """sitemap.xml and robots.txt, listing every page the other stages wrote (from the manifest):
    carried over while the pages are the same (a rebuild that changed only entries' text)."""
    pages = sorted(out.output.pages())
    key = out.group_key((pages,), dated=False) if out.output.reusing else None
    if out.carry(key) is not None:
        return
    for name, text in seo.sitemaps(config, pages).items():
        out.text(name, text, key)
    out.text("robots.txt", seo.robots(config), key)
    out.remember(key, True)
