"""Search: one SQLite full-text database, read by the browser in pieces, and the search page.

The build writes, below search/:
- index-<digest>/<order>/<n>.bin: a database per sort order (see database.py) cut into
  PIECE-byte files. Any static host serves whole files, compressed or not; no Range
  requests are needed. The
  folder is named by a digest of everything the index is made from, so a visitor in the
  middle of a session never mixes pieces of two builds; when no entry and no setting has
  changed, the published index is carried over without its records even being made;
- index-<digest>/cards/<n>.json: what each result shows, CARDS_PER_FILE to a file;
- sqlite-wasm-<version>/: SQLite's WebAssembly build from npm (see runtime.py);
- districts.json: postcode district positions, for "near me";
- places.json: towns and cities by name (GeoNames), so "near" understands "Leeds" too;
- index.html: the search page, whose script runs the queries in a Web Worker.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..config import BuildConfig
from ..errors import BuildError
from ..model import Register
from ..output import Writer
from ..schemas import vocabularies
from .database import CARDS_PER_FILE, ORDERS, Staging
from .records import FILTERS, FIXED_OPTIONS, Record, places, positions, records, token
from .runtime import write_runtime

PIECE = 16 * 1024  # bytes per database piece: a few SQLite pages, one request each


def _options() -> dict[str, list[tuple[str, str]]]:
    """Each filter's (token, label) choices, in the page's order."""
    v = vocabularies()
    return {
        name: [(token(name, code), label) for code, label in FIXED_OPTIONS[name]]
        if vocab is None
        else [(token(name, t.code), t.label) for t in v.terms(vocab)]
        for name, _, vocab in FILTERS
    }


def write_search(register: Register, out: Writer, config: BuildConfig) -> None:
    # The same entries (and settings, in every key) give the same index: the published one is
    # linked without even making the records.
    key = out.entries_key(register)
    name = out.carry(key)
    if name is None:
        name = out.remember(key, _write_index(register, out, config, key))
    runtime = write_runtime(out)
    districts = {d: [round(lat, 4), round(lon, 4)] for d, (lat, lon) in sorted(positions().items())}
    out.text("search/districts.json", json.dumps(districts, separators=(",", ":")))
    out.text("search/places.json", json.dumps(places(), separators=(",", ":"), ensure_ascii=False))
    index = out.output.find(f"search/{name}")
    manifest = {
        "dbs": {
            order: {
                "url": config.url(f"search/{name}/{order}/"),
                "size": sum(p.stat().st_size for p in (index / order).iterdir()),
            }
            for order in ORDERS
        },
        "piece": PIECE,
        "cards": config.url(f"search/{name}/cards/"),
        "cardsPerFile": CARDS_PER_FILE,
        "runtime": config.url(f"search/{runtime}/sqlite3.mjs"),
        "districts": config.url("search/districts.json"),
        "places": config.url("search/places.json"),
    }
    out.page("search/", "search.html", filters=FILTERS, options=_options(), manifest=manifest)


def _write_index(register: Register, out: Writer, config: BuildConfig, key: bytes | None) -> str:
    """The databases and cards under search/index-<digest of the records>/; returns that name."""
    with Staging() as staging:
        inputs = _Fingerprint()
        staging.add(inputs.watch(records(register, config)))
        if out.cancelled():
            raise BuildError("search indexing stopped: another stage failed")
        name = f"index-{inputs.hexdigest()[:16]}"
        folder = out.folder(f"search/{name}/", key)
        staging.write(staging.folder, folder / "cards")
        for order in ORDERS:
            _cut(staging.folder / f"{order}.sqlite", folder / order)
        out.sealed(f"search/{name}/")
    return name


def _cut(database: Path, into: Path) -> None:
    """The database as numbered pieces of PIECE bytes (the last one shorter)."""
    into.mkdir(parents=True)
    with database.open("rb") as f:
        for n, piece in enumerate(iter(lambda: f.read(PIECE), b"")):
            (into / f"{n}.bin").write_bytes(piece)


class _Fingerprint:
    """A digest of everything the index is made from: each record as it streams past, the
    code that lays the index out and the SQLite that writes it."""

    def __init__(self) -> None:
        self._digest = hashlib.sha256(f"{sqlite3.sqlite_version} {PIECE}\n".encode())
        for path in sorted(Path(__file__).parent.glob("*.py")):
            self._digest.update(path.read_bytes())

    def watch(self, stream: Iterable[Record]) -> Iterator[Record]:
        for record in stream:
            self._digest.update(repr(record).encode())
            yield record

    def hexdigest(self) -> str:
        return self._digest.hexdigest()
