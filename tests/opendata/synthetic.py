"""A large fictional register built straight from the model (no YAML), for scale runs.

python -m tests.opendata.synthetic 600000 /tmp/out   # writes /tmp/out/data and prints timings
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from stemx.model import Contact, Employer, HowToApply, Opportunity, Place, Register, Session
from stemx.schemas import vocabularies

TODAY = date(2026, 11, 24)
LOREM = (
    "Teachers spend time with our engineers, see the work done on site and take back examples, data and "
    "contacts for their lessons. "
)


def register(opportunities: int, per_employer: int = 4, seed: int = 1) -> Register:
    rng = random.Random(seed)
    v = vocabularies()
    regions, sectors, subjects = v.codes("region"), v.codes("sector"), v.codes("subject")
    types, audiences, sizes = v.codes("opportunity_type"), v.codes("audience"), v.codes("size")
    employers: dict[str, Employer] = {}
    for i in range(max(1, opportunities // per_employer)):
        region = rng.choice(regions)
        employers[f"employer-{i:06d}"] = Employer(
            id=f"employer-{i:06d}", name=f"Example Employer {i}", summary="A fictional employer for scale tests.",
            description=LOREM * 3, website=f"https://www.example.org/e{i}", sector=rng.choice(sectors),
            size=rng.choice(sizes), locations=(Place(f"Site {i}", "M15 4FN", region, "1 Example Road"),),
            regions_served=tuple(sorted({region, rng.choice(regions)})), subjects=tuple(rng.sample(subjects, 3)),
            contact=Contact("Education team", i % 3 != 0, "education@example.org", None, "0161 496 0000"),
            registered=TODAY - timedelta(days=rng.randrange(900)), reviewed=TODAY - timedelta(days=rng.randrange(90)),
            source=f"employers/employer-{i:06d}.yaml",
        )  # fmt: skip
    ids = list(employers)
    opps: dict[str, Opportunity] = {}
    for i in range(opportunities):
        start = TODAY + timedelta(days=rng.randrange(-200, 300))
        on_request = i % 4 == 0
        opps[f"opportunity-{i:07d}"] = Opportunity(
            id=f"opportunity-{i:07d}", employer=ids[i % len(ids)], title=f"Site visit number {i}",
            summary="A fictional opportunity for scale tests, with enough words.", description=LOREM * 6,
            type=rng.choice(types), audience=tuple(rng.sample(audiences, 2)), subjects=tuple(rng.sample(subjects, 3)),
            format="in-person", location=None, on_request=on_request,
            sessions=() if on_request else (Session(start, start, "09:30", "15:00"), Session(start + timedelta(days=7), start + timedelta(days=7))),
            availability_notes=None, duration_hours=5.5, capacity=12, cost=0.0,
            closes=None if on_request else start - timedelta(days=7),
            how_to_apply=HowToApply("Email us with your name and school.", "bookings@example.org"),
            requirements=("Photo ID",), accessibility=None, withdrawn=i % 50 == 0,
            published=TODAY - timedelta(days=rng.randrange(700)), reviewed=TODAY - timedelta(days=rng.randrange(60)),
            source=f"opportunities/opportunity-{i:07d}.yaml",
        )  # fmt: skip
    return Register(employers, opps, TODAY)


def main() -> None:
    import resource

    from stemx.config import BuildConfig
    from stemx.opendata import write_open_data
    from stemx.output import standalone

    n, out = int(sys.argv[1]), Path(sys.argv[2])
    started = time.perf_counter()
    reg = register(n)
    built = time.perf_counter()
    config = BuildConfig(out_dir=out, today=TODAY)
    writer = standalone(out, config, "open data")
    write_open_data(reg, writer, config)
    files = len(writer.paths)
    done = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{n} opportunities: register {built - started:.1f}s, open data {done - built:.1f}s, {files} files, peak RSS {peak:.0f} MB"
    )


if __name__ == "__main__":
    main()
