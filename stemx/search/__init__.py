"""Search: one SQLite full-text database, read by the browser in pieces, and the search page.

The build writes, below search/:
- index-<digest>/<order>/<n>.bin: a database per sort order (see database.py) cut into
  PIECE-byte files. Any static host serves whole files, compressed or not; no Range
  requests are needed. The folder is named by a digest of what it holds, so a visitor in
  the middle of a session never mixes pieces of two builds; when no entry and no setting has
  changed, the published index is carried over without its records even being looked at;
- index-<digest>/cards/<n>.json: what each result shows, CARDS_PER_FILE to a file;
- sqlite-wasm-<version>/: SQLite's WebAssembly build from npm (see runtime.py);
- districts.json: postcode district positions, for "near me";
- places.json: towns and cities by name (GeoNames), so "near" understands "Leeds" too;
- index.html: the search page, whose script runs the queries in a Web Worker.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

from ..cache import cache_file
from ..config import BuildConfig
from ..model import Register
from ..output import Writer
from ..schemas import vocabularies
from .database import CARDS_PER_FILE, ORDERS, Staging
from .records import FILTERS, FIXED_OPTIONS, keyed, places, positions, token
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
    """The databases and cards under search/index-<digest of them>/; returns that name."""
    # With a manifest to reuse from, the records are kept in the cache folder between builds.
    state = cache_file(config.cache_dir, "search", config.out_dir, ".sqlite") if key and config.cache_dir else None
    with Staging(state, out.group_key(("records",), dated=False).hex()) as staging:
        staging.add(keyed(register, config))
        last = out.previous()
        old = out.output.published / "search" / last if last and staging.can_patch(last) else None
        staging.write(staging.folder, old)
        # The index is named by its bytes (the same records give other bytes written afresh or
        # patched, and a browser must never mix pieces of two), its cards by Staging.digest_cards
        # (a patched index's by the index it was patched from): the pieces are cut first, beside
        # where they go, the digest taken as they pass, then moved under that name, rather than
        # the databases read again for it (76 MB at 10,000 employers, ~3 GB at the national ceiling).
        digest = hashlib.blake2b(f"{PIECE} {CARDS_PER_FILE}\n".encode(), digest_size=16)
        cutting = out.output.target(f"search/.cutting-{os.getpid()}")
        for order in ORDERS:
            digest.update(f"{order}\n".encode())
            _cut(staging.folder / f"{order}.sqlite", cutting / order, old and old / order, digest.update)
        staging.digest_cards(digest.update, last if old else None)
        name = f"index-{digest.hexdigest()[:16]}"
        folder = out.folder(f"search/{name}/", key)
        for order in ORDERS:
            os.rename(cutting / order, folder / order)
        cutting.rmdir()
        staging.cards(folder / "cards", old and old / "cards")
        out.sealed(f"search/{name}/")
        staging.published(name)
    return name


def _cut(database: Path, into: Path, old: Path | None = None, seen: Callable[[bytes], object] | None = None) -> None:
    """The database as numbered pieces of PIECE bytes (the last one shorter), each passed to
    `seen` too. A piece the same as the published index's (`old`, patched from) is a link to
    it: a patch changes few of them, and a link costs a fraction of writing a file."""
    into.mkdir(parents=True)
    # Paths as strings: pathlib's parsing of 7,700 pieces' names took a tenth of a second.
    to, was = f"{into}/", (f"{old}/" if old is not None else None)
    with database.open("rb") as f:
        for n, piece in enumerate(iter(lambda: f.read(PIECE), b"")):
            if seen is not None:
                seen(piece)
            name = f"{n}.bin"
            if was and _same(was + name, piece):
                os.link(was + name, to + name)
                continue
            with open(to + name, "xb") as out:
                out.write(piece)


def _same(path: str, data: bytes) -> bool:
    try:
        with open(path, "rb", buffering=0) as f:
            return f.read(len(data) + 1) == data
    except OSError:
        return False
