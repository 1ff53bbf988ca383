"""The build as one short pipeline: load -> validate -> model -> render -> publish."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .config import BuildConfig
from .content import Progress, Validation, register_from, validate_content
from .model import Register
from .publish import staging

# Each output stage writes into the staging folder and returns how many files it wrote.
Stage = Callable[[Register, Path, BuildConfig], int]


def stages() -> list[tuple[str, Stage]]:
    from .opendata import write_open_data
    from .opendata.pages import write_data_pages
    from .search import write_search
    from .site import render_site, write_sitemap
    from .submit_page import write_submit_pages

    return [
        ("pages, feeds, calendars", render_site),
        ("open data", write_open_data),
        ("data pages", write_data_pages),
        ("search index", write_search),
        ("submit pages", write_submit_pages),
        ("sitemap", write_sitemap),  # last: it lists every page the stages above wrote
    ]


@dataclass(slots=True)
class BuildReport:
    validation: Validation
    employers: int = 0
    opportunities: int = 0
    timings: list[tuple[str, float, int]] = field(default_factory=list)  # (stage, seconds, files)


def build(config: BuildConfig, progress: Progress | None = None) -> BuildReport:
    """Validate the content and write the whole site; ContentError leaves `out_dir` untouched."""
    started = time.perf_counter()
    validation = validate_content(config.content_dir, config.today, progress=progress)
    register = register_from(validation, config.today, config.strict)
    report = BuildReport(validation, len(register.employers), len(register.opportunities))
    report.timings.append(("load and validate", time.perf_counter() - started, 0))
    with staging(config.out_dir) as stage:
        for number, (name, write) in enumerate(stages(), 1):
            if progress:
                progress(-number, len(stages()))  # negative: the stage being written
            started = time.perf_counter()
            files = write(register, stage, config)
            report.timings.append((name, time.perf_counter() - started, files))
    return report
