"""The jinja2 environment shared by every page: autoescaping, filters and site-wide values."""

from __future__ import annotations

from collections.abc import Callable, Hashable, MutableMapping
from datetime import date
from functools import cache
from types import FunctionType, MethodType
from typing import Any

import orjson
from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape
from jinja2.runtime import Context
from jinja2.utils import internalcode
from markupsafe import Markup, _escape_inner, escape

from ..cache import template_cache
from ..config import BuildConfig
from ..model import Opportunity, Session
from ..schemas import vocabularies
from .markdown import render_markdown

SITE_NAME = "STEM Exchange"


# Each date once: strftime costs 2.5-5 us a call, and a build shows a few thousand distinct days
# about 200,000 times (pages, cards).
@cache
def uk_date(d: date | None) -> str:
    """Tuesday 10 March 2026: the form GOV.UK uses, unambiguous for every reader."""
    return f"{d:%A} {d.day} {d:%B %Y}" if d else ""


@cache
def short_date(d: date | None) -> str:
    return f"{d.day} {d:%b %Y}" if d else ""


def money(amount: float) -> str:
    if amount == 0:
        return "Free"
    return f"£{amount:,.0f}" if float(amount).is_integer() else f"£{amount:,.2f}"


def hours(value: float) -> str:
    """3.5 hours; under an hour in minutes, since "0.67 hours" helps nobody."""
    if value < 1:
        return f"{round(value * 60)} minutes"
    text = f"{value:g}"
    return f"{text} hour" if value == 1 else f"{text} hours"


def session_text(s: Session) -> str:
    when = uk_date(s.start) if s.start == s.end else f"{uk_date(s.start)} to {uk_date(s.end)}"
    if s.start_time and s.end_time:
        when += f", {s.start_time} to {s.end_time}"
    return when


def when_text(o: Opportunity, today: date) -> str:
    """One line for a card: the next date, the number of further dates, or "On request"."""
    if o.on_request:
        return "On request"
    upcoming = [s for s in o.sessions if s.end >= today]
    if not upcoming:
        return f"Took place {short_date(o.last_date)}"
    more = len(upcoming) - 1
    first = upcoming[0]
    text = (
        short_date(first.start) if first.start == first.end else f"{short_date(first.start)} to {short_date(first.end)}"
    )
    return text + (f" (+{more} more date{'s' if more > 1 else ''})" if more else "")


def json_ld(data: dict[str, Any]) -> Markup:
    """JSON for a <script type="application/ld+json"> block; '<' is escaped so that no
    content can close the element early (the JSON value is unchanged)."""
    text = orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode()  # compact, text as written
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _rendered_once(env: Environment, template: str, key: Callable[..., Hashable]) -> Callable[..., Markup]:
    """A part of every page (a partial template) as a global function that renders it once per
    `key` of its arguments, not on each of 65,000 pages: the header's links and the footer were
    an eighth of a page's rendering. The partial's last newline is the page's own."""
    made: dict[Hashable, Markup] = {}

    def rendered(**context: Any) -> Markup:
        k = key(**context)
        if k not in made:
            made[k] = Markup(env.get_template(template).render(**context).removesuffix("\n"))
        return made[k]

    return rendered


def _section(page_path: str) -> tuple[str, bool]:
    """What the header's links show of a page: the top-level folder it is in, and whether it is that folder's page."""
    folder = page_path.partition("/")[0] + "/" if "/" in page_path else ""
    return folder, page_path == folder


class _Context(Context):
    @internalcode
    def call(self, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        """Context.call, for every call a template makes (url(), cards(), a method of an
        entry): a plain function or method that no jinja2 pass_* decorator marked is called
        straight away. jinja2 asks every callable for that mark in four attribute lookups, two
        of which fail (0.8-1.2 us a call against 0.2-0.6; about 25 calls an opportunity's page
        and card, over a million a build at 10,000 employers); anything else goes through it
        unchanged."""
        kind = type(obj)
        if (kind is FunctionType and not hasattr(obj, "jinja_pass_arg")) or (
            kind is MethodType and not hasattr(obj.__func__, "jinja_pass_arg")
        ):
            if kwargs:  # what jinja2 passes for marked callables only
                kwargs.pop("_block_vars", None)
                kwargs.pop("_loop_vars", None)
            try:
                return obj(*args, **kwargs)
            except StopIteration:  # as Context.call does
                return self.environment.undefined(
                    "value was undefined because a callable raised a StopIteration exception"
                )
        return super().call(obj, *args, **kwargs)


def _escape(value: Any) -> Markup:
    """markupsafe.escape, with a plain string's result made in C: escape() makes it with
    Markup(), whose __new__ is Python (0.49 against 0.20 us, about 70 values an opportunity's
    page and card). _escape_inner is the C function escape() calls: private to markupsafe,
    whose version is pinned for it."""
    if type(value) is str:
        return str.__new__(Markup, _escape_inner(value))
    return escape(value)


class _Template(Template):
    @classmethod
    def from_code(cls, *args: Any, **kwargs: Any) -> Template:
        """A compiled template's output escapes with _escape: its code calls the `escape` it
        imported from jinja2.runtime (markupsafe's), looked up among its module's globals."""
        template = super().from_code(*args, **kwargs)
        template.root_render_func.__globals__["escape"] = _escape
        return template


class _Environment(Environment):
    context_class = _Context
    template_class = _Template

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """A template without globals of its own shares the environment's dict. jinja2 gives each
        template a ChainMap over it, which every render copies key by key in Python (about 10 us
        a render with these twenty globals, some 140,000 renders a build at 10,000 employers);
        a dict is copied in C. Nothing here sets a template's own globals, so nothing writes
        through to the environment's."""
        return self.globals if not d else super().make_globals(d)


def make_environment(config: BuildConfig) -> Environment:
    env = _Environment(
        loader=FileSystemLoader(config.templates_dir),
        bytecode_cache=template_cache(config.cache_dir) if config.cache_dir is not None else None,
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # An environment lasts one build (serve makes a new one for each): checking every
        # template file's time on each of 92,000 pages cost 5 s at 10,000 employers.
        auto_reload=False,
    )
    v = vocabularies()
    env.filters.update(
        uk_date=uk_date,
        short_date=short_date,
        money=money,
        hours=hours,
        session_text=session_text,
        markdown=render_markdown,
        label=lambda code, vocab: v.label(vocab, code),
        json_ld=json_ld,
    )
    env.globals.update(
        url=config.url,
        absolute_url=config.absolute_url,
        site_name=SITE_NAME,
        today=config.today,
        terms=v.terms,
        label=v.label,
        when_text=lambda o: when_text(o, config.today),
        main_nav=_rendered_once(env, "_nav.html", _section),
        site_footer=_rendered_once(env, "_footer.html", lambda: ()),
    )
    return env
