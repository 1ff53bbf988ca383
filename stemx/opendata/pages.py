"""Pages about the data: downloads and licence, the data dictionary, and statistics.

Charts are SVG drawn here at build time (no JavaScript), each with a text alternative
and its numbers in a table beside it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from ..config import BuildConfig
from ..model import Register
from ..schemas import vocabularies
from ..site.env import make_environment
from ..site.pages import Writer
from . import LICENCE, PACKAGE_NAME, version
from .tables import TABLES
from .tableschema import table_schema
from .writers import FORMULA_TRIGGERS


@dataclass(frozen=True, slots=True)
class Chart:
    id: str
    title: str
    rows: list[tuple[str, int]]
    unit: str

    @property
    def summary(self) -> str:
        top = max(self.rows, key=lambda r: r[1], default=("", 0))
        return f"{self.title}. Largest: {top[0]}, {top[1]} {self.unit}." if top[1] else f"{self.title}: none yet."

    def svg(self) -> Markup:
        """Horizontal bars, one per row, labelled; scaled to the largest value."""
        bar_h, gap, label_w, width = 22, 6, 300, 720
        height = len(self.rows) * (bar_h + gap) + gap
        biggest = max((v for _, v in self.rows), default=0) or 1
        parts = [
            f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{self.id}-t {self.id}-d" xmlns="http://www.w3.org/2000/svg">',
            f'<title id="{self.id}-t">{escape(self.title)}</title><desc id="{self.id}-d">{escape(self.summary)}</desc>',
        ]
        for i, (label, value) in enumerate(self.rows):
            y = gap + i * (bar_h + gap)
            w = round((width - label_w - 60) * value / biggest)
            parts.append(
                f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{escape(label)}</text>'
                f'<rect x="{label_w}" y="{y}" width="{max(w, 1) if value else 0}" height="{bar_h}"></rect>'
                f'<text x="{label_w + w + 6}" y="{y + 16}">{value}</text>'
            )
        parts.append("</svg>")
        return Markup("".join(parts))


def _count(vocabulary: str, values: Iterable[str]) -> list[tuple[str, int]]:
    counts = Counter(values)
    return [(t.label, counts.get(t.code, 0)) for t in vocabularies().terms(vocabulary)]


def _by_month(dates: Iterable[Any]) -> list[tuple[str, int]]:
    counts = Counter(f"{d:%Y-%m}" for d in dates)
    if not counts:
        return []
    first, last = min(counts), max(counts)
    months, (y, m) = [], map(int, first.split("-"))
    while f"{y:04d}-{m:02d}" <= last:
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return [(month, counts.get(month, 0)) for month in months]


def charts(register: Register) -> list[Chart]:
    opps = list(register.opportunities.values())
    open_ = [o for o in opps if register.state(o) == "open"]
    employers = list(register.employers.values())
    return [
        Chart(
            "opp-region",
            "Open opportunities by region",
            _count("region", filter(None, (register.region_of(o) for o in open_))),
            "opportunities",
        ),
        Chart(
            "opp-type",
            "Open opportunities by type",
            _count("opportunity_type", (o.type for o in open_)),
            "opportunities",
        ),
        Chart(
            "opp-subject",
            "Open opportunities by subject",
            _count("subject", (s for o in open_ for s in o.subjects)),
            "opportunities",
        ),
        Chart(
            "emp-region",
            "Employers by region served",
            _count("region", (r for e in employers for r in e.regions_served)),
            "employers",
        ),
        Chart("emp-sector", "Employers by sector", _count("sector", (e.sector for e in employers)), "employers"),
        Chart("emp-month", "Employers registered each month", _by_month(e.registered for e in employers), "employers"),
        Chart("opp-month", "Opportunities published each month", _by_month(o.published for o in opps), "opportunities"),
    ]


def dictionary() -> list[dict[str, Any]]:
    """Every table and column with type, meaning, allowed values (with labels) and required."""
    v = vocabularies()
    labels = {
        code: t.label
        for vocab in ("region", "sector", "subject", "opportunity_type", "audience", "format", "size", "status")
        for t in v.terms(vocab)
        for code in [t.code]
    }
    out = []
    for table in TABLES:
        schema = table_schema(table)
        fields = []
        for f in schema["fields"]:
            enum = f.get("constraints", {}).get("enum", [])
            fields.append(
                {
                    **f,
                    "allowed": [(code, labels.get(code, "")) for code in enum],
                    "required": f.get("constraints", {}).get("required", False),
                }
            )
        out.append(
            {
                "table": table,
                "fields": fields,
                "primary": schema.get("primaryKey", []),
                "foreign": schema.get("foreignKeys", []),
            }
        )
    return out


def dataset_metadata(register: Register, config: BuildConfig) -> dict[str, Any]:
    """schema.org Dataset (which Google Dataset Search and DCAT harvesters read)."""
    base = config.absolute_url("data/")
    return {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": base,
        "name": "STEM Exchange register",
        "description": "Employers registered to support people who teach STEM in the UK, and the development opportunities they offer (site visits, work shadowing, CPD, placements, advice, talks, mentoring).",
        "url": base,
        "version": version(config),
        "dateModified": config.today.isoformat(),
        "license": LICENCE["path"],
        "isAccessibleForFree": True,
        "keywords": ["STEM", "teachers", "CPD", "employers", "further education"],
        "spatialCoverage": {"@type": "Place", "name": "United Kingdom"},
        "creator": {"@type": "Organization", "name": "STEM Exchange"},
        "distribution": [
            {
                "@type": "DataDownload",
                "encodingFormat": "application/json",
                "contentUrl": base + "datapackage.json",
                "name": "Frictionless data package",
            },
            {
                "@type": "DataDownload",
                "encodingFormat": "text/csv",
                "contentUrl": base + "opportunities.csv",
                "name": "Opportunities (CSV)",
            },
            {
                "@type": "DataDownload",
                "encodingFormat": "text/csv",
                "contentUrl": base + "employers.csv",
                "name": "Employers (CSV)",
            },
            {
                "@type": "DataDownload",
                "encodingFormat": "application/vnd.sqlite3",
                "contentUrl": base + "stem-exchange.sqlite",
                "name": "SQLite database",
            },
        ],
    }


def write_data_pages(register: Register, out: Path, config: BuildConfig) -> int:
    env = make_environment(config)
    write = Writer(env, out, config)
    data_dir = out / "data"
    downloads = sorted(
        (p.relative_to(data_dir).as_posix(), p.stat().st_size) for p in data_dir.rglob("*") if p.is_file()
    )
    common = {
        "register": register,
        "package_version": version(config),
        "package_name": PACKAGE_NAME,
        "licence": LICENCE,
    }
    write.page(
        "data/",
        "data.html",
        downloads=downloads,
        tables=TABLES,
        structured=dataset_metadata(register, config),
        triggers=[t.replace("\t", "tab").replace("\r", "carriage return") for t in FORMULA_TRIGGERS],
        **common,
    )
    write.page("data/dictionary/", "dictionary.html", tables=dictionary(), **common)
    write.page("stats/", "stats.html", charts=charts(register), **common)
    return len(write.written)
