"""Search: a Pagefind index of compact records (not whole pages), the search page and its data.

Records are built from the register directly, so Pagefind never parses HTML: that keeps
indexing time and memory proportional to the text that matters. Filter values are the
labels from the schema's controlled lists, so counts read naturally in the page.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import threading
import zlib
from collections.abc import Iterator
from concurrent.futures import CancelledError, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..cache import carry_over, mark
from ..config import ROOT, BuildConfig
from ..errors import BuildError
from ..model import Employer, Opportunity, Register
from ..schemas import vocabularies
from ..site.env import make_environment, when_text
from ..site.pages import Writer
from .indexer import Indexer, pagefind_version

DISTRICTS = ROOT / "data" / "uk-postcode-districts.csv"
# Records per Pagefind process (at most; shards fill unevenly). Pagefind holds about 190 KB
# per record of 300 words while indexing (4,000 of them: 755 MB), so a national register is
# indexed in shards, each process under 1 GB; the search page queries every shard and
# merges what they find.
SHARD_SIZE = 4_000
# Pagefind processes indexing at once. Two keep both cores of a small machine busy once the
# pages are written (one process alone left a core idle for the last third of a full build),
# at the cost of two shards' memory at a time.
INDEXERS = max(1, min(2, os.cpu_count() or 1))
INDEX_CONFIG = {"force_language": "en"}
SHOW_OPEN, SHOW_NOT_OPEN, SHOW_EMPLOYERS = "Open opportunities", "Closed and past opportunities", "Employers"
# Filters offered on the search page, in order: (Pagefind filter name, label, controlled list).
FILTERS = (
    ("show", "Show", None),
    ("type", "Type", "opportunity_type"),
    ("region", "Region", "region"),
    ("subject", "Subject", "subject"),
    ("audience", "Audience", "audience"),
    ("format", "Format", "format"),
    ("availability", "Availability", None),
    ("sector", "Employer sector", "sector"),
)


@dataclass(frozen=True, slots=True)
class Record:
    url: str
    content: str
    meta: dict[str, str]
    filters: dict[str, list[str]]
    sort: dict[str, str]


def _positions() -> dict[str, tuple[float, float]]:
    with DISTRICTS.open(encoding="utf-8", newline="") as f:
        return {row["district"]: (float(row["latitude"]), float(row["longitude"])) for row in csv.DictReader(f)}


def opportunity_record(
    register: Register, o: Opportunity, config: BuildConfig, positions: dict[str, tuple[float, float]]
) -> Record:
    v = vocabularies()
    employer = register.employers[o.employer]
    state = register.state(o)
    place = o.location or (employer.locations[0] if o.format != "online" else None)
    region = register.region_of(o)
    meta = {
        "title": o.title,
        "employer": employer.name,
        "kind": "opportunity",
        "type": v.label("opportunity_type", o.type),
        "where": "Online" if place is None else place.name + (" or online" if o.format == "hybrid" else ""),
        "when": when_text(o, register.today),
        "hours": f"{o.duration_hours:g}",
        "state": state,
    }
    if place is not None and place.district in positions:
        lat, lon = positions[place.district]
        meta |= {"lat": f"{lat:.4f}", "lon": f"{lon:.4f}"}
    upcoming = o.next_session(register.today)
    subjects = [v.label("subject", s) for s in o.subjects]
    return Record(
        url=config.url(f"opportunities/{o.id}/"),
        content=" ".join([o.title, o.summary, str(o.description), employer.name, meta["type"], *subjects]),
        meta=meta,
        filters={
            "show": [SHOW_OPEN if state == "open" else SHOW_NOT_OPEN],
            "type": [meta["type"]],
            # An online opportunity is open to teachers in every region its employer serves.
            "region": [v.label("region", r) for r in ((region,) if region else employer.regions_served)],
            "subject": subjects,
            "audience": [v.label("audience", a) for a in o.audience],
            "format": [v.label("format", o.format)],
            "availability": ["On request" if o.on_request else "Fixed dates"],
            "sector": [v.label("sector", employer.sector)],
        },
        sort={
            "date": upcoming.start.isoformat() if upcoming else "9999-12-31",
            "closes": (o.closes or o.last_date).isoformat() if (o.closes or o.last_date) else "9999-12-31",
            "published": o.published.isoformat(),
        },
    )


def employer_record(
    register: Register, e: Employer, config: BuildConfig, positions: dict[str, tuple[float, float]]
) -> Record:
    v = vocabularies()
    meta = {
        "title": e.name,
        "employer": v.label("sector", e.sector),
        "kind": "employer",
        "type": "Employer",
        "where": e.locations[0].name,
        "when": f"{len(register.opportunities_of(e.id))} opportunities listed"
        if register.opportunities_of(e.id)
        else "Registered supporter",
        "hours": "",
        "state": "employer",
    }
    if e.locations[0].district in positions:
        lat, lon = positions[e.locations[0].district]
        meta |= {"lat": f"{lat:.4f}", "lon": f"{lon:.4f}"}
    subjects = [v.label("subject", s) for s in e.subjects]
    return Record(
        url=config.url(f"employers/{e.id}/"),
        content=" ".join([e.name, e.summary, str(e.description), meta["employer"], *subjects]),
        meta=meta,
        filters={
            "show": [SHOW_EMPLOYERS],
            "region": [v.label("region", r) for r in e.regions_served],
            "subject": subjects,
            "sector": [v.label("sector", e.sector)],
        },
        sort={"date": "9999-12-31", "closes": "9999-12-31", "published": e.registered.isoformat()},
    )


def record(
    register: Register, entry: Employer | Opportunity, config: BuildConfig, positions: dict[str, tuple[float, float]]
) -> Record:
    if isinstance(entry, Opportunity):
        return opportunity_record(register, entry, config, positions)
    return employer_record(register, entry, config, positions)


def records(register: Register, config: BuildConfig) -> Iterator[Record]:
    positions = _positions()
    for entry in (*register.opportunities.values(), *register.employers.values()):
        yield record(register, entry, config, positions)


def _shard_plan(register: Register, config: BuildConfig) -> list[list[Employer | Opportunity]]:
    """Entries per shard. A record's shard follows from its URL alone, so adding or changing one
    entry changes one shard, which is all a rebuild has to index again."""
    entries: list[Employer | Opportunity] = [*register.opportunities.values(), *register.employers.values()]
    count = max(1, math.ceil(len(entries) / SHARD_SIZE))
    plan: list[list[Employer | Opportunity]] = [[] for _ in range(count)]
    for entry in entries:
        kind = "opportunities" if isinstance(entry, Opportunity) else "employers"
        plan[zlib.crc32(config.url(f"{kind}/{entry.id}/").encode()) % count].append(entry)
    return plan


def _fingerprint(batch: list[Record]) -> str:
    digest = hashlib.sha256(f"pagefind {pagefind_version()} {INDEX_CONFIG}\n".encode())
    for r in batch:
        digest.update(json.dumps([r.url, r.content, r.meta, r.filters, r.sort], sort_keys=True).encode())
    return digest.hexdigest()


def _write_shards(register: Register, out: Path, config: BuildConfig, cancel: threading.Event | None) -> list[str]:
    """Index the records in shards; return the shards' folders (pagefind/, pagefind-2/, ...).

    Shards are indexed by INDEXERS Pagefind processes at once. A shard whose records are the
    same as in the published site is copied from it (hard links) rather than indexed again."""
    plan = _shard_plan(register, config)
    folders = ["pagefind/" if n == 0 else f"pagefind-{n + 1}/" for n in range(len(plan))]
    positions = _positions()
    failed = threading.Event()  # one shard failed: the others stop too

    def index(entries: list[Employer | Opportunity], folder: str) -> None:
        batch = [record(register, e, config, positions) for e in entries]
        fingerprint = _fingerprint(batch)
        if carry_over(config.out_dir / folder, out / folder, fingerprint):
            return
        try:
            with Indexer(INDEX_CONFIG) as indexer:
                for r in batch:
                    if failed.is_set() or (cancel is not None and cancel.is_set()):
                        raise _Stopped("search indexing stopped: another shard or stage failed")
                    # Sort keys travel in the meta too, so shards' sorted lists can be merged in order.
                    meta = r.meta | {f"sort_{k}": v for k, v in r.sort.items()}
                    indexer.add(r.url, r.content, meta, r.filters, r.sort)
                indexer.write(out / folder)
        except BaseException:
            failed.set()
            raise
        mark(out / folder, fingerprint)

    errors: list[BaseException] = []
    with ThreadPoolExecutor(max_workers=INDEXERS) as pool:
        jobs = [pool.submit(index, entries, folder) for entries, folder in zip(plan, folders, strict=True)]
        for job in jobs:
            try:
                job.result()
            except CancelledError:
                pass
            except BaseException as e:  # shards not started are dropped; running ones stop at their next record
                errors.append(e)
                failed.set()
                for other in jobs:
                    other.cancel()
    if errors:  # the shard that failed, not one that stopped because of it
        raise next((e for e in errors if not isinstance(e, _Stopped)), errors[0])
    return folders


class _Stopped(BuildError):
    """Indexing stopped because another shard or stage failed."""


def write_search(register: Register, out: Path, config: BuildConfig, cancel: threading.Event | None = None) -> int:
    folders = _write_shards(register, out, config, cancel)
    # Positions for "near me", fetched only when a teacher uses it.
    districts = {d: [round(lat, 4), round(lon, 4)] for d, (lat, lon) in sorted(_positions().items())}
    (out / "search").mkdir(parents=True, exist_ok=True)
    (out / "search" / "districts.json").write_text(json.dumps(districts, separators=(",", ":")), encoding="utf-8")
    v = vocabularies()
    options = {
        name: (
            [SHOW_OPEN, SHOW_NOT_OPEN, SHOW_EMPLOYERS]
            if name == "show"
            else ["Fixed dates", "On request"]
            if vocab is None
            else [t.label for t in v.terms(vocab)]
        )
        for name, _, vocab in FILTERS
    }
    write = Writer(make_environment(config), out, config)
    write.page("search/", "search.html", filters=FILTERS, options=options, register=register, indexes=folders)
    return len(write.written) + 1 + sum(1 for f in folders for p in (out / f).rglob("*") if p.is_file())
