"""The build as one short program: load and validate -> model -> the output stages -> publish.

Every stage writes through the output layer (output.py), which reuses unchanged files from the
published site and refuses two writers of one path; schedule.py runs the stages, the pages in
a process of their own alongside the others (shared with this process once its own stages are done).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from . import interrupts
from .cache import tidy
from .collector import collector_paused, give_back_free_memory
from .config import BuildConfig
from .content import Validation, register_from, validate_content
from .model import Register
from .output import Output, folder_digest
from .publish import staging
from .schedule import Stage, StageProgress, Timing, run_stages


@dataclass(frozen=True, slots=True)
class Progress:
    """What a progress bar is told: files checked (done, total), then each stage as it starts."""

    checked: Callable[[int, int], None]
    stage: StageProgress


def stages() -> list[Stage]:
    from .opendata import write_open_data
    from .opendata.pages import write_data_pages
    from .search import write_search
    from .site import STAGE as PAGES
    from .site import render_site, write_sitemap
    from .submission.pages import write_submit_pages

    return [
        Stage(PAGES, render_site, where="process", shared=True),
        Stage("search index", write_search),
        Stage("open data", write_open_data),
        Stage("data pages", write_data_pages, after=("open data",)),
        Stage("submit pages", write_submit_pages),
        # Last: it lists every page the others wrote.
        Stage("sitemap", write_sitemap, after=(PAGES, "search index", "data pages", "submit pages")),
    ]


@dataclass(slots=True)
class BuildReport:
    validation: Validation
    employers: int = 0
    opportunities: int = 0
    timings: list[Timing] = field(default_factory=list)
    reused: int = 0  # files linked from the published site rather than written
    seconds: float = 0.0  # start to finish: less than the sum of the stages, which overlap
    register: Register | None = field(default=None, repr=False)  # what was built (serve keeps it)


def build(config: BuildConfig, progress: Progress | None = None) -> BuildReport:
    """Validate the content and write the whole site; ContentError leaves `out_dir` untouched."""
    begun = time.perf_counter()
    folder_digest.cache_clear()  # templates or static files may have changed since the last build (serve)
    with collector_paused():
        validation = validate_content(
            config.content_dir,
            config.today,
            progress=progress.checked if progress else None,
            cache_dir=config.cache_dir,
        )
        register = register_from(validation, config.today, config.strict)
        # All that loading made lives until the build ends: frozen before the collector runs
        # again, it is not scanned again (about 0.7 s at 10,000 employers, each time it would be).
        gc.freeze()
    # What validation freed (the listing of every file, the parsed files) is given back before the
    # pages process is forked, which would inherit it (99 -> 80 MB after validating 50,000 files
    # with their entries on disk).
    give_back_free_memory()
    try:
        report = BuildReport(validation, len(register.employers), len(register.opportunities), register=register)
        report.timings.append(Timing("load and validate", time.perf_counter() - begun, 0, alongside=False))
        with staging(config.out_dir) as staged:
            with collector_paused():  # the published site's manifest, read here, lives to the end too
                output = Output(staged.folder, config, register)
                gc.freeze()
            _, timings = run_stages(stages(), register, config, output, progress.stage if progress else None)
            if output.settle():
                staged.commit = output.commit
            output.save()
            interrupts.check()  # stopped at any point, even where the KeyboardInterrupt was lost: nothing published
        output.publish()
    finally:
        gc.unfreeze()  # `serve` builds again in this process: this build's leftovers are garbage then
    if config.cache_dir is not None:
        tidy(config.cache_dir)
    report.timings += timings
    report.reused = output.reused
    report.seconds = time.perf_counter() - begun
    return report
