#!/usr/bin/env python3
"""Time the build against Hugo on the same synthetic register, and report medians and peak memory.

    python bench/run.py --employers 10000 --opportunities 40000 --repeat 3
    python bench/run.py --quick                  # 500 employers, 2,000 opportunities

Each measurement runs in a fresh process under /usr/bin/time, so peak memory (maximum
resident set size) is per command. Results are printed as a table and written to
bench/out/results-<size>.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from bench.generate import generate  # noqa: E402
from bench.hugo import write_site  # noqa: E402

TODAY = "2026-11-24"


def timed(cmd: list[str], cwd: Path = ROOT) -> tuple[float, int]:
    """(wall seconds, peak RSS in MB) of one command; exits on failure with its output."""
    result = subprocess.run(["/usr/bin/time", "-f", "%e %M", *cmd], cwd=cwd, capture_output=True, text=True)
    if result.returncode not in (0, 1) or not result.stderr.strip():
        sys.exit(f"failed: {' '.join(cmd)}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    seconds, kb = result.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(kb) // 1024


def median_of(repeat: int, cmd: list[str], before: object = None, cwd: Path = ROOT) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        if callable(before):
            before()
        runs.append(timed(cmd, cwd))
    return {
        "seconds": statistics.median(r[0] for r in runs),
        "peak_mb": max(r[1] for r in runs),
        "runs": [r[0] for r in runs],
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--employers", type=int, default=10_000)
    p.add_argument("--opportunities", type=int, default=40_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--quick", action="store_true", help="a small smoke run: 500 employers, 2,000 opportunities")
    p.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "stemx-bench")
    p.add_argument("--skip-hugo", action="store_true")
    args = p.parse_args()
    if args.quick:
        args.employers, args.opportunities = 500, 2000
    size = f"{args.employers}-{args.opportunities}"
    work = args.work / size
    content, out = work / "content", work / "site"
    if not (content / ".complete").exists():
        print(f"generating {args.employers:,} employers and {args.opportunities:,} opportunities...")
        generate(
            content, args.employers, args.opportunities, seed=1, today=__import__("datetime").date.fromisoformat(TODAY)
        )
        (content / ".complete").touch()
    py = sys.executable
    build = [py, "build.py", "build", "--content", str(content), "--out", str(out), "--today", TODAY]
    one_file = content / "opportunities" / "opportunity-0000001.yaml"
    original = one_file.read_text()

    def touch_one() -> None:
        text = one_file.read_text()
        one_file.write_text(text.replace("title: ", "title: Changed ", 1) if "Changed" not in text else original)

    results: dict[str, dict[str, float]] = {}
    print("validate (whole register)...")
    results["validate"] = median_of(
        args.repeat, [py, "build.py", "validate", "--content", str(content), "--today", TODAY]
    )
    print("validate (one file against the register)...")
    results["validate one file"] = median_of(
        args.repeat, [py, "build.py", "validate", "--content", str(content), "--today", TODAY, str(one_file)]
    )
    print("full build...")
    results["full build"] = median_of(args.repeat, build, before=lambda: shutil.rmtree(out, ignore_errors=True))
    print("no-change rebuild...")
    results["no-change rebuild"] = median_of(args.repeat, build)
    print("one-file-change rebuild...")
    results["one-file rebuild"] = median_of(args.repeat, build, before=touch_one)
    one_file.write_text(original)
    if not args.skip_hugo:
        hugo_site = work / "hugo"
        if not (hugo_site / ".complete").exists():
            print("writing the Hugo site...")
            write_site(content, hugo_site)
            (hugo_site / ".complete").touch()
        print("hugo build...")
        results["hugo build"] = median_of(
            args.repeat,
            ["hugo", "--quiet", "--destination", str(work / "hugo-public")],
            before=lambda: shutil.rmtree(work / "hugo-public", ignore_errors=True),
            cwd=hugo_site,
        )
    pages = sum(1 for _ in out.rglob("index.html"))
    hugo = results.get("hugo build", {}).get("seconds")
    print(
        f"\n{args.employers:,} employers, {args.opportunities:,} opportunities, {pages:,} pages; median of {args.repeat} runs"
    )
    print(f"{'measurement':28} {'seconds':>9} {'peak MB':>8} {'vs Hugo':>8}")
    for name, r in results.items():
        ratio = (
            f"{r['seconds'] / hugo:.2f}x"
            if hugo and name in ("full build", "no-change rebuild", "one-file rebuild")
            else ""
        )
        print(f"{name:28} {r['seconds']:9.2f} {r['peak_mb']:8,} {ratio:>8}")
    (BENCH / "out").mkdir(exist_ok=True)
    report = {
        "employers": args.employers,
        "opportunities": args.opportunities,
        "pages": pages,
        "repeat": args.repeat,
        "results": results,
    }
    (BENCH / "out" / f"results-{size}.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
