#!/usr/bin/env python3
"""Write a synthetic register of a given size: deterministic for a seed, valid against the schemas.

    python bench/generate.py --employers 10000 --opportunities 40000 --out /tmp/corpus-10k

Text lengths and field mixes follow the sample content (descriptions of 800-2,500
characters, 1-4 subjects, a third on request, some closed, past or withdrawn), so the
build does realistic work. Files are written as they are generated: memory stays flat.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import time
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stemx.schemas import vocabularies  # noqa: E402

# Postcode areas (the letters of a district) by region. Districts are drawn from the
# project's own list (data/uk-postcode-districts.csv), so every postcode has a position.
AREAS = {
    "north-east": "NE SR DH TS DL", "north-west": "M L WA PR CA BB BL CH CW FY LA OL SK WN",
    "yorkshire-and-the-humber": "LS S HU BD DN HD HG HX WF YO", "east-midlands": "DE NG LE LN NN",
    "west-midlands": "B CV ST WV DY WS WR HR TF", "east-of-england": "CB NR IP CO CM SS PE LU AL SG",
    "london": "E EC N NW SE SW W WC", "south-east": "OX RG ME SO GU BN CT TN RH PO HP SL MK",
    "south-west": "BS PL EX BA TQ TR TA GL SN BH DT SP", "wales": "CF SA LL NP LD SY",
    "scotland": "EH G AB DD IV KY FK PA PH ML KA DG TD KW", "northern-ireland": "BT",
}  # fmt: skip
DISTRICTS_CSV = Path(__file__).resolve().parent.parent / "data" / "uk-postcode-districts.csv"


WORDS_FILE = Path(__file__).with_name("words.txt")


def _vocabulary(path: Path = WORDS_FILE) -> tuple[list[str], list[int]]:
    """Words and cumulative weights from words.txt, so text has a natural spread of common and rare
    words: search cost depends on it (a tiny vocabulary makes every word match every entry)."""
    words, cumulative, total = [], [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, count = line.split()
            total += int(count)
            words.append(word)
            cumulative.append(total)
    return words, cumulative


WORDS, CUMULATIVE = _vocabulary()
TOPICS = ["CNC machining", "wind turbines", "cyber security", "battery chemistry", "bioprocessing", "rail maintenance",
          "satellite imaging", "water testing", "composite materials", "robot programming", "data analysis",
          "structural design", "food science", "nuclear safety", "semiconductors", "3D printing", "tidal energy",
          "vaccine production", "network engineering", "precision agriculture", "bridge inspection",
          "electric vehicles", "machine learning", "clinical laboratories", "geospatial surveying"]  # fmt: skip
PREFIXES = ["Northfield", "Riverside", "Harbour", "Summit", "Blackwater", "Greenway", "Kestrel", "Ashby", "Lowther",
            "Meridian", "Pennine", "Solent", "Cairn", "Thameside", "Brackenridge", "Orchard", "Westmoor"]  # fmt: skip
SUFFIXES = ["Ltd", "plc", "Group", "Engineering", "Technologies", "Labs", "Systems", "Works", "Trust", "Partners"]
HEADINGS = ["What happens", "What you will take back", "Who it is for", "Before you come", "About us",
            "Our work with schools and colleges", "The day in outline", "Practical details"]  # fmt: skip
REQUIREMENTS = ["Photo ID", "A safety induction on arrival (30 minutes)", "Enhanced DBS check",
                "Closed-toe shoes", "A laptop with a current web browser", "Hi-vis vest (provided)"]  # fmt: skip
ACCESSIBILITY = ["Step-free access throughout.", "Hearing loop in the training room; step-free access.",
                 "Parts of the site are not step-free; tell us what you need and we will adjust the route.",
                 "Captions on all video calls; recordings shared afterwards."]  # fmt: skip
PHONES = ["0161 496 0{:03d}", "020 7946 0{:03d}", "0113 496 0{:03d}", "0117 496 0{:03d}"]
TIMES = [("09:00", "12:00"), ("09:30", "15:00"), ("10:00", "16:00"), ("13:00", "16:30"), ("16:00", "17:30")]
TYPE_WEIGHTS = {"site-visit": 6, "work-shadowing": 3, "cpd-session": 6, "teacher-placement": 2, "advice": 3,
                "internal-training": 2, "industry-talk": 4, "mentoring": 2}  # fmt: skip


def districts_by_region(csv_path: Path = DISTRICTS_CSV) -> dict[str, list[str]]:
    """Every district in the list whose area belongs to a region, sorted (deterministic)."""
    area_region = {area: region for region, areas in AREAS.items() for area in areas.split()}
    found: dict[str, list[str]] = {region: [] for region in AREAS}
    with csv_path.open(encoding="utf-8") as f:
        next(f)
        for line in f:
            district = line.split(",", 1)[0]
            area = re.match(r"[A-Z]+", district).group()  # type: ignore[union-attr]
            if area in area_region:
                found[area_region[area]].append(district)
    return {region: sorted(ds) for region, ds in found.items()}


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML 1.2 flow scalars)."""
    return json.dumps(text, ensure_ascii=False)


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choices(WORDS, cum_weights=CUMULATIVE, k=words))
    return text[0].upper() + text[1:] + "."


def rich_sentence(rng: random.Random) -> str:
    """A sentence with, now and then, bold, italics or a link, as employers write them."""
    words = rng.choices(WORDS, cum_weights=CUMULATIVE, k=rng.randint(8, 18))
    roll = rng.random()
    if roll < 0.12:
        i = rng.randrange(len(words))
        words[i] = f"**{words[i]}**"
    elif roll < 0.2:
        i = rng.randrange(len(words))
        words[i] = f"*{words[i]}*"
    elif roll < 0.26:
        i = rng.randrange(len(words) - 1)
        words[i : i + 2] = [f"[{words[i]} {words[i + 1]}](https://www.example.org/{words[i]})"]
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def description(rng: random.Random) -> str:
    """800-2,500 characters of Markdown: paragraphs, headings, bulleted and numbered lists."""
    target = rng.randint(800, 2500)
    parts: list[str] = []
    size = 0
    while size < target:
        roll = rng.random()
        if roll < 0.15 and parts:
            part = f"## {rng.choice(HEADINGS)}"
        elif roll < 0.32:
            part = "\n".join(f"- {sentence(rng, rng.randint(4, 9))}" for _ in range(rng.randint(2, 5)))
        elif roll < 0.4:
            part = "\n".join(f"{n}. {sentence(rng, rng.randint(4, 9))}" for n in range(1, rng.randint(3, 6)))
        else:
            part = " ".join(rich_sentence(rng) for _ in range(rng.randint(2, 4)))
        if size + len(part) > 2500:
            if size >= 800:
                break
            continue  # too long to fit: draw another part
        parts.append(part)
        size += len(part) + 2
    return "\n\n".join(parts)


def block(text: str) -> str:
    return "|\n" + "\n".join(f"  {line}" if line else "" for line in text.split("\n"))


def pick(rng: random.Random, codes: Sequence[str], low: int, high: int, first: str | None = None) -> list[str]:
    chosen = rng.sample(codes, rng.randint(low, high))
    if first and first not in chosen:
        chosen[0] = first
    return chosen


def flow(codes: list[str]) -> str:
    return "[" + ", ".join(codes) + "]"


def postcode(rng: random.Random, districts: list[str]) -> str:
    return f"{rng.choice(districts)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"


class Vocab:
    """The schema's codes, looked up once."""

    def __init__(self) -> None:
        v = vocabularies()
        self.region, self.sector, self.size = v.codes("region"), v.codes("sector"), v.codes("size")
        self.subject, self.audience = v.codes("subject"), v.codes("audience")
        types = v.codes("opportunity_type")
        self.types, self.type_weights = types, [TYPE_WEIGHTS.get(t, 1) for t in types]


def employer(
    rng: random.Random, i: int, today: date, vocab: Vocab, districts: dict[str, list[str]]
) -> tuple[str, str, list[str], str]:
    region = rng.choices(vocab.region, weights=[5, 9, 8, 7, 8, 8, 14, 12, 8, 5, 7, 3])[0]
    topic = rng.choice(TOPICS)
    eid = f"employer-{i:06d}"
    name = f"{rng.choice(PREFIXES)} {topic.title()} {rng.choice(SUFFIXES)} {i}"
    registered = today - timedelta(days=rng.randint(30, 900))
    reviewed = max(registered, today - timedelta(days=rng.randint(0, 420)))
    subjects = pick(rng, vocab.subject, 1, 6)
    lines = [
        "# Synthetic benchmark data: a fictional employer.",
        f"id: {eid}",
        f"name: {q(name)}",
    ]
    if rng.random() < 0.6:
        lines.append(f"org_id: GB-COH-{rng.randint(1, 99_999_999):08d}")
    lines += [
        f"summary: {q(f'We work on {topic} and open our sites and teams to teaching staff who want current industry examples.')}",
        f"description: {block(description(rng))}",
        f"website: https://www.example.org/{eid}",
        f"sector: {rng.choice(vocab.sector)}",
        f"size: {rng.choices(vocab.size, weights=[3, 4, 3, 2])[0]}",
        "locations:",
    ]
    for n in range(rng.choice([1, 1, 1, 2, 3])):
        where = region if n == 0 else rng.choice(vocab.region)
        lines += [
            f"  - name: {q(f'{name.rsplit(chr(32), 1)[0]}, site {n + 1}')}",
            *([f"    address: {q(f'{rng.randint(1, 200)} Works Road')}"] if rng.random() < 0.7 else []),
            f"    postcode: {postcode(rng, districts[where])}",
            f"    region: {where}",
        ]
    lines += [
        f"regions_served: {flow(pick(rng, vocab.region, 1, 4, first=region))}",
        f"subjects: {flow(subjects)}",
        "contact:",
        f"  team: {q(rng.choice(['Education team', 'Schools outreach team', 'Early careers team', 'STEM ambassadors']))}",
    ]
    roll = rng.random()
    if roll < 0.85:
        lines.append("  email: education@example.org")
    if roll > 0.6:
        lines.append(f"  url: https://www.example.org/{eid}/education")
    if rng.random() < 0.5:
        lines.append(f"  phone: {rng.choice(PHONES).format(rng.randint(0, 999))}")
    lines += [
        f"  publish: {'true' if rng.random() < 0.85 else 'false'}",
        f"registered: {registered.isoformat()}",
        f"reviewed: {reviewed.isoformat()}",
    ]
    return eid, region, subjects, "\n".join(lines) + "\n"


def opportunity(
    rng: random.Random, i: int, owner: tuple[str, str, list[str]], today: date, vocab: Vocab,
    districts: dict[str, list[str]],
) -> str:  # fmt: skip
    employer_id, region, employer_subjects = owner
    kind = rng.choices(vocab.types, weights=vocab.type_weights)[0]
    fmt = (
        "online"
        if kind == "advice" and rng.random() < 0.7
        else rng.choice(["in-person", "in-person", "online", "hybrid"])
    )
    topic = rng.choice(TOPICS)
    published = today - timedelta(days=rng.randint(1, 500))
    title = f"{topic.capitalize()}: {rng.choice(['a day with our engineers', 'a practical session', 'from lab to classroom', 'behind the scenes', 'ask the experts'])} ({i})"
    subjects = pick(rng, vocab.subject, 1, 4)
    if rng.random() < 0.7:  # most opportunities are in the employer's own subjects
        subjects = sorted(set(subjects[:-1]) | {rng.choice(employer_subjects)}, key=vocab.subject.index)
    lines = [
        "# Synthetic benchmark data: a fictional opportunity.",
        f"id: opportunity-{i:07d}",
        f"employer: {employer_id}",
        f"title: {q(title)}",
        f"summary: {q(f'Teachers see {topic} in practice and take back classroom-ready examples, data and contacts for their learners.')}",
        f"description: {block(description(rng))}",
        f"type: {kind}",
        f"audience: {flow(pick(rng, vocab.audience, 1, 3))}",
        f"subjects: {flow(subjects)}",
        f"format: {fmt}",
    ]
    if fmt != "online" and rng.random() < 0.97:  # a few leave the location out (a warning, not an error)
        where = region if rng.random() < 0.85 else rng.choice(vocab.region)
        lines += [
            "location:",
            f"  name: {q(f'Training centre {i % 997}')}",
            f"  postcode: {postcode(rng, districts[where])}",
            f"  region: {where}",
        ]
    closes = None
    if rng.random() < 0.33:
        lines += [
            "availability:",
            "  kind: on-request",
            f"  notes: {q(rng.choice(['Weekdays in term time.', 'Tuesdays and Thursdays, by arrangement.', 'Any weekday with two weeks notice.']))}",
        ]
    else:
        start = today + timedelta(days=rng.randint(-150, 330))  # some past, most ahead
        days = 4 if kind == "teacher-placement" else 0
        lines += ["availability:", "  kind: dates", "  dates:"]
        gap = rng.choice([7, 14, 28])
        for n in range(rng.choice([1, 1, 2, 3, 4, 6])):
            day = start + timedelta(days=gap * n)
            begin, finish = rng.choice(TIMES)
            lines += [f"    - start: {day.isoformat()}", f"      end: {(day + timedelta(days=days)).isoformat()}"]
            if rng.random() < 0.8:
                lines += [f'      start_time: "{begin}"', f'      end_time: "{finish}"']
        if rng.random() < 0.8:
            closes = start - timedelta(days=rng.randint(0, 21))
    lines.append(f"duration_hours: {rng.choice([1, 1.5, 2, 3, 3.5, 6, 7, 14, 35])}")
    if rng.random() < 0.8:
        lines.append(f"capacity: {rng.randint(2, 40)}")
    lines.append(f"cost: {0 if rng.random() < 0.85 else rng.choice([25, 40, 75.5, 120])}")
    if closes:
        lines.append(f"closes: {closes.isoformat()}")
    lines += [
        "how_to_apply:",
        f"  instructions: {q('Email us with your school or college, your subject and two preferred dates.')}",
    ]
    if rng.random() < 0.7:
        lines.append("  email: education@example.org")
    else:
        lines.append(f"  url: https://www.example.org/{employer_id}/apply/{i}")
    if rng.random() < 0.6:
        lines += ["requirements:", *(f"  - {q(r)}" for r in rng.sample(REQUIREMENTS, rng.randint(1, 3)))]
    if rng.random() < 0.7:
        lines.append(f"accessibility: {q(rng.choice(ACCESSIBILITY))}")
    roll = rng.random()
    if roll < 0.03:
        lines.append("status: withdrawn")
    elif roll < 0.13:
        lines.append("status: open")
    reviewed = max(published, today - timedelta(days=rng.randint(0, 420)))
    lines += [f"published: {published.isoformat()}", f"reviewed: {reviewed.isoformat()}"]
    return "\n".join(lines) + "\n"


MARKER = ".synthetic-corpus"


def generate(out: Path, employers: int, opportunities: int, seed: int, today: date) -> None:
    """Write out/employers/*.yaml and out/opportunities/*.yaml, one file at a time.

    Only the employers' ids, regions and subjects are kept (to link opportunities to them);
    the text is written as soon as it is made, so memory stays small at any size.
    """
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise SystemExit(f"{out} is not empty and was not written by this generator; choose another folder")
    shutil.rmtree(out, ignore_errors=True)
    (out / "employers").mkdir(parents=True)
    (out / "opportunities").mkdir(parents=True)
    (out / MARKER).write_text(f"employers={employers} opportunities={opportunities} seed={seed} today={today}\n")
    rng = random.Random(seed)
    vocab, districts = Vocab(), districts_by_region()
    owners: list[tuple[str, str, list[str]]] = []
    folder = str(out / "employers")
    for i in range(employers):
        eid, region, subjects, text = employer(rng, i, today, vocab, districts)
        with open(f"{folder}/{eid}.yaml", "w", encoding="utf-8") as f:
            f.write(text)
        owners.append((eid, region, subjects))
    folder = str(out / "opportunities")
    for i in range(opportunities):
        # A few employers offer many opportunities, many offer one or two, some none.
        if rng.random() < 0.2:
            owner = owners[min(int((rng.paretovariate(1.2) - 1) * 50), len(owners) - 1)]
        else:
            owner = owners[rng.randrange(len(owners))]
        with open(f"{folder}/opportunity-{i:07d}.yaml", "w", encoding="utf-8") as f:
            f.write(opportunity(rng, i, owner, today, vocab, districts))


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
