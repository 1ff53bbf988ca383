"""Which pages the site has, what each shows, and where it is written.

Facet groups (by region, type, ...) are computed in one pass over the register, and every
page is rendered straight to its file, so the work grows linearly with the register.
"""

from __future__ import annotations

import hashlib
import heapq
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlencode

from ..entrystore import EntryList
from ..model import Employer, Opportunity, Register
from ..output import Writer
from ..schemas import WHERE, vocabularies

PAGE_SIZE = 20
T = TypeVar("T")


class Deferred:
    """Markup made only when a page showing it is rendered (a list's filter panel): a rebuild
    that reuses every page of a list does not make it. `key` stands for it in the pages' keys:
    a digest of what it is made from."""

    __slots__ = ("key", "_make", "_html")

    def __init__(self, key: bytes, make: Callable[[], str]) -> None:
        self.key, self._make = key, make
        self._html: str | None = None

    def __html__(self) -> str:
        if self._html is None:
            self._html = self._make()
        return self._html

    def __str__(self) -> str:
        return self.__html__()


@dataclass(frozen=True, slots=True)
class Facet:
    """A way of browsing: its URL segment, controlled list and the values an entry has."""

    segment: str
    vocabulary: str
    title: str
    values: Callable[[Register, Any], Iterable[str]]


def _where(register: Register, o: Opportunity) -> Iterable[str]:
    where = register.where_of(o)
    return (where,) if where else ()


OPPORTUNITY_FACETS = (
    Facet("region", WHERE, "Where", _where),
    Facet("type", "opportunity_type", "Type", lambda r, o: (o.type,)),
    Facet("subject", "subject", "Subject", lambda r, o: o.subjects),
    Facet("audience", "audience", "Audience", lambda r, o: o.audience),
    Facet("format", "format", "Format", lambda r, o: (o.format,)),
)
EMPLOYER_FACETS = (
    Facet("region", "region", "Region served", lambda r, e: e.regions_served),
    Facet("sector", "sector", "Sector", lambda r, e: (e.sector,)),
)


def soonest_first(register: Register) -> Callable[[Opportunity], tuple[Any, ...]]:
    """Order for open opportunities: the next date first; 'on request' after, newest first."""

    def key(o: Opportunity) -> tuple[Any, ...]:
        upcoming = o.next_session(register.today)
        if upcoming is not None:
            return (0, upcoming.start.toordinal(), o.id)
        return (1, -o.published.toordinal(), o.id)

    return key


def _latest_first(o: Opportunity) -> tuple[int, str]:
    return (-(o.last_date or o.published).toordinal(), o.id)


@dataclass(slots=True)
class Browse:
    """Everything browse pages need, computed once. The lists hold ids (EntryList), so that a
    national register's pages process does not hold every entry (entrystore.py)."""

    open: EntryList[Opportunity]
    not_open: EntryList[Opportunity]  # closed, past and withdrawn: reachable, never offered as open
    groups: dict[str, dict[str, EntryList[Opportunity]]]  # facet segment -> code -> open opportunities
    employers: EntryList[Employer]
    employer_groups: dict[str, dict[str, EntryList[Employer]]]
    open_counts: dict[str, int]  # employer id -> number of open opportunities


def browse(register: Register) -> Browse:
    soonest = soonest_first(register)
    open_: list[tuple[Any, ...]] = []  # sort keys, which end with the id
    not_open: list[tuple[Any, ...]] = []
    open_counts: dict[str, int] = defaultdict(int)
    for o in register.opportunities.values():
        if register.state(o) == "open":
            open_.append(soonest(o))
            open_counts[o.employer] += 1
        else:
            not_open.append(_latest_first(o))
    opportunities = register.opportunities
    open_list = EntryList([k[-1] for k in sorted(open_)], opportunities)
    not_open_list = EntryList([k[-1] for k in sorted(not_open)], opportunities)
    employers = sorted((e.name.casefold(), e.id) for e in register.employers.values())
    employer_list = EntryList([k[-1] for k in employers], register.employers)
    return Browse(
        open_list,
        not_open_list,
        _grouped(register, OPPORTUNITY_FACETS, open_list),
        employer_list,
        _grouped(register, EMPLOYER_FACETS, employer_list),
        dict(open_counts),
    )


def _grouped(register: Register, facets: Sequence[Facet], items: EntryList[T]) -> dict[str, dict[str, EntryList[T]]]:
    """For each facet, the items by each value they have of it, in their order (one pass: a
    stored entry is made once)."""
    by_facet: list[dict[str, list[str]]] = [defaultdict(list) for _ in facets]
    for key, item in zip(items.keys, items, strict=True):
        for facet, by_code in zip(facets, by_facet, strict=True):
            for code in facet.values(register, item):
                by_code[code].append(key)
    return {
        f.segment: {code: EntryList(keys, items.entries) for code, keys in by_code.items()}
        for f, by_code in zip(facets, by_facet, strict=True)
    }


def facet_nav(
    facets: Sequence[Facet],
    groups: dict[str, dict[str, EntryList[Any]]],
    base: str,
    current: str = "",
    within: tuple[Facet, str, dict[str, dict[str, int]]] | None = None,
) -> list[dict[str, Any]]:
    """The filter navigation: every value of every facet with its count, in schema order.

    On a page already filtered (`within`: the facet, its code and, for each other facet, how
    many of the page's items have each value: Overlaps.counts), the other facets count within
    those items and link to the search page with both choices, since static pages cannot hold
    every combination; the facet's own values stay links to their pages.
    """
    v = vocabularies()
    nav = []
    for facet in facets:
        counts: dict[str, int] | None = None
        if within is not None and facet.segment != within[0].segment:
            chosen, code, counted = within
            counts = counted[facet.segment]
            both = [(chosen.segment, v.label(chosen.vocabulary, code))]
        options = [
            {
                "label": term.label,
                "count": len(groups[facet.segment].get(term.code, ())) if counts is None else counts.get(term.code, 0),
                "path": f"{base}/{facet.segment}/{term.code}/"
                if counts is None
                else "search/?" + urlencode([*both, (facet.segment, term.label)]),
                "current": current == f"{facet.segment}/{term.code}",
            }
            for term in v.terms(facet.vocabulary)
        ]
        # Groups start closed, as on GOV.UK finder pages: on a phone an open list of twelve
        # regions would push the results off the screen. The current choice is shown above
        # the results instead, with a link to remove it.
        nav.append({"title": facet.title, "options": options, "open": False, "within": counts is not None})
    return nav


class Overlaps:
    """How many items of one facet value's group have each value of the other facets, for every
    pair of values (a list's filter panel within a type, say, counts its items by subject,
    region and the rest). Each value's items are a bitset, one bit per item, and a pair's count
    is the bits two sets share: a few thousand ANDs of 5 KB numbers at 40,000 opportunities,
    where counting every pair each item has took half a second (and grows with the pairs)."""

    def __init__(self, groups: dict[str, dict[str, EntryList[Any]]], universe: EntryList[Any]) -> None:
        """`universe`: every item of the groups (an item's bit is its place there)."""
        self._index = {(segment, code): n for n, (segment, code) in enumerate(
            (segment, code) for segment, by_code in groups.items() for code in by_code
        )}  # fmt: skip
        bit = {key: n for n, key in enumerate(universe.keys)}  # item (by its id) -> its bit
        self._sets: list[int] = []
        for segment, code in self._index:
            members = bytearray(len(bit) // 8 + 1)
            for n in map(bit.__getitem__, groups[segment][code].keys):  # looked up in C: a quarter of the time
                members[n >> 3] |= 1 << (n & 7)
            self._sets.append(int.from_bytes(members, "little"))

    def counts(self, facets: Sequence[Facet], facet: Facet, code: str) -> dict[str, dict[str, int]]:
        mine = self._index.get((facet.segment, code))
        items = 0 if mine is None else self._sets[mine]
        return {
            other.segment: {
                c: (items & self._sets[n]).bit_count()
                for (segment, c), n in self._index.items()
                if segment == other.segment
            }
            for other in facets
            if other.segment != facet.segment
        }


def page_path(base: str, number: int) -> str:
    return base if number == 1 else f"{base}page/{number}/"


def page_links(base: str, number: int, pages: int) -> list[dict[str, Any]]:
    """Numbered links in the GOV.UK pattern: first, last, and the pages either side of this
    one, with gaps marked; a fixed handful however many pages there are."""
    shown = sorted({1, pages, number - 1, number, number + 1} & set(range(1, pages + 1)))
    links: list[dict[str, Any]] = []
    for n in shown:
        if links and n - links[-1]["number"] > 1:
            links.append({"number": None})  # an ellipsis
        links.append({"number": n, "path": page_path(base, n), "current": n == number})
    return links


def paginate(
    write: Writer,
    base: str,
    items: Sequence[Any],
    template: str,
    inputs: Callable[[Sequence[Any]], Iterable[object]] | None = None,
    **context: Any,
) -> None:
    """Pages base/, base/page/2/, ... of PAGE_SIZE items each (one empty page when none).

    `inputs` gives the inputs of a page's items (what their cards show); a page's inputs are
    those, its place in the list, and the other context (strings and pre-rendered markup)."""
    pages = max(1, math.ceil(len(items) / PAGE_SIZE))
    # Digested once for all the list's pages (a filter panel by its key).
    shared = hashlib.blake2b(
        repr(
            sorted(
                (name, value.key if isinstance(value, Deferred) else value)
                for name, value in context.items()
                if isinstance(value, str | Deferred)
            )
        ).encode()
    ).digest()
    if any(not isinstance(value, str | Register | Deferred) for value in context.values()):
        inputs = None  # an input the key would not see: always render

    def make() -> None:
        for number in range(1, pages + 1):
            shown = items[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
            write.page(
                page_path(base, number),
                template,
                inputs=None if inputs is None else (shared, number, pages, len(items), *inputs(shown)),
                lazy=partial(_pagination, base, number, pages),
                items=shown,
                total=len(items),
                **context,
            )

    if inputs is None:
        make()
    else:  # the list's pages kept whole while none of its items changed
        write.batch(base, (template, shared, len(items), *inputs(items)), make)


def _pagination(base: str, number: int, pages: int) -> dict[str, Any]:
    """A list page's links to the others: made only when the page is rendered."""
    return {
        "pagination": {
            "number": number,
            "pages": pages,
            "previous": None if number == 1 else page_path(base, number - 1),
            "next": page_path(base, number + 1) if number < pages else None,
            "links": page_links(base, number, pages),
        }
    }


def latest(register: Register, items: Iterable[Opportunity], count: int) -> list[Opportunity]:
    """The most recently published, newest first (for the home page and feeds)."""
    # A bounded heap rather than a full sort: the register may hold hundreds of thousands.
    return heapq.nsmallest(count, items, key=lambda o: (-o.published.toordinal(), o.id))
