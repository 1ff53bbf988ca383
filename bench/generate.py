#!/usr/bin/env python3
"""Write a synthetic register of a given size: deterministic for a seed, valid against the schemas.

    python bench/generate.py --employers 10000 --opportunities 40000 --out /tmp/corpus-10k

Text lengths and field mixes follow the sample content (descriptions of 800-2,500
characters, 1-4 subjects, a third on request, some closed, past or withdrawn), so the
build does realistic work. Files are written as they are generated: memory stays flat.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stemx.schemas import vocabularies  # noqa: E402

# A few real postcode districts per region, so that "near me" has positions to work with.
DISTRICTS = {
    "north-east": ["NE1", "SR1", "TS2", "DH1"], "north-west": ["M1", "M15", "WA4", "PR1", "L1", "CA14"],
    "yorkshire-and-the-humber": ["LS1", "S1", "HU1", "BD1", "DN15"], "east-midlands": ["DE1", "NG1", "LE1", "LN1"],
    "west-midlands": ["B1", "CV1", "ST4", "WV1"], "east-of-england": ["CB1", "NR1", "IP1", "MK9"],
    "london": ["E14", "SE1", "N1", "W1"], "south-east": ["OX1", "RG1", "ME4", "SO14", "GU14"],
    "south-west": ["BS1", "PL1", "EX4", "BA1"], "wales": ["CF10", "SA1", "LL57"], "scotland": ["EH1", "G1", "AB10", "DD1", "IV2"],
    "northern-ireland": ["BT1", "BT3"],
}  # fmt: skip
WORDS = (  # noqa: SIM905 (a sentence reads better than a list)
    "teachers learners workshop engineers apprentices laboratory data sensors safety materials design testing "
    "production quality maintenance energy robots software network analysis measurement project careers skills "
    "practical classroom equipment process industry technicians training curriculum assessment innovation"
).split()
TOPICS = ["CNC machining", "wind turbines", "cyber security", "battery chemistry", "bioprocessing", "rail maintenance",
          "satellite imaging", "water testing", "composite materials", "robot programming", "data analysis",
          "structural design", "food science", "nuclear safety", "semiconductors", "3D printing"]  # fmt: skip


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def description(rng: random.Random) -> str:
    target = rng.randint(800, 2500)
    parts: list[str] = []
    while sum(len(p) for p in parts) < target:
        if rng.random() < 0.25:
            parts.append("\n".join(f"- {sentence(rng, rng.randint(4, 9))}" for _ in range(rng.randint(2, 5))))
        else:
            parts.append(" ".join(sentence(rng, rng.randint(8, 18)) for _ in range(rng.randint(2, 4))))
    return "\n\n".join(parts)


def block(text: str) -> str:
    return "|\n" + "\n".join(f"  {line}" if line else "" for line in text.split("\n"))


def pick(rng: random.Random, codes: tuple[str, ...], low: int, high: int) -> str:
    return "[" + ", ".join(rng.sample(codes, rng.randint(low, high))) + "]"


def employer(rng: random.Random, i: int, today: date) -> tuple[str, str, str]:
    v = vocabularies()
    region = rng.choice(v.codes("region"))
    district = rng.choice(DISTRICTS[region])
    topic = rng.choice(TOPICS)
    eid = f"employer-{i:06d}"
    registered = today - timedelta(days=rng.randint(30, 700))
    reviewed = today - timedelta(days=rng.randint(0, 300))
    text = f"""# Synthetic benchmark data.
id: {eid}
name: Synthetic {topic.title()} Company {i}
summary: A synthetic employer working on {topic} that supports teachers with visits and training.
description: {block(description(rng))}
website: https://www.example.org/{eid}
sector: {rng.choice(v.codes("sector"))}
size: {rng.choice(v.codes("size"))}
locations:
  - name: Site {i}
    postcode: {district} {rng.randint(1, 9)}AA
    region: {region}
regions_served: {pick(rng, v.codes("region"), 1, 3)}
subjects: {pick(rng, v.codes("subject"), 1, 4)}
contact:
  team: Education team
  email: education@example.org
  publish: {"true" if rng.random() < 0.8 else "false"}
registered: {registered.isoformat()}
reviewed: {max(reviewed, registered).isoformat()}
"""
    return eid, region, text


def opportunity(rng: random.Random, i: int, employer_id: str, region: str, today: date) -> str:
    v = vocabularies()
    fmt = rng.choice(["in-person", "in-person", "online", "hybrid"])
    topic = rng.choice(TOPICS)
    published = today - timedelta(days=rng.randint(1, 400))
    lines = [
        "# Synthetic benchmark data.",
        f"id: opportunity-{i:07d}",
        f"employer: {employer_id}",
        f"title: {topic.capitalize()} for teachers, session {i}",
        f"summary: Teachers see {topic} in practice and take back classroom-ready examples and data.",
        f"description: {block(description(rng))}",
        f"type: {rng.choice(v.codes('opportunity_type'))}",
        f"audience: {pick(rng, v.codes('audience'), 1, 3)}",
        f"subjects: {pick(rng, v.codes('subject'), 1, 4)}",
        f"format: {fmt}",
    ]
    if fmt != "online":
        lines += [
            "location:",
            f"  name: Site for opportunity {i}",
            f"  postcode: {rng.choice(DISTRICTS[region])} {rng.randint(1, 9)}AB",
            f"  region: {region}",
        ]
    closes = None
    if rng.random() < 0.33:
        lines += ["availability:", "  kind: on-request", "  notes: Weekdays in term time."]
    else:
        start = today + timedelta(days=rng.randint(-120, 300))  # some past, most ahead
        lines += ["availability:", "  kind: dates", "  dates:"]
        for n in range(rng.randint(1, 3)):
            day = start + timedelta(days=14 * n)
            lines += [
                f"    - start: {day.isoformat()}",
                f"      end: {day.isoformat()}",
                '      start_time: "09:30"',
                '      end_time: "15:00"',
            ]
        closes = start - timedelta(days=rng.randint(0, 20))
    lines += [
        f"duration_hours: {rng.choice([1, 1.5, 2, 3, 3.5, 6, 7, 35])}",
        f"capacity: {rng.randint(2, 40)}",
        "cost: 0",
    ]
    if closes:
        lines.append(f"closes: {closes.isoformat()}")
    lines += [
        "how_to_apply:",
        "  instructions: Email us with your school or college and a preferred date.",
        "  email: education@example.org",
    ]
    lines += ["requirements:", "  - Photo ID", "accessibility: Step-free access throughout."]
    if rng.random() < 0.02:
        lines.append("status: withdrawn")
    reviewed = max(published, today - timedelta(days=rng.randint(0, 300)))
    lines += [f"published: {published.isoformat()}", f"reviewed: {reviewed.isoformat()}"]
    return "\n".join(lines) + "\n"


def generate(out: Path, employers: int, opportunities: int, seed: int, today: date) -> None:
    rng = random.Random(seed)
    shutil.rmtree(out, ignore_errors=True)
    (out / "employers").mkdir(parents=True)
    (out / "opportunities").mkdir(parents=True)
    owners: list[tuple[str, str]] = []
    for i in range(employers):
        eid, region, text = employer(rng, i, today)
        (out / "employers" / f"{eid}.yaml").write_text(text, encoding="utf-8")
        owners.append((eid, region))
    for i in range(opportunities):
        eid, region = owners[rng.randrange(len(owners))]
        (out / "opportunities" / f"opportunity-{i:07d}.yaml").write_text(
            opportunity(rng, i, eid, region, today), encoding="utf-8"
        )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--employers", type=int, default=1000)
    p.add_argument("--opportunities", type=int, default=4000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--today", type=date.fromisoformat, default=date(2026, 11, 24))
    p.add_argument("--out", type=Path, required=True)
    args = p.parse_args()
    started = time.perf_counter()
    generate(args.out, args.employers, args.opportunities, args.seed, args.today)
    files = args.employers + args.opportunities
    seconds = time.perf_counter() - started
    print(f"wrote {files:,} files to {args.out} in {seconds:.1f} s ({files / seconds:,.0f} files/s)")


if __name__ == "__main__":
    main()
