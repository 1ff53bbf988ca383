"""Numbers for the statistics page and their charts, drawn here as SVG at build time.

No JavaScript: each chart is an <svg role="img"> with a title and a text summary, and the
page shows the same numbers as a table. Colours are SVG presentation attributes, so the
charts read correctly with or without the site stylesheet (and need no inline style).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

from ..model import Register
from ..schemas import vocabularies
from .tables import STATES

BAR, GAP, LABEL_W, WIDTH = 22, 6, 300, 720


@dataclass(frozen=True, slots=True)
class Chart:
    id: str
    title: str
    rows: list[tuple[str, int]]
    unit: str  # what is counted, plural: "opportunities"
    heading: str = "Category"  # first column of the numbers table

    @property
    def total(self) -> int:
        return sum(v for _, v in self.rows)

    @property
    def summary(self) -> str:
        if not any(v for _, v in self.rows):
            return f"{self.title}: none yet."
        top = max(self.rows, key=lambda r: r[1])
        return f"{self.title}, {len(self.rows)} bars. Largest: {top[0]}, {top[1]} {self.unit}."

    def svg(self) -> Markup:
        """Horizontal bars, one per row, labelled and scaled to the largest value."""
        height = len(self.rows) * (BAR + GAP) + GAP
        biggest = max((v for _, v in self.rows), default=0) or 1
        parts = [
            f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{self.id}-t {self.id}-d"'
            ' xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="14" fill="#0b0c0c">',
            f'<title id="{self.id}-t">{escape(self.title)}</title><desc id="{self.id}-d">{escape(self.summary)}</desc>',
        ]
        for i, (label, value) in enumerate(self.rows):
            y = GAP + i * (BAR + GAP)
            w = round((WIDTH - LABEL_W - 60) * value / biggest)
            parts.append(
                f'<text x="{LABEL_W - 8}" y="{y + 16}" text-anchor="end">{escape(label)}</text>'
                f'<rect x="{LABEL_W}" y="{y}" width="{max(w, 1) if value else 0}" height="{BAR}" fill="#0b4a5c"></rect>'
                f'<text x="{LABEL_W + w + 6}" y="{y + 16}">{value}</text>'
            )
        parts.append("</svg>")
        return Markup("".join(parts))


def count_by(vocabulary: str, values: Iterable[str]) -> list[tuple[str, int]]:
    """Counts for every term of a controlled list, in the list's order (zeros included)."""
    counts = Counter(values)
    return [(t.label, counts.get(t.code, 0)) for t in vocabularies().terms(vocabulary)]


def by_month(dates: Iterable[date]) -> list[tuple[str, int]]:
    """Counts per calendar month, YYYY-MM, with empty months between the first and last."""
    counts = Counter(f"{d:%Y-%m}" for d in dates)
    if not counts:
        return []
    (y, m), last = map(int, min(counts).split("-")), max(counts)
    months = []
    while f"{y:04d}-{m:02d}" <= last:
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return [(month, counts.get(month, 0)) for month in months]


def charts(register: Register) -> list[Chart]:
    opps = list(register.opportunities.values())
    open_ = [o for o in opps if register.state(o) == "open"]
    employers = list(register.employers.values())
    sector_of = {e.id: e.sector for e in employers}
    states = Counter(register.state(o) for o in opps)
    offered = {(o.employer, o.type) for o in opps}
    OPPS, EMPS = "opportunities", "employers"
    return [
        Chart("opp-region", "Open opportunities by region", count_by("region", filter(None, map(register.region_of, open_))), OPPS),
        Chart("opp-type", "Open opportunities by type", count_by("opportunity_type", (o.type for o in open_)), OPPS),
        Chart("opp-subject", "Open opportunities by subject", count_by("subject", (s for o in open_ for s in o.subjects)), OPPS),
        Chart("opp-sector", "Open opportunities by employer sector", count_by("sector", (sector_of.get(o.employer, "") for o in open_)), OPPS),
        Chart("opp-status", "All opportunities by status", [(label.split(":")[0], states.get(code, 0)) for code, label in STATES], OPPS, "Status"),
        Chart("emp-region", "Employers by region served", count_by("region", (r for e in employers for r in e.regions_served)), EMPS),
        Chart("emp-sector", "Employers by sector", count_by("sector", (e.sector for e in employers)), EMPS),
        Chart("emp-subject", "Employers by subject supported", count_by("subject", (s for e in employers for s in e.subjects)), EMPS),
        Chart("emp-type", "Employers by type of opportunity offered", count_by("opportunity_type", (t for _, t in offered)), EMPS),
        Chart("emp-month", "Employers registered each month", by_month(e.registered for e in employers), EMPS, "Month"),
        Chart("opp-month", "Opportunities published each month", by_month(o.published for o in opps), OPPS, "Month"),
    ]  # fmt: skip
