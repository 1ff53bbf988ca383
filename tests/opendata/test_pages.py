"""The data page, the data dictionary and the statistics page."""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from pathlib import Path

from stemx.opendata.tables import TABLES
from stemx.schemas import vocabularies
from tests.conftest import TODAY
from tests.opendata.helpers import yaml_entries


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def json_ld(text: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    assert all("<" not in b for b in blocks)  # nothing can close the element early
    return [json.loads(b) for b in blocks]


def test_data_page_answers_meaning_licence_versions(built_site: Path) -> None:
    text = page(built_site, "data")
    for needed in (
        "Open Government Licence v3.0",
        "Please cite it as",
        "Version 2026.11.24",
        "record_hash",
        "first_published",
        "Spreadsheet safety",
        "leading apostrophe",
        "frictionless validate datapackage.json",
        "fictional sample data",
    ):
        assert needed in text, needed
    assert "<script>" not in text and "<script " not in text.replace('<script type="application/ld+json">', "")
    links = set(re.findall(r'href="/data/([^"#]+)"', text))
    for link in links:
        assert (built_site / "data" / link).exists(), link


def test_data_page_metadata_for_dataset_search(built_site: Path) -> None:
    dataset, dcat = json_ld(page(built_site, "data"))
    assert dataset["@type"] == "Dataset" and dataset["version"] == "2026.11.24"
    assert dataset["license"].startswith("https://www.nationalarchives.gov.uk/doc/open-government-licence/")
    assert dcat["@type"] == "dcat:Dataset"
    package = json.loads((built_site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["version"] == dataset["version"] == dcat["dcat:version"]
    assert package["created"] == f"{TODAY.isoformat()}T00:00:00Z"
    origin = "https://stem-exchange.example.org/data/"
    for download in dataset["distribution"]:
        assert (built_site / "data" / download["contentUrl"].removeprefix(origin)).is_file()
    for download in dcat["dcat:distribution"]:
        assert (built_site / "data" / download["dcat:downloadURL"]["@id"].removeprefix(origin)).is_file()


def test_dictionary_lists_every_column_with_allowed_values_and_examples(built_site: Path) -> None:
    text = page(built_site, "data/dictionary")
    for table in TABLES:
        assert f'id="{table.name}"' in text
        for column in table.columns:
            assert f'<tr id="{table.name}.{column.name}">' in text, (table.name, column.name)
    v = vocabularies()
    for term in v.terms("region"):
        assert f"<code>{term.code}</code>: {html.escape(term.label, quote=True)}" in text
    assert "<code>withdrawn</code>: Withdrawn: the employer has withdrawn it" in text
    examples = re.findall(
        r'<tr id="opportunities\.([a-z_]+)">.*?<td>(?:<code>([^<]*)</code>)?</td>\s*</tr>', text, re.S
    )
    assert len(examples) == len(next(t for t in TABLES if t.name == "opportunities").columns)
    assert all(example for _, example in examples), [name for name, example in examples if not example]


def _table(text: str, chart: str) -> dict[str, int]:
    section = text[text.index(f'<section id="{chart}"') :]
    section = section[: section.index("</section>")]
    return {html.unescape(k): int(v) for k, v in re.findall(r"<tr><td>(.*?)</td><td>(\d+)</td></tr>", section)}


def _status(o: dict) -> str:
    """Worked out here from the YAML, independently of the model."""
    if o.get("status") == "withdrawn":
        return "withdrawn"
    ends = [str(d["end"]) for d in o["availability"].get("dates", [])]
    if ends and max(ends) < TODAY.isoformat():
        return "past"
    if "closes" in o and str(o["closes"]) < TODAY.isoformat():
        return "closed"
    return "open"


def test_stats_numbers_match_the_content(built_site: Path, sample_content: Path) -> None:
    text = page(built_site, "stats")
    v = vocabularies()
    employers = yaml_entries(sample_content / "employers")
    sources = yaml_entries(sample_content / "opportunities")
    statuses = {k: _status(o) for k, o in sources.items()}
    open_ids = {k for k, s in statuses.items() if s == "open"}

    sectors = Counter(e["sector"] for e in employers.values())
    assert _table(text, "emp-sector") == {t.label: sectors[t.code] for t in v.terms("sector")}
    subjects = Counter(s for e in employers.values() for s in e.get("subjects", []))
    assert _table(text, "emp-subject") == {t.label: subjects[t.code] for t in v.terms("subject")}
    types = Counter(sources[k]["type"] for k in open_ids)
    assert _table(text, "opp-type") == {t.label: types[t.code] for t in v.terms("opportunity_type")}
    subjects = Counter(s for k in open_ids for s in sources[k]["subjects"])
    assert _table(text, "opp-subject") == {t.label: subjects[t.code] for t in v.terms("subject")}
    by_sector = Counter(employers[sources[k]["employer"]]["sector"] for k in open_ids)
    assert _table(text, "opp-sector") == {t.label: by_sector[t.code] for t in v.terms("sector")}
    statuses = Counter(statuses.values())
    assert _table(text, "opp-status") == {
        "Open": statuses["open"], "Closed": statuses["closed"], "Past": statuses["past"], "Withdrawn": statuses["withdrawn"],
    }  # fmt: skip
    offered = Counter(t for _, t in {(o["employer"], o["type"]) for o in sources.values()})
    assert _table(text, "emp-type") == {t.label: offered[t.code] for t in v.terms("opportunity_type")}
    served = Counter(r for e in employers.values() for r in e["regions_served"])
    assert _table(text, "emp-region") == {t.label: served[t.code] for t in v.terms("region")}
    months = Counter(str(o["published"])[:7] for o in sources.values())
    assert {k: n for k, n in _table(text, "opp-month").items() if n} == dict(months)
    assert sum(_table(text, "emp-month").values()) == len(employers)


def test_every_chart_is_accessible(built_site: Path) -> None:
    text = page(built_site, "stats")
    charts = re.findall(r'<svg class="chart"[^>]*role="img"[^>]*aria-labelledby="([^"]+)"', text)
    assert len(charts) == 11
    for labels in charts:
        for label in labels.split():
            assert f'id="{label}"' in text
    assert text.count('<caption class="visually-hidden">') == 11 == text.count('<details class="numbers">')
    assert "<script" not in text
