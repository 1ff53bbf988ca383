"""The template environment: what a template sees of the site-wide values."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from jinja2 import Environment

from stemx.config import BuildConfig
from stemx.site.env import make_environment


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
