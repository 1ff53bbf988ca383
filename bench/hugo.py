#!/usr/bin/env python3
"""The same register as a Hugo site, for a like-for-like build time.

    python bench/hugo.py --content /tmp/bench-corpus-10k --site /tmp/bench-hugo-10k --build

Every employer and opportunity becomes a Markdown page with front matter; taxonomies give
the same browse pages (opportunities by region, type, subject and audience; employers by
region and sector), paginated 20 to a page as ours are. The layouts are minimal: this
measures Hugo's reading, rendering and writing of the same number of pages.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import time
from pathlib import Path

import yaml

CONFIG = """baseURL = "https://example.org/"
title = "Benchmark"
disableKinds = ["RSS"]
paginate = 20  # Debian's Hugo 0.111; newer releases call this [pagination] pagerSize
[taxonomies]
  region = "region"
  type = "type"
  subject = "subject"
  audience = "audience"
  employer_region = "employer_region"
  sector = "sector"
"""
LAYOUTS = {
    "_default/baseof.html": '<!doctype html><html lang=en><head><meta charset=utf-8><title>{{ .Title }}</title></head><body><main>{{ block "main" . }}{{ end }}</main></body></html>\n',
    "_default/single.html": '{{ define "main" }}<h1>{{ .Title }}</h1><p>{{ .Params.summary }}</p><dl>{{ range $k, $v := .Params.facts }}<dt>{{ $k }}</dt><dd>{{ $v }}</dd>{{ end }}</dl>{{ .Content }}{{ end }}\n',
    "_default/list.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range (.Paginate .Pages).Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.summary }}</li>{{ end }}</ul>{{ template "_internal/pagination.html" . }}{{ end }}\n',
    "_default/terms.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>{{ end }}\n',
}


def write_site(content: Path, out: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)
    (out / "content" / "opportunities").mkdir(parents=True)
    (out / "content" / "employers").mkdir(parents=True)
    (out / "hugo.toml").write_text(CONFIG)
    for name, text in LAYOUTS.items():
        (out / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (out / "layouts" / name).write_text(text)
    for kind in ("employers", "opportunities"):
        for path in sorted((content / kind).glob("*.yaml")):
            # libyaml's C loader: the corpus is already checked, and this is ten times faster.
            data = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
            front = {"title": data.get("title") or data["name"], "summary": data["summary"]}
            if kind == "opportunities":
                region = data.get("location", {}).get("region")
                front |= {
                    "region": [region] if region else [],
                    "type": [data["type"]],
                    "subject": data["subjects"],
                    "audience": data["audience"],
                }
                front["facts"] = {
                    k: json.dumps(data[k], default=str)
                    for k in ("format", "availability", "duration_hours", "cost")
                    if k in data
                }
            else:
                front |= {"employer_region": data["regions_served"], "sector": [data["sector"]]}
            text = (
                "---\n"
                + yaml.dump(front, Dumper=yaml.CSafeDumper, sort_keys=True, allow_unicode=True)
                + "---\n"
                + data["description"]
                + "\n"
            )
            (out / "content" / kind / f"{path.stem}.md").write_text(text, encoding="utf-8")


def build(site: Path, destination: Path) -> float:
    """Run `hugo --quiet` on the site into a fresh destination; wall seconds. Raises on failure."""
    shutil.rmtree(destination, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run(["hugo", "--quiet", "--destination", str(destination)], cwd=site, check=True)
    return time.perf_counter() - started


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--content", type=Path, required=True, help="a content folder (employers/, opportunities/)")
    p.add_argument("--site", type=Path, required=True, help="where to write the Hugo site")
    p.add_argument("--build", action="store_true", help="then run hugo --quiet and print the time")
    args = p.parse_args()
    started = time.perf_counter()
    write_site(args.content, args.site)
    print(f"wrote the Hugo site to {args.site} in {time.perf_counter() - started:.1f} s")
    if args.build:
        seconds = build(args.site, args.site / "public")
        pages = sum(1 for _ in (args.site / "public").rglob("*.html"))
        print(f"hugo built {pages:,} HTML files in {seconds:.2f} s")


if __name__ == "__main__":
    main()
