"""The end-of-build summary: what was built and where the time went (like Hugo's table)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from .config import BuildConfig
from .content import display_path
from .pipeline import BuildReport


def print_build_report(report: BuildReport, config: BuildConfig, console: Console | None = None) -> None:
    console = console or Console(stderr=True, highlight=False)
    if report.validation.problems:  # warnings only: errors stop the build earlier
        # One write, as written (no markup, no wrapping): a line each cost 0.3 s for 3,000 warnings.
        console.out("\n".join(map(str, report.validation.problems)), highlight=False)
    table = Table(title="Build summary", title_justify="left")
    table.add_column("Stage")
    table.add_column("Files", justify="right")
    table.add_column("Seconds", justify="right")
    total_files = 0
    total_seconds = 0.0
    for t in report.timings:
        name = f"{t.stage} (alongside)" if t.alongside else t.stage
        table.add_row(name, f"{t.files:,}" if t.files else "", f"{t.seconds:.2f}")
        total_files += t.files
        total_seconds += t.seconds
    table.add_row("total", f"{total_files:,}", f"{report.seconds or total_seconds:.2f}", style="bold")
    console.print(table)
    console.print(
        f"{report.employers:,} employers, {report.opportunities:,} opportunities, "
        f"{report.validation.warnings} warning(s). Site written to {display_path(config.out_dir)}/"
        + (f" ({report.reused:,} unchanged files reused from the last build)" if report.reused else ""),
        markup=False,
    )
