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
    assert len(locations) == sum(len(e["locations"]) for e in employers.values())


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


def test_contact_details_only_where_consented(built_site: Path, sample_content: Path) -> None:
    employers = yaml_entries(sample_content / "employers")
    hidden = {k: e["contact"] for k, e in employers.items() if not e["contact"]["publish"]}
    assert hidden
    published = {r["id"]: r for r in rows(built_site, "employers")}
    everything = "".join(
        (built_site / "data" / f).read_text(encoding="utf-8") for f in ("employers.csv", "employers.json")
    )
    db = sqlite3.connect(built_site / "data" / "stem-exchange.sqlite")
    dumped = "\n".join(db.iterdump())
    for employer_id, contact in hidden.items():
        assert published[employer_id]["contact_email"] == ""
        for value in (contact.get("email"), contact.get("phone")):
            if value:
                assert value not in everything and value not in dumped


def test_stats_numbers_match_the_content(built_site: Path, sample_content: Path) -> None:
    page = (built_site / "stats" / "index.html").read_text(encoding="utf-8")
    employers = yaml_entries(sample_content / "employers")
    space = sum(e["sector"] == "space" for e in employers.values())
    assert f"<tr><td>Space</td><td>{space}</td></tr>" in page
    opps = {r["id"]: r for r in rows(built_site, "opportunities")}
    visits = sum(r["type"] == "site-visit" and r["status"] == "open" for r in opps.values())
    assert f"<tr><td>Site visit</td><td>{visits}</td></tr>" in page
    assert page.count('role="img"') == 11


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


def test_data_files_are_byte_identical_across_builds(tmp_path: Path, built_site: Path) -> None:
    again = build_site(ROOT / "content", tmp_path / "again")
    for path in sorted((built_site / "data").rglob("*")):
        if path.is_file():
            assert path.read_bytes() == (again / "data" / path.relative_to(built_site / "data")).read_bytes(), path.name
