#!/usr/bin/env python3
"""Time the search stage alone on a content folder: records, the SQLite database, its pieces.

    python bench/search_index.py --content /tmp/corpus-10k

The register is loaded first (not timed); then the build's own search stage writes the
index into a temporary folder, or with --site into a site folder, with the site's static
files beside it, so `bench/search.py --site` can then measure it in Chromium (a search page
at national size without building every page). Reports seconds, milliseconds per record, the files and
bytes written, and how much the stage raised the process's peak memory (the register's
own memory is there before it starts, so that is subtracted).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stemx.config import BuildConfig  # noqa: E402
from stemx.content import load_register  # noqa: E402
from stemx.output import standalone  # noqa: E402
from stemx.search import write_search  # noqa: E402
from stemx.search.database import ORDERS  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--content", type=Path, required=True)
    p.add_argument("--today", type=date.fromisoformat, default=date(2026, 11, 24))
    p.add_argument("--site", type=Path, help="write the search page and index here (kept)")
    args = p.parse_args()
    started = time.perf_counter()
    register = load_register(args.content, args.today)
    records = len(register.employers) + len(register.opportunities)
    print(f"register: {records:,} records loaded in {time.perf_counter() - started:.1f} s, peak {peak_mb():,.0f} MB")
    before = peak_mb()
    with tempfile.TemporaryDirectory(prefix="stemx-bench-search-") as tmp:
        out = args.site or Path(tmp) / "site"
        out.mkdir(parents=True, exist_ok=True)
        config = BuildConfig(content_dir=args.content, out_dir=Path(tmp) / "published", today=args.today)
        started = time.perf_counter()
        writer = standalone(out, config, "search index")
        write_search(register, writer, config)
        files = writer.output.count("search index")
        seconds = time.perf_counter() - started
        index = next((out / "search").glob("index-*"))
        pieces = [p for order in ORDERS for p in (index / order).iterdir()]
        cards = list((index / "cards").iterdir())
        print(
            f"search stage: {seconds:.1f} s, {seconds / records * 1000:.3f} ms per record; {files:,} files; "
            f"databases {sum(p.stat().st_size for p in pieces) / 1e6:,.1f} MB in {len(pieces):,} pieces "
            f"({', '.join(f'{o} {sum(p.stat().st_size for p in (index / o).iterdir()) / 1e6:,.1f} MB' for o in ORDERS)}); "
            f"cards {sum(p.stat().st_size for p in cards) / 1e6:,.1f} MB in {len(cards):,} files; "
            f"peak memory +{peak_mb() - before:,.0f} MB (process {peak_mb():,.0f} MB)"
        )
        if args.site:
            shutil.copytree(config.static_dir, out / "static", dirs_exist_ok=True)


if __name__ == "__main__":
    main()
