"""Numbers for the statistics page and their charts, drawn here as SVG at build time.

No JavaScript: each chart is an <svg role="img"> with a title and a text summary, and the
page shows the same numbers as a table. Colours are SVG presentation attributes, so the
charts read correctly with or without the site stylesheet (and need no inline style).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..model import Register
from ..schemas import vocabularies
from .tables import STATES

# Charts are drawn 400 units wide and shown at most 30rem wide, so that on a 390-pixel phone
# they are drawn at about their own size: text of 15 units reads at 13 to 15 pixels. Each bar
# has its label on the line above it, so long labels never shrink or overlap.
WIDTH, FONT, LABEL_H, BAR, GAP = 400, 15, 19, 12, 9
ROW = LABEL_H + BAR + GAP
COLUMN_AREA = 150  # height of a time chart's columns


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
    def over_time(self) -> bool:
        return self.heading == "Month"

    @property
    def summary(self) -> str:
        if not any(v for _, v in self.rows):
            return f"{self.title}: none yet."
        top = max(self.rows, key=lambda r: r[1])
        if self.over_time:
            first, last = self.rows[0][0], self.rows[-1][0]
            return (
                f"{self.title}, {len(self.rows)} months from {first} to {last}. Most: {top[0]}, {top[1]} {self.unit}."
            )
        return f"{self.title}, {len(self.rows)} bars. Largest: {top[0]}, {top[1]} {self.unit}."

    def _open(self, height: int) -> list[str]:
        return [
            f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{self.id}-t {self.id}-d"'
            f' xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="{FONT}" fill="#0b0c0c">',
            f'<title id="{self.id}-t">{escape(self.title)}</title><desc id="{self.id}-d">{escape(self.summary)}</desc>',
        ]

    def svg(self) -> Markup:
        return self._columns() if self.over_time else self._bars()

    def _bars(self) -> Markup:
        """Horizontal bars, one per row, each under its label and scaled to the largest value."""
        biggest = max((v for _, v in self.rows), default=0) or 1
        parts = self._open(len(self.rows) * ROW)
        for i, (label, value) in enumerate(self.rows):
            y = i * ROW
            w = round((WIDTH - 48) * value / biggest)
            parts.append(
                f'<text x="0" y="{y + FONT}">{escape(label)}</text>'
                f'<rect x="0" y="{y + LABEL_H}" width="{max(w, 1) if value else 0}" height="{BAR}" fill="#0b4a5c"></rect>'
                f'<text x="{w + 6}" y="{y + LABEL_H + BAR}">{value}</text>'
            )
        parts.append("</svg>")
        return Markup("".join(parts))

    def _columns(self) -> Markup:
        """A time chart: one column per month, January of each year marked under the axis."""
        biggest = max((v for _, v in self.rows), default=0) or 1
        axis = FONT + 4 + COLUMN_AREA
        step = (WIDTH - 8) / max(len(self.rows), 1)
        parts = self._open(axis + 2 * FONT + 6)
        parts.append(f'<text x="0" y="{FONT}">Most in a month: {biggest}</text>')
        januaries = [i for i, (month, _) in enumerate(self.rows) if month.endswith("-01")]
        if not januaries or januaries[0] > 3:  # the first year too, when there is room for it
            januaries.insert(0, 0)
        for i, (month, value) in enumerate(self.rows):
            h = round(COLUMN_AREA * value / biggest)
            x = round(4 + i * step, 1)
            if value:
                width = max(round(step * 0.7, 1), 1)
                parts.append(f'<rect x="{x}" y="{axis - h}" width="{width}" height="{h}" fill="#0b4a5c"></rect>')
            if i in januaries:  # the year under its first month
                parts.append(f'<text x="{x}" y="{axis + FONT + 4}">{month[:4]}</text>')
        parts.append(f'<rect x="0" y="{axis}" width="{WIDTH}" height="1" fill="#0b0c0c"></rect>')
        parts.append("</svg>")
        return Markup("".join(parts))


def count_by(vocabulary: str, counts: Counter[str]) -> list[tuple[str, int]]:
    """Counts for every term of a controlled list, in the list's order (zeros included)."""
    return [(t.label, counts.get(t.code, 0)) for t in vocabularies().terms(vocabulary)]


def by_month(counts: Counter[tuple[int, int]]) -> list[tuple[str, int]]:
    """Counts per calendar month (year, month), as YYYY-MM, with empty months between the first
    and last (counted as numbers: formatting 50,000 dates cost 0.15 s)."""
    if not counts:
        return []
    (y, m), last = min(counts), max(counts)
    months = []
    while (y, m) <= last:
        months.append((f"{y:04d}-{m:02d}", counts.get((y, m), 0)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def charts(register: Register) -> list[Chart]:
    # One pass over each kind, counting as it goes: a national register's entries are made
    # one at a time (entrystore.py), so none is kept.
    regions, sectors, subjects, registered = Counter[str](), Counter[str](), Counter[str](), Counter[tuple[int, int]]()
    sector_of: dict[str, str] = {}
    for e in register.employers.values():
        sector_of[e.id] = e.sector
        regions.update(e.regions_served)
        sectors[e.sector] += 1
        subjects.update(e.subjects)
        registered[e.registered.year, e.registered.month] += 1
    states, published = Counter[str](), Counter[tuple[int, int]]()
    where, types, open_subjects, open_sectors = Counter[str](), Counter[str](), Counter[str](), Counter[str]()
    offered: set[tuple[str, str]] = set()
    for o in register.opportunities.values():
        state = register.state(o)
        states[state] += 1
        published[o.published.year, o.published.month] += 1
        offered.add((o.employer, o.type))
        if state == "open":
            if (w := register.where_of(o)) is not None:
                where[w] += 1
            types[o.type] += 1
            open_subjects.update(o.subjects)
            open_sectors[sector_of.get(o.employer, "")] += 1
    OPPS, EMPS = "opportunities", "employers"
    return [
        Chart("opp-region", "Open opportunities by where they take place", count_by("where", where), OPPS, "Where"),
        Chart("opp-type", "Open opportunities by type", count_by("opportunity_type", types), OPPS),
        Chart("opp-subject", "Open opportunities by subject", count_by("subject", open_subjects), OPPS),
        Chart("opp-sector", "Open opportunities by employer sector", count_by("sector", open_sectors), OPPS),
        Chart("opp-status", "All opportunities by status", [(label.split(":")[0], states.get(code, 0)) for code, label in STATES], OPPS, "Status"),
        Chart("emp-region", "Employers by region served", count_by("region", regions), EMPS),
        Chart("emp-sector", "Employers by sector", count_by("sector", sectors), EMPS),
        Chart("emp-subject", "Employers by subject supported", count_by("subject", subjects), EMPS),
        Chart("emp-type", "Employers by type of opportunity offered", count_by("opportunity_type", Counter(t for _, t in offered)), EMPS),
        Chart("emp-month", "Employers registered each month", by_month(registered), EMPS, "Month"),
        Chart("opp-month", "Opportunities published each month", by_month(published), OPPS, "Month"),
    ]  # fmt: skip
