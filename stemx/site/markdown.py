"""Markdown descriptions rendered safely: no raw HTML, no images, only http(s)/mailto links.

Content comes from strangers, so the renderer refuses what validation also refuses (a
second line of defence), and headings are moved down so that a description's "# Heading"
cannot break the page's heading order.
"""

from __future__ import annotations

import re
from functools import cache

from markdown_it import MarkdownIt
from markupsafe import Markup

from ..texts import Text

_SAFE_LINK = re.compile(r"^(?:https?://|mailto:)", re.IGNORECASE)
HEADING_OFFSET = 2  # "#" in a description becomes <h3>: the page has its <h1> and <h2>s


@cache
def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["image", "html_block", "html_inline"])
    md.validateLink = lambda url: bool(_SAFE_LINK.match(url.strip()))  # type: ignore[method-assign]

    def heading_open(renderer, tokens, idx, options, env):
        token = tokens[idx]
        level = min(int(token.tag[1]) + HEADING_OFFSET, 6)
        token.tag = f"h{level}"
        tokens[idx + 2].tag = token.tag  # the matching heading_close
        return renderer.renderToken(tokens, idx, options, env)

    def link_open(renderer, tokens, idx, options, env):
        tokens[idx].attrSet("rel", "nofollow ugc noopener")
        return renderer.renderToken(tokens, idx, options, env)

    md.add_render_rule("heading_open", heading_open)
    md.add_render_rule("link_open", link_open)
    return md


def render_markdown(text: Text) -> Markup:
    """HTML for a Markdown description; everything not explicitly allowed is escaped text."""
    return Markup(_renderer().render(str(text)))  # str(): a description may be kept in a TextStore
