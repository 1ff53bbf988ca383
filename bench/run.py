#!/usr/bin/env python3
"""Time the build against Hugo on the same synthetic register, and report medians and peak memory.

    python bench/run.py --employers 10000 --opportunities 40000 --repeat 3
    python bench/run.py --quick                  # 500 employers, 2,000 opportunities
    python bench/run.py --content /tmp/bench-corpus-10k --skip-ours   # Hugo alone, on a kept corpus

Each measurement runs in a fresh process, after the last one's writes are flushed to disk
(untimed); the full build and Hugo's take turns, and the full build's ratio is the median of
its turns'. Its peak memory is sampled over the whole process
tree (bench/memory.py): the summed peak of every process of the command, the largest
single process, and the summed proportional set size (PSS: pages a forked process still
shares with its parent counted once). A command that fails is reported as failed, with the
end of its output, and the run goes on. Last, `serve` is started on the built site and a title
is saved `--repeat` times (bench/serve.py): the seconds until the served page shows it, and
until the whole build after it is done; and the next day's build of the same register (the
scheduled daily build). Results are printed as a table and written to
bench/out/results-<size>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from bench import memory  # noqa: E402
from bench import serve as served  # noqa: E402
from bench.generate import MARKER, generate  # noqa: E402
from bench.hugo import write_site  # noqa: E402

TODAY = "2026-11-24"
ASIDE = "set-aside"  # below the kit's work folder: the outputs of earlier clean builds (set_aside)
NEXT_DAY = "2026-11-25"  # the daily build's date: a few opportunities close or pass a date
COMPARED = ("full build", "no-change rebuild", "one-file rebuild", "next-day rebuild")


def timed(cmd: list[str], cwd: Path = ROOT) -> dict[str, Any]:
    """Wall seconds and peak memory (MB: summed over the process tree, and the largest process)
    of one command in a fresh process, or why it failed."""
    result = memory.run(cmd, cwd)
    if result["exit"] != 0:
        tail = (result["stdout"][-1000:] + "\n" + result["stderr"][-1500:]).strip()
        return {"ok": False, "exit": result["exit"], "error": tail}
    return {
        "ok": True,
        "seconds": result["seconds"],
        "user_seconds": result["user_seconds"],
        "system_seconds": result["system_seconds"],
        "peak_mb": result["summed_mb"],
        "largest_mb": result["largest_mb"],
        "pss_mb": result["proportional_mb"],
    }


class Command(NamedTuple):
    """A command to time, what to do before each run (untimed), and where it runs."""

    cmd: list[str]
    before: Callable[[], None] | None = None
    cwd: Path = ROOT

    def run(self) -> dict[str, Any]:
        if self.before:
            self.before()
        # The last command's writes are put on disk first, untimed: a run must not pay for the
        # one before it (a clean build writes ~2.5 GB at 10,000 employers).
        os.sync()
        return timed(self.cmd, self.cwd)


def measure(repeat: int, cmd: list[str], before: Callable[[], None] | None = None, cwd: Path = ROOT) -> dict[str, Any]:
    """Median seconds and the highest peak memory over `repeat` runs; stops at the first failure."""
    command, runs = Command(cmd, before, cwd), []
    for _ in range(repeat):
        try:
            run = command.run()
        except BeforeFailed as failed:
            return failed.result
        if not run["ok"]:
            return _failed(command, run)
        runs.append(run)
    return _summary(runs)


def measure_pairs(repeat: int, ours: Command, theirs: Command) -> tuple[dict[str, Any], dict[str, Any]]:
    """Both commands `repeat` times, taking turns, and each one's summary (as measure()'s); ours
    also has the median of its time over theirs in the same turn ("ratio"). This machine's speed
    drifts by a third within an hour: runs taken in turn see the same drift, a block of ours
    then a block of theirs do not. Stops at the first failure."""
    mine: list[dict[str, Any]] = []
    other: list[dict[str, Any]] = []
    for _ in range(repeat):
        for command, runs in ((ours, mine), (theirs, other)):
            run = command.run()
            if not run["ok"]:
                failed = _failed(command, run)
                return (failed, _summary(other)) if runs is mine else (_summary(mine), failed)
            runs.append(run)
    result = _summary(mine)
    result["ratio"] = statistics.median(a["seconds"] / b["seconds"] for a, b in zip(mine, other, strict=True))
    return result, _summary(other)


def _failed(command: Command, run: dict[str, Any]) -> dict[str, Any]:
    return {"failed": True, "command": " ".join(command.cmd), "exit": run["exit"], "error": run["error"]}


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    if not runs:
        return {"failed": True, "command": "", "exit": 0, "error": "not run: the other command failed first"}
    return {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "user_seconds": statistics.median(r["user_seconds"] for r in runs),  # the whole process tree's
        "system_seconds": statistics.median(r["system_seconds"] for r in runs),
        "peak_mb": max(r["peak_mb"] for r in runs),  # summed over the process tree
        "largest_mb": max(r["largest_mb"] for r in runs),
        "pss_mb": max(r["pss_mb"] for r in runs),  # summed, shared pages split between their processes
        "runs": [r["seconds"] for r in runs],
    }


def corpus(args: argparse.Namespace) -> tuple[Path, dict[str, Any]]:
    """The content folder to measure: given, cached from an earlier run, or generated now."""
    if args.content:
        return args.content, {}
    content = args.work / f"{args.employers}-{args.opportunities}-seed{args.seed}" / "content"
    if (content / ".complete").exists():
        return content, {}
    print(f"generating {args.employers:,} employers and {args.opportunities:,} opportunities...", flush=True)
    started = time.perf_counter()
    generate(content, args.employers, args.opportunities, seed=args.seed, today=date.fromisoformat(TODAY))
    seconds = time.perf_counter() - started
    (content / ".complete").touch()
    files = args.employers + args.opportunities
    return content, {"seconds": round(seconds, 2), "files_per_second": round(files / seconds)}


# ext4 does not give out an inode deleted in the last 30 seconds (5 minutes once its inode table
# block is written to again, as a build's new files do), and scans past each such inode as it
# allocates (recently_deleted() in fs/ext4/ialloc.c: 80% of the kernel's time, by `perf record`,
# making 20,000 folders just after deleting 40,000). A clean build at 10,000 employers started
# just after the last one's files were deleted spent 18 s more in the kernel than one on a
# settled disk (39 s against 21 s; Hugo's 45 against 33 s), and waiting 31 s first was not
# enough (35 s in the kernel, a median of 3). So the output of the run before is set aside, not deleted, and everything set
# aside is deleted when the kit ends: each clean build, ours or Hugo's, runs as on a machine (a
# CI runner) that did not just delete a site.


def set_aside(into: Path, *paths: Path) -> Callable[[], None]:
    """What runs before a clean build: `paths` moved into the folder `into` (deleted at the end)."""

    def before() -> None:
        for path in paths:
            if path.exists():
                into.mkdir(parents=True, exist_ok=True)
                path.rename(into / f"{path.name}-{time.time_ns()}")

    return before


def ours(args: argparse.Namespace, content: Path, out: Path, hugo: Command | None) -> dict[str, dict[str, Any]]:
    """Our measurements; the full build taking turns with `hugo`, when given (also in the results)."""
    py = sys.executable
    cache = out.with_name("cache")  # the checked-file cache, emptied before each full build
    build = [py, "build.py", "build", "--content", str(content), "--out", str(out), "--today", TODAY]
    build += ["--cache-dir", str(cache)]
    validate = [py, "build.py", "validate", "--content", str(content), "--today", TODAY, "--no-cache"]

    one_file = sorted((content / "opportunities").glob("*.yaml"))[1]
    original = one_file.read_text(encoding="utf-8")

    def change_one() -> None:
        # Alternate between two titles so that every run sees a real change.
        text = one_file.read_text(encoding="utf-8")
        quoted = '\ntitle: "' in text  # a quoted title keeps its quotes
        changed = re.sub(r"\ntitle: (\"?)", lambda m: f"\ntitle: {m.group(1)}Changed ", text, count=1)
        assert changed != text and quoted == ('\ntitle: "' in changed)
        one_file.write_text(changed if text == original else original, encoding="utf-8")

    results: dict[str, dict[str, Any]] = {}
    try:
        steps: list[tuple[str, list[str], Callable[[], None] | None]] = [
            ("validate", validate, None),
            ("validate one file", [*validate, str(one_file)], None),
            ("full build", build, set_aside(out.with_name(ASIDE), out, cache)),  # everything from scratch
            ("no-change rebuild", build, None),
            ("one-file rebuild", build, change_one),
        ]
        for name, cmd, before in steps:
            print(f"{name}{' and hugo build, taking turns' if name == 'full build' and hugo else ''}...", flush=True)
            if name == "full build" and hugo is not None:
                results[name], results["hugo build"] = measure_pairs(args.repeat, Command(cmd, before), hugo)
            else:
                results[name] = measure(args.repeat, cmd, before)
        print("serve: saved edits...", flush=True)
        serve = [py, "build.py", "serve", *build[3:]]
        try:
            results |= served.run(serve, ROOT, one_file, f"opportunities/{one_file.stem}/", change_one, args.repeat)
        except Exception as e:  # noqa: BLE001 - reported in the table like any failed measurement
            results["edit to page"] = {"failed": True, "exit": 1, "error": f"{type(e).__name__}: {e}"}
        # The scheduled daily build: nothing edited, the build date one day on. Before each run
        # the site is built again at TODAY (untimed), so every run moves one day.
        print("next-day rebuild...", flush=True)
        next_day = [NEXT_DAY if arg == TODAY else arg for arg in build]
        results["next-day rebuild"] = measure(args.repeat, next_day, lambda: _run_quietly(build))
    finally:
        one_file.write_text(original, encoding="utf-8")
    return results


class BeforeFailed(Exception):
    """What a measurement ran first (untimed) failed: the measurement is reported as failed with it."""

    def __init__(self, result: dict[str, Any]) -> None:
        super().__init__(result["error"])
        self.result = result


def _run_quietly(cmd: list[str]) -> None:
    run = timed(cmd)
    if not run["ok"]:
        raise BeforeFailed(_failed(Command(cmd), run))


def hugo(args: argparse.Namespace, content: Path, work: Path) -> Command:
    """The Hugo build of the same entries (the Hugo site written first, unless written already)."""
    site, public = work / "hugo", work / "hugo-public"
    stamp = content / MARKER
    key = stamp.read_text() if stamp.exists() else str(content)
    if not (site / ".complete").exists() or (site / ".complete").read_text() != key:
        print("writing the Hugo site...", flush=True)
        write_site(content, site)
        (site / ".complete").write_text(key)
    command = ["hugo", "--quiet", "--destination", str(public)]
    return Command(command, before=set_aside(work / ASIDE, public), cwd=site)


def hugo_pages(work: Path) -> int:
    public = work / "hugo-public"
    return sum(1 for _ in public.rglob("*.html")) if public.exists() else 0


def table(report: dict[str, Any]) -> str:
    results = report["results"]
    reference = results.get("hugo build", {}).get("seconds")
    lines = [
        f"{report['employers']:,} employers, {report['opportunities']:,} opportunities; "
        f"our pages: {report['pages']:,}, Hugo's: {results.get('hugo build', {}).get('pages', 0):,}; "
        f"median of {report['repeat']} runs",
        f"{'measurement':22} {'seconds':>9} {'summed MB':>10} {'largest MB':>11} {'PSS MB':>7} {'vs Hugo':>8}"
        f" {'user s':>7} {'system s':>8}",
    ]
    for name, r in results.items():
        if r.get("failed"):
            lines.append(
                f"{name:22} {'FAILED':>9}  exit {r['exit']}: {r['error'].splitlines()[-1][:80] if r['error'] else ''}"
            )
            continue
        # The full build's ratio is the median of its turns' (measure_pairs), the others' to Hugo's median.
        times = r.get("ratio") or (r["seconds"] / reference if reference and name in COMPARED else None)
        ratio = f"{times:.2f}x" if times else ""
        memory = f"{r['peak_mb']:10,} {r['largest_mb']:11,}" if "peak_mb" in r else f"{'':10} {'':11}"
        memory += f" {r['pss_mb']:7,}" if "pss_mb" in r else f" {'':7}"
        cpu = f" {r['user_seconds']:7.1f} {r['system_seconds']:8.1f}" if "user_seconds" in r else ""
        lines.append(f"{name:22} {r['seconds']:9.2f} {memory} {ratio:>8}{cpu}")
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--employers", type=int, default=10_000)
    p.add_argument("--opportunities", type=int, default=40_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--quick", action="store_true", help="a small smoke run: 500 employers, 2,000 opportunities")
    p.add_argument("--content", type=Path, help="measure this content folder instead of generating one")
    p.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "stemx-bench")
    p.add_argument("--skip-hugo", action="store_true")
    p.add_argument("--skip-ours", action="store_true", help="time Hugo alone")
    args = p.parse_args()
    if args.quick:
        args.employers, args.opportunities = 500, 2000
    if args.content:
        args.employers = sum(1 for _ in (args.content / "employers").glob("*.yaml"))
        args.opportunities = sum(1 for _ in (args.content / "opportunities").glob("*.yaml"))
    size = f"{args.employers}-{args.opportunities}"
    content, generation = corpus(args)
    work = args.work / f"{size}-runs"
    work.mkdir(parents=True, exist_ok=True)
    out = work / "site"
    theirs = None if args.skip_hugo else hugo(args, content, work)
    try:
        results = {} if args.skip_ours else ours(args, content, out, theirs)
        if theirs is not None and "hugo build" not in results:  # Hugo alone (--skip-ours)
            print("hugo build...", flush=True)
            results["hugo build"] = measure(args.repeat, theirs.cmd, theirs.before, theirs.cwd)
    finally:  # what clean builds set aside, deleted once nothing more is timed
        shutil.rmtree(work / ASIDE, ignore_errors=True)
    if "hugo build" in results:
        results["hugo build"]["pages"] = hugo_pages(work)
    report = {
        "employers": args.employers,
        "opportunities": args.opportunities,
        "content": str(content),
        "generation": generation,
        "pages": sum(1 for _ in out.rglob("*.html")) if out.exists() else 0,
        "repeat": args.repeat,
        "results": results,
    }
    print("\n" + table(report))
    (BENCH / "out").mkdir(exist_ok=True)
    path = BENCH / "out" / f"results-{size}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
