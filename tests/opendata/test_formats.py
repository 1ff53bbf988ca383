"""The same data in every format: XLSX via openpyxl, JSON records, SQLite, and frictionless
on registers of every shape (sample, minimal, hostile, empty)."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from frictionless import Package
from openpyxl import load_workbook

from stemx.config import BuildConfig
from stemx.model import Register
from stemx.opendata import write_open_data
from stemx.opendata.tables import TABLES
from stemx.output import standalone
from tests.conftest import ROOT, TODAY, build_site
from tests.opendata.helpers import csv_rows


def valid(data: Path) -> None:
    report = Package(str(data / "datapackage.json")).validate()
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(ROOT / "tests" / "hostile" / "content", tmp_path_factory.mktemp("hostile") / "site")


def test_workbook_has_every_table_with_exact_values(built_site: Path) -> None:
    data = built_site / "data"
    book = load_workbook(data / "stem-exchange.xlsx", read_only=True)
    assert book.sheetnames == ["about"] + [t.name for t in TABLES]
    for table in TABLES:
        sheet_rows = list(book[table.name].iter_rows(values_only=True))
        assert list(sheet_rows[0]) == [c.name for c in table.columns]
        assert len(sheet_rows) - 1 == len(csv_rows(data, table.name)), table.name
    opportunities = {r[0]: r for r in list(book["opportunities"].iter_rows(values_only=True))[1:]}
    header = [c.name for c in next(t for t in TABLES if t.name == "opportunities").columns]
    first = csv_rows(data, "opportunities")[0]
    cells = dict(zip(header, opportunities[first["id"]], strict=True))
    assert cells["title"] == first["title"]
    assert isinstance(cells["first_published"], datetime)
    assert cells["first_published"].date().isoformat() == first["first_published"]
    assert cells["cost_gbp"] == float(first["cost_gbp"])
    book.close()


def test_workbook_never_holds_a_formula(hostile_site: Path) -> None:
    book = load_workbook(hostile_site / "data" / "stem-exchange.xlsx")  # full mode: data types visible
    titles = [row[2].value for row in book["opportunities"].iter_rows(min_row=2)]
    assert titles == ["=cmd|' /C calc'!A0 <svg onload=alert('title')>"]  # exact, not escaped
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


def test_hostile_register_validates(hostile_site: Path) -> None:
    valid(hostile_site / "data")


def test_minimal_register_validates(tmp_path: Path, minimal_content: Path) -> None:
    valid(build_site(minimal_content, tmp_path / "site") / "data")


def test_empty_register_still_makes_a_valid_package(tmp_path: Path) -> None:
    config = BuildConfig(out_dir=tmp_path, today=TODAY)
    write_open_data(Register({}, {}, TODAY), standalone(tmp_path, config, "open data"), config)
    valid(tmp_path / "data")
    assert csv_rows(tmp_path / "data", "opportunities") == []
    assert json.loads((tmp_path / "data" / "opportunities.json").read_text(encoding="utf-8")) == []


def test_json_records_match_the_csv_with_json_types(built_site: Path) -> None:
    data = built_site / "data"
    for table in TABLES:
        records = json.loads((data / "json" / f"{table.name}.json").read_text(encoding="utf-8"))
        assert len(records) == len(csv_rows(data, table.name)), table.name
    opportunities = json.loads((data / "json" / "opportunities.json").read_text(encoding="utf-8"))
    assert all(isinstance(r["duration_hours"], int | float) and r["cost_gbp"] >= 0 for r in opportunities)
    assert any(r["capacity"] is None for r in opportunities) or all(
        isinstance(r["capacity"], int) for r in opportunities
    )
    employers = json.loads((data / "json" / "employers.json").read_text(encoding="utf-8"))
    assert all(isinstance(r["contact_published"], bool) for r in employers)


def test_nested_json_has_the_shape_of_the_yaml(built_site: Path, sample_content: Path) -> None:
    import yaml

    nested = {o["id"]: o for o in json.loads((built_site / "data" / "opportunities.json").read_text(encoding="utf-8"))}
    for path in sorted((sample_content / "opportunities").glob("*.yaml"))[:10]:
        source = yaml.safe_load(path.read_text(encoding="utf-8"))
        record = nested[source["id"]]
        assert record["subjects"] == source["subjects"]
        assert record["availability"]["kind"] == source["availability"]["kind"]
        assert set(source) - {"status"} <= set(record)


def test_sqlite_schema_declares_keys_and_foreign_keys(built_site: Path) -> None:
    db = sqlite3.connect(built_site / "data" / "stem-exchange.sqlite")
    db.execute("PRAGMA foreign_keys = ON")
    tables = {
        r[0]
        for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'")
    }
    # Besides the tables, only the full-text indexes and their own storage.
    fts = {t.name + "_fts" for t in TABLES if t.searchable}
    assert fts == {"employers_fts", "opportunities_fts"}
    assert {t for t in tables if not t.startswith(tuple(fts))} == {t.name for t in TABLES}
    fks = {(r[2], r[3], r[4]) for r in db.execute("PRAGMA foreign_key_list(opportunity_subjects)")}
    assert fks == {("opportunities", "opportunity_id", "id"), ("subjects", "subject", "code")}
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    with pytest.raises(sqlite3.IntegrityError):  # the keys are enforced, not just described
        db.execute("INSERT INTO opportunity_subjects VALUES ('no-such-opportunity', 'physics')")
    labelled = db.execute(
        """SELECT r.label, count(*) FROM opportunities o JOIN regions r ON r.code = o.region
           GROUP BY r.label ORDER BY 2 DESC, 1 LIMIT 1"""
    ).fetchone()
    assert labelled[1] > 0


def test_xlsx_is_skipped_when_too_large(tmp_path: Path, minimal_content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import stemx.opendata.xlsx as xlsx

    monkeypatch.setattr(xlsx, "MAX_CELLS", 10)
    site = build_site(minimal_content, tmp_path / "site")
    assert not (site / "data" / "stem-exchange.xlsx").exists()
    package = json.loads((site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert "stem-exchange.xlsx" not in {f["path"] for f in package["otherFiles"]}
    page = (site / "data" / "index.html").read_text(encoding="utf-8")
    assert "No XLSX workbook in this release" in page and "stem-exchange.xlsx" not in page
    valid(site / "data")


def test_csv_round_trips_to_the_exact_values(hostile_site: Path, built_site: Path) -> None:
    """Removing the one documented apostrophe from CSV text gives the exact JSON values."""
    for site in (hostile_site, built_site):
        data = site / "data"
        for table in TABLES:
            records = json.loads((data / "json" / f"{table.name}.json").read_text(encoding="utf-8"))
            for row, record in zip(csv_rows(data, table.name), records, strict=True):
                for name, value in record.items():
                    if isinstance(value, str):
                        cell = row[name]
                        assert (cell[1:] if cell.startswith("'") else cell) == value, (table.name, name)


def test_the_whole_package_in_one_zip_validates(built_site: Path) -> None:
    import zipfile

    bundle = built_site / "data" / "stem-exchange-data.zip"
    with zipfile.ZipFile(bundle) as z:
        names = set(z.namelist())
        assert {"datapackage.json", "README.md", "opportunities.csv", "schemas/opportunity.schema.json"} <= names
        assert z.read("opportunities.csv") == (built_site / "data" / "opportunities.csv").read_bytes()
    valid_zip = Package(str(bundle)).validate()
    assert valid_zip.valid, valid_zip.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    readme = (built_site / "data" / "README.md").read_text(encoding="utf-8")
    assert "Open Government Licence v3.0" in readme and "Version: 2026.11.24" in readme
