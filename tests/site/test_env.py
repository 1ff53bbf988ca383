"""The template environment: what a template sees of the site-wide values, and its calls and
escaping, which skip steps of jinja2's and markupsafe's but give what theirs give."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import Environment, UndefinedError, pass_context, pass_environment, pass_eval_context
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from markupsafe import Markup, escape

from stemx.config import BuildConfig
from stemx.site.env import _escape, make_environment


def _env(tmp_path: Path) -> Environment:
    (tmp_path / "a.html").write_text("{% set local = 'page' %}{{ late }} {{ local }} {{ site_name }}")
    return make_environment(BuildConfig(templates_dir=tmp_path, today=date(2026, 11, 24)))


def test_a_value_added_after_a_template_is_loaded_is_seen_by_it(tmp_path: Path) -> None:
    # The build adds some values once the lists are made (open_counts), after pages were rendered.
    env = _env(tmp_path)
    template = env.get_template("a.html")
    env.globals["late"] = "first"
    assert template.render() == "first page STEM Exchange"
    env.globals["late"] = "second"
    assert template.render() == "second page STEM Exchange"


def test_rendering_leaves_the_site_wide_values_as_they_were(tmp_path: Path) -> None:
    env = _env(tmp_path)
    env.globals["late"] = "x"
    before = dict(env.globals)
    env.get_template("a.html").render(extra=1)
    assert env.globals == before
    assert "local" not in env.globals and "extra" not in env.globals


# -- calls and escaping: the environment's faster Context.call and escape do what jinja2's do


def _render(tmp_path: Path, source: str, **context: object) -> str:
    (tmp_path / "t.html").write_text(source)
    env = make_environment(BuildConfig(templates_dir=tmp_path, today=date(2026, 11, 24)))
    return env.get_template("t.html").render(**context)


class _Marked:
    """A callable object whose __call__ asks for the context, as jinja2 allows."""

    @pass_context
    def __call__(self, context: Context, name: str) -> str:
        return f"{name}={context['value']}"


class _Entry:
    def __init__(self) -> None:
        self.seen: list[dict[str, object]] = []

    def show(self, text: str, **kwargs: object) -> str:
        self.seen.append(kwargs)
        return text.upper()


def test_marked_callables_are_given_what_they_ask_for(tmp_path: Path) -> None:
    @pass_context
    def from_context(context: Context, name: str) -> object:
        return context[name]

    @pass_eval_context
    def autoescaping(eval_ctx: EvalContext) -> bool:
        return eval_ctx.autoescape

    @pass_environment
    def site(environment: Environment) -> object:
        return environment.globals["site_name"]

    class Page:
        @pass_context
        def loop_value(self, context: Context) -> object:
            return context["item"]  # set in a loop: seen only through the loop's variables

    source = (
        "{{ from_context('value') }} {{ autoescaping() }} {{ site() }} {{ marked('v') }}"
        "{% for i in [7] %}{% set item = i %} {{ page.loop_value() }}{% endfor %}"
    )
    rendered = _render(
        tmp_path, source, value=3, from_context=from_context, autoescaping=autoescaping, site=site,
        marked=_Marked(), page=Page(),
    )  # fmt: skip
    assert rendered == "3 True STEM Exchange v=3 7"


def test_plain_functions_and_methods_get_only_the_template_s_arguments(tmp_path: Path) -> None:
    # In a loop and in a block jinja2 adds its own keyword arguments to every call, for marked
    # callables: a plain function or method must never see them.
    entry, seen = _Entry(), []

    def plain(*args: object, **kwargs: object) -> str:
        seen.append((args, kwargs))
        return "p"

    source = (
        "{% extends 'base.txt' %}{% block b %}{% for i in [1] %}{{ plain(i, k=2) }}{{ entry.show('a', x=1) }}"
        "{% endfor %}{{ plain() }}{% endblock %}"
    )
    (tmp_path / "base.txt").write_text("[{% block b %}{% endblock %}]")
    assert _render(tmp_path, source, plain=plain, entry=entry) == "[pAp]"
    assert seen == [((1,), {"k": 2}), ((), {})]
    assert entry.seen == [{"x": 1}]


def test_a_callable_that_raises_stop_iteration_gives_undefined(tmp_path: Path) -> None:
    def empty() -> object:
        return next(iter(()))

    with pytest.raises(UndefinedError, match="StopIteration"):  # StrictUndefined: shown, it says why
        _render(tmp_path, "{{ empty() }}", empty=empty)
    assert _render(tmp_path, "{{ empty() is defined }}", empty=empty) == "False"


class _Html:
    def __html__(self) -> str:
        return "<b>safe</b>"


@settings(max_examples=300)
@given(st.text(alphabet="<>&'\"a é\x00\n", max_size=30))
def test_escape_is_markupsafe_s(text: str) -> None:
    for value in (text, Markup(text), type("Sub", (str,), {})(text)):
        assert _escape(value) == escape(value) and type(_escape(value)) is Markup


def test_escape_of_other_values_is_markupsafe_s() -> None:
    for value in (3, 2.5, None, True, _Html(), date(2026, 1, 2)):
        assert _escape(value) == escape(value) and type(_escape(value)) is Markup


def test_templates_escape_what_they_show_with_the_environment_s_escape(tmp_path: Path) -> None:
    (tmp_path / "t.html").write_text("{{ a }}|{{ b }}|{{ c }}{% set d %}<i>{{ a }}</i>{% endset %}|{{ d }}")
    env = make_environment(BuildConfig(templates_dir=tmp_path, today=date(2026, 11, 24)))
    template = env.get_template("t.html")
    assert template.root_render_func.__globals__["escape"] is _escape
    rendered = template.render(a="<&>\"'", b=Markup("<em>ok</em>"), c=_Html())
    assert rendered == "&lt;&amp;&gt;&#34;&#39;|<em>ok</em>|<b>safe</b>|<i>&lt;&amp;&gt;&#34;&#39;</i>"
    # and a template made from a string, as the build makes some
    assert env.from_string("{{ a }}").render(a="<") == "&lt;"
