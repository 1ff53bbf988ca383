"""Atom feeds of newly published opportunities: site-wide, and per place, subject and type."""

from __future__ import annotations

from collections.abc import Sequence

from jinja2 import Environment

from ..config import BuildConfig
from ..model import Opportunity, Register
from .pages import OPPORTUNITY_FACETS

FEED_SIZE = 50
# The ways of browsing that have a feed and a calendar each: where (regions and online),
# subject and type; audience and format are too broad to follow.
FACETS = tuple(f for f in OPPORTUNITY_FACETS if f.segment in ("region", "subject", "type"))


def atom(
    env: Environment, register: Register, config: BuildConfig, title: str, path: str, items: Sequence[Opportunity]
) -> str:
    updated = max((o.published for o in items), default=register.today)
    return env.get_template("feed.xml").render(
        title=title, feed_path=path, items=items[:FEED_SIZE], updated=updated, register=register
    )
