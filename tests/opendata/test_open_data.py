"""The open data as a researcher meets it: frictionless, csv, SQLite joins, privacy, safety."""

import csv
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from frictionless import Package

from stemx.opendata.csvfiles import csv_cell
from tests.conftest import ROOT, build_site


def rows(site: Path, table: str) -> list[dict[str, str]]:
    with (site / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def yaml_entries(folder: Path) -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in folder.glob("*.yaml")}


def test_frictionless_validates_the_package(built_site: Path) -> None:
    report = Package(str(built_site / "data" / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    # the command a researcher would run, too
    cli = Path(sys.executable).with_name("frictionless")
    result = subprocess.run(
        [str(cli), "validate", "datapackage.json"], cwd=built_site / "data", capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-2000:]


def test_csv_rows_and_keys_match_the_yaml(built_site: Path, sample_content: Path) -> None:
    employers = yaml_entries(sample_content / "employers")
    opportunities = yaml_entries(sample_content / "opportunities")
    assert {r["id"] for r in rows(built_site, "employers")} == set(employers)
    assert {r["id"] for r in rows(built_site, "opportunities")} == set(opportunities)
    subjects = {(r["opportunity_id"], r["subject"]) for r in rows(built_site, "opportunity_subjects")}
    assert subjects == {(k, s) for k, o in opportunities.items() for s in o["subjects"]}
    sessions = rows(built_site, "opportunity_sessions")
    assert len(sessions) == sum(len(o["availability"].get("dates", [])) for o in opportunities.values())
    locations = rows(built_site, "employer_locations")
    assert len(locations) == sum(len(e.get("locations", [])) for e in employers.values())
    audiences = {(r["opportunity_id"], r["audience"]) for r in rows(built_site, "opportunity_audiences")}
    assert audiences == {(k, a) for k, o in opportunities.items() for a in o["audience"]}
    requirements = [
        (r["opportunity_id"], r["requirement"].removeprefix("'")) for r in rows(built_site, "opportunity_requirements")
    ]
    assert requirements == [(k, q) for k, o in sorted(opportunities.items()) for q in o.get("requirements", [])]
    served = {(r["employer_id"], r["region"]) for r in rows(built_site, "employer_regions_served")}
    assert served == {(k, x) for k, e in employers.items() for x in e["regions_served"]}
    supported = {(r["employer_id"], r["subject"]) for r in rows(built_site, "employer_subjects")}
    assert supported == {(k, x) for k, e in employers.items() for x in e.get("subjects", [])}
    offers = {(r["employer_id"], r["opportunity_type"]) for r in rows(built_site, "employer_offers")}
    assert offers == {(k, x) for k, e in employers.items() for x in e.get("offers", [])} and offers
    by_employer = {r["id"]: r for r in rows(built_site, "employers")}
    for k, o in opportunities.items():  # every foreign key resolves
        assert o["employer"] in by_employer, k
    counts = {k: sum(o["employer"] == k for o in opportunities.values()) for k in employers}
    assert {k: int(r["opportunity_count"]) for k, r in by_employer.items()} == counts


def test_every_record_has_dates_and_status(built_site: Path) -> None:
    opps = {r["id"]: r for r in rows(built_site, "opportunities")}
    assert opps["ribble-spc-withdrawn"]["status"] == "withdrawn"
    assert opps["humber-net-zero-talk"]["status"] == "past"
    assert opps["fenland-bioinformatics-cpd"]["status"] == "closed"
    assert all(r["first_published"] and r["last_updated"] for r in opps.values())


def test_sqlite_has_the_same_tables_and_joins_work(built_site: Path) -> None:
    db = sqlite3.connect(built_site / "data" / "stem-exchange.sqlite")
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    n = db.execute("SELECT count(*) FROM opportunities").fetchone()[0]
    assert n == len(rows(built_site, "opportunities"))
    online_by_subject = db.execute(
        """SELECT s.label, count(*) FROM opportunities o
           JOIN opportunity_subjects os ON os.opportunity_id = o.id
           JOIN subjects s ON s.code = os.subject
           JOIN employers e ON e.id = o.employer_id
           WHERE o.format = 'online' AND o.status = 'open' GROUP BY s.label ORDER BY 2 DESC, 1"""
    ).fetchall()
    assert online_by_subject[0][1] >= 3
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "opportunities_employer_id" in indexes


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+44 117", "'+44 117"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("plain", "plain"),
        ("'quoted", "''quoted"),  # so that removing one leading apostrophe always undoes the rule
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        (None, ""),
        (True, "true"),
        (2.5, "2.5"),
        (3.0, "3"),
    ],
)
def test_csv_cells_are_spreadsheet_safe(value, cell) -> None:
    assert csv_cell(value) == cell


def test_the_rule_is_undone_by_removing_one_apostrophe() -> None:
    for value in ("=1+1", "'=1+1", "''", "'", "-", "- a list", "+44 117 496 0000", "@home", "plain", "it's"):
        cell = csv_cell(value)
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
        assert (cell[1:] if cell.startswith("'") else cell) == value


def test_hostile_values_are_neutralised_in_csv_and_exact_in_json(tmp_path: Path) -> None:
    site = build_site(ROOT / "tests" / "hostile" / "content", tmp_path / "site")
    for path in (site / "data").glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.reader(f):
                assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in row), (path.name, row)
    records = json.loads((site / "data" / "opportunities.json").read_text(encoding="utf-8"))
    assert records[0]["title"].startswith("=cmd|")
