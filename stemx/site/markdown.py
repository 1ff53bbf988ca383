"""Markdown descriptions rendered safely: no raw HTML, no images, only http(s)/mailto links.

Content comes from strangers, so the renderer refuses what validation also refuses (a
second line of defence), and headings are moved down so that a description's "# Heading"
cannot break the page's heading order.

Two renderers give the same HTML. markdown-it-py (pure Python, with the rules above as render
rules) is the reference; markdown-it-pyrs (markdown-it's Rust port, about 15 times faster) is
used first, with raw HTML and images not even parsed, headings moved down and links given
their rel attribute afterwards. A description with any link that is not http(s) or mailto is
rendered by the reference instead, which shows such a link as text. tests/site/test_markdown.py
compares the two on the sample content, a generated corpus and hand-picked hostile input.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

import markdown_it_pyrs
from markupsafe import Markup

from ..texts import Text

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

_SAFE_LINK = re.compile(r"^(?:https?://|mailto:)", re.IGNORECASE)
HEADING_OFFSET = 2  # "#" in a description becomes <h3>: the page has its <h1> and <h2>s
REL = "nofollow ugc noopener"

# With raw HTML not parsed, every tag in the fast renderer's output is its own.
_HEADING_TAG = re.compile(r"<(/?)h([1-6])>")
_LINK_TAG = re.compile(r'<a href="([^"]*)"((?: title="[^"]*")?)>')


@cache
def _reference() -> MarkdownIt:
    from markdown_it import MarkdownIt  # only for descriptions with a link the fast renderer may not show (20 ms)

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
        tokens[idx].attrSet("rel", REL)
        return renderer.renderToken(tokens, idx, options, env)

    md.add_render_rule("heading_open", heading_open)
    md.add_render_rule("link_open", link_open)
    return md


@cache
def _fast() -> markdown_it_pyrs.MarkdownIt:
    # CommonMark's rules, less raw HTML (html_block, html_inline) and images.
    return markdown_it_pyrs.MarkdownIt("zero").enable_many([
        "blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph", "reference",
        "autolink", "backticks", "emphasis", "entity", "escape", "link", "newline",
    ])  # fmt: skip


def _heading(m: re.Match[str]) -> str:
    return f"<{m[1]}h{min(int(m[2]) + HEADING_OFFSET, 6)}>"


def _link(m: re.Match[str]) -> str:
    return f'<a href="{m[1]}"{m[2]} rel="{REL}">'


def render_reference(text: str) -> str:
    return _reference().render(text)


def render_fast(text: str) -> str | None:
    """The fast renderer's HTML, or None when a link is one the reference would refuse."""
    html = _fast().render(text)
    if "<a " in html:
        links = _LINK_TAG.findall(html)
        # Every link in the shape expected, and each one the reference would make a link.
        if len(links) != html.count("<a ") or not all(_SAFE_LINK.match(href) for href, _ in links):
            return None
        html = _LINK_TAG.sub(_link, html)
    if "<h" in html:
        html = _HEADING_TAG.sub(_heading, html)
    return html


def render_markdown(text: Text) -> Markup:
    """HTML for a Markdown description; everything not explicitly allowed is escaped text."""
    source = str(text)  # str(): a description may be kept in a TextStore
    html = render_fast(source)
    return Markup(render_reference(source) if html is None else html)
