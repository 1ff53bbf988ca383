"""The build as one short pipeline: load -> validate -> model -> render -> publish."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
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
    from .site import render_site, write_sitemap
    from .submit_page import write_submit_pages

    return [
        ("pages, feeds, calendars", render_site),
        ("open data", write_open_data),
        ("data pages", write_data_pages),
        ("submit pages", write_submit_pages),
        ("sitemap", write_sitemap),  # last: it lists every page the other stages wrote
    ]


@dataclass(slots=True)
class BuildReport:
    validation: Validation
    employers: int = 0
    opportunities: int = 0
    timings: list[tuple[str, float, int]] = field(default_factory=list)  # (stage, seconds, files)
    seconds: float = 0.0  # from start to finish: less than the sum, as the search index is built alongside


def build(config: BuildConfig, progress: Progress | None = None) -> BuildReport:
    """Validate the content and write the whole site; ContentError leaves `out_dir` untouched."""
    from .search import write_search

    begun = started = time.perf_counter()
    validation = validate_content(config.content_dir, config.today, progress=progress)
    register = register_from(validation, config.today, config.strict)
    report = BuildReport(validation, len(register.employers), len(register.opportunities))
    report.timings.append(("load and validate", time.perf_counter() - started, 0))
    steps = stages()
    with staging(config.out_dir) as stage, ThreadPoolExecutor(max_workers=1) as pool:
        # The search index is built alongside the other stages: Pagefind runs in processes of
        # its own, so the two cores share the longest stage with page rendering.
        cancel = threading.Event()
        search = pool.submit(_timed, write_search, register, stage, config, cancel)
        try:
            for number, (name, write) in enumerate(steps, 1):
                if number == len(steps):  # the last stage sees everything the others wrote
                    report.timings.append(("search index (alongside)", *search.result()))
                if progress:
                    progress(-number, len(steps))  # negative: the stage being written
                report.timings.append((name, *_timed(write, register, stage, config)))
        except BaseException:
            cancel.set()  # stop indexing before the staging folder is removed
            raise
    report.seconds = time.perf_counter() - begun
    return report


def _timed(write: Callable[..., int], *args: object) -> tuple[float, int]:
    started = time.perf_counter()
    files = write(*args)
    return time.perf_counter() - started, files
