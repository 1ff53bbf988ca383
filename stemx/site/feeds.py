"""Atom feeds of newly published opportunities, site-wide and per region."""

from __future__ import annotations

from collections.abc import Sequence

from jinja2 import Environment

from ..config import BuildConfig
from ..model import Opportunity, Register

FEED_SIZE = 50


def atom(
    env: Environment, register: Register, config: BuildConfig, title: str, path: str, items: Sequence[Opportunity]
) -> str:
    updated = max((o.published for o in items), default=register.today)
    return env.get_template("feed.xml").render(
        title=title, feed_path=path, items=items[:FEED_SIZE], updated=updated, register=register
    )
