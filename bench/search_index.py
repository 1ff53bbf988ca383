#!/usr/bin/env python3
"""Measure Pagefind indexing of compact search records: wall time and the indexer's peak memory.

    python bench/search_index.py --records 50000
    python bench/search_index.py --records 150000 --out /tmp/pagefind-150k

Records have the shape stemx.search builds (title, summary, a 800-2,500 character
description, meta for the result card, eight filters and three sort keys), with made-up
employer and place names so the word list grows with the register as a real one would.
The Pagefind binary runs as a child process, so its peak resident memory is read from
the kernel's accounting of finished children (ru_maxrss), alongside this process's own.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import TOPICS, description, sentence  # noqa: E402
from stemx.schemas import vocabularies  # noqa: E402
from stemx.search.indexer import Indexer  # noqa: E402

SYLLABLES = "ab an ar ber bry cal car dun el en fen gar hal ing kel lan mor nor ock pen ry stan ton vel wick".split()  # noqa: SIM905 (reads better as a sentence)


def name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def record(rng: random.Random, i: int, labels: dict[str, list[str]]) -> dict:
    employer = f"{name(rng)} {rng.choice(['Engineering', 'Energy', 'Labs', 'Systems', 'Water', 'Rail'])}"
    title = f"{rng.choice(TOPICS).capitalize()} at {employer}"
    kind = rng.choice(labels["opportunity_type"])
    subjects = rng.sample(labels["subject"], rng.randint(1, 4))
    date = f"2027-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return {
        "url": f"/opportunities/{i:06d}-{name(rng).lower()}/",
        "content": " ".join([title, sentence(rng, 20), description(rng), employer, kind, *subjects]),
        "meta": {
            "title": title, "employer": employer, "kind": "opportunity", "type": kind,
            "where": f"{name(rng)} Works", "when": date, "hours": str(rng.randint(1, 30)), "state": "open",
            "lat": f"{rng.uniform(50, 58):.4f}", "lon": f"{rng.uniform(-5, 1):.4f}",
        },
        "filters": {
            "show": [rng.choice(["Open opportunities"] * 9 + ["Closed and past opportunities"])],
            "type": [kind],
            "region": [rng.choice(labels["region"])],
            "subject": subjects,
            "audience": rng.sample(labels["audience"], rng.randint(1, 3)),
            "format": [rng.choice(labels["format"])],
            "availability": [rng.choice(["Fixed dates", "On request"])],
            "sector": [rng.choice(labels["sector"])],
        },
        "sort": {"date": date, "closes": date, "published": "2026-10-01"},
    }  # fmt: skip


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--records", type=int, required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", type=Path, help="where to write the index (default: a temporary folder, removed)")
    p.add_argument(
        "--shard-size", type=int, default=0, help="index this many records per Pagefind process, one after another"
    )
    args = p.parse_args()
    v = vocabularies()
    labels = {
        n: [t.label for t in v.terms(n)]
        for n in ("opportunity_type", "subject", "region", "audience", "format", "sector")
    }
    rng = random.Random(args.seed)
    out = args.out or Path(tempfile.mkdtemp(prefix="pagefind-bench-"))
    started = time.perf_counter()
    size = args.shard_size or args.records
    adding = 0.0
    for shard, first in enumerate(range(0, args.records, size)):
        # A shard's process ends before the next starts, so peak memory is that of the largest shard.
        with Indexer({"force_language": "en"}) as index:
            mark = time.perf_counter()
            for i in range(first, min(first + size, args.records)):
                index.add(**record(rng, i, labels))
            adding += time.perf_counter() - mark
            index.write(out / f"pagefind-{shard}")
    done = time.perf_counter()
    added = started + adding
    files = [f for f in out.rglob("*") if f.is_file()]
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"records: {args.records}, shards of {size}")
    print(f"add records: {added - started:.1f} s, write files: {done - added:.1f} s, total: {done - started:.1f} s")
    print(f"peak RSS: pagefind {child:.0f} MiB, python {own:.0f} MiB")
    print(f"index: {len(files)} files, {sum(f.stat().st_size for f in files) / 2**20:.1f} MiB")
    if args.out is None:
        shutil.rmtree(out)


if __name__ == "__main__":
    main()
