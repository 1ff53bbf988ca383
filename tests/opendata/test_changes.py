"""Versions a researcher can rely on: status, dates, record_hash and changes.csv."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from frictionless import Package

from stemx.config import BuildConfig
from stemx.pipeline import build
from tests.conftest import TODAY, build_site
from tests.opendata.helpers import csv_rows
from tests.opendata.test_pages import _status


@pytest.fixture
def content(tmp_path: Path, sample_content: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(sample_content, folder)
    return folder


def release(content: Path, out: Path, previous: Path | None = None, today: date = TODAY) -> Path:
    build(BuildConfig(content_dir=content, out_dir=out, today=today, previous_data=previous))
    return out / "data"


def changes(data: Path) -> set[tuple[str, str, str]]:
    return {(c["entity"], c["id"], c["change"]) for c in csv_rows(data, "changes")}


def test_status_as_of_the_build_date_and_dates_from_the_content(built_site: Path, sample_content: Path) -> None:
    import yaml

    rows = {r["id"]: r for r in csv_rows(built_site / "data", "opportunities")}
    for path in sorted((sample_content / "opportunities").glob("*.yaml")):
        source = yaml.safe_load(path.read_text(encoding="utf-8"))
        row = rows[source["id"]]
        assert row["status"] == _status(source), source["id"]
        assert row["first_published"] == str(source["published"])
        assert row["last_updated"] == str(source["reviewed"])
    assert {"withdrawn", "past", "closed", "open"} <= {r["status"] for r in rows.values()}


def test_added_changed_removed(tmp_path: Path, content: Path) -> None:
    first = release(content, tmp_path / "v1")
    (content / "opportunities" / "docklands-careers-talk.yaml").unlink()
    page = content / "opportunities" / "lagan-ai-careers-talk.yaml"
    page.write_text(page.read_text(encoding="utf-8").replace("candid talk", "frank talk"), encoding="utf-8")
    extra = content / "opportunities" / "trent-assessors-shadowing-2.yaml"
    text = (content / "opportunities" / "trent-assessors-shadowing.yaml").read_text(encoding="utf-8")
    extra.write_text(text.replace("id: trent-assessors-shadowing", "id: trent-assessors-shadowing-2"), encoding="utf-8")
    second = release(content, tmp_path / "v2", first)
    assert changes(second) == {
        ("opportunity", "docklands-careers-talk", "removed"),
        ("opportunity", "lagan-ai-careers-talk", "changed"),
        ("opportunity", "trent-assessors-shadowing-2", "added"),
    }
    package = json.loads((second / "datapackage.json").read_text(encoding="utf-8"))
    (resource,) = [r for r in package["resources"] if r["name"] == "changes"]
    assert resource["rows"] == 3 and "2026.11.24" in resource["title"]
    assert Package(str(second / "datapackage.json")).validate().valid


def test_a_change_only_in_a_link_table_is_a_change(tmp_path: Path, content: Path) -> None:
    first = release(content, tmp_path / "v1")
    import yaml

    employer = sorted((content / "employers").glob("*.yaml"))[0]
    data = yaml.safe_load(employer.read_text(encoding="utf-8"))
    # Another set of regions served: only employer_regions_served changes (and the YAML's layout,
    # which is not content).
    data["regions_served"] = ["wales"] if data["regions_served"] != ["wales"] else ["scotland"]
    employer.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    second = release(content, tmp_path / "v2", first)
    employer_id = employer.stem
    before = {r["id"]: r for r in csv_rows(first, "employers")}[employer_id]
    after = {r["id"]: r for r in csv_rows(second, "employers")}[employer_id]
    assert {k: v for k, v in before.items() if k != "record_hash"} == {
        k: v for k, v in after.items() if k != "record_hash"
    }
    assert changes(second) == {("employer", employer_id, "changed")}


def test_a_status_that_follows_from_the_date_is_not_a_change(tmp_path: Path, content: Path) -> None:
    first = release(content, tmp_path / "v1")
    later = release(content, tmp_path / "v2", first, today=date(2027, 12, 1))
    statuses = [
        (a["status"], b["status"])
        for a, b in zip(csv_rows(first, "opportunities"), csv_rows(later, "opportunities"), strict=True)
    ]
    assert any(a != b for a, b in statuses)  # time has moved on...
    assert changes(later) == set()  # ...but nothing was edited


def test_a_previous_release_without_record_hash(tmp_path: Path, content: Path) -> None:
    first = release(content, tmp_path / "v1")
    for name in ("employers.csv", "opportunities.csv"):  # as an older release would have it
        path = first / name
        with path.open(encoding="utf-8", newline="") as f:
            rows = [r[:-1] for r in csv.reader(f)]
        with path.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\r\n").writerows(rows)
    (content / "opportunities" / "docklands-careers-talk.yaml").unlink()
    assert changes(release(content, tmp_path / "v2", first)) == {("opportunity", "docklands-careers-talk", "removed")}


def test_the_same_content_gives_byte_identical_files(tmp_path: Path, content: Path) -> None:
    one, two = release(content, tmp_path / "a"), release(content, tmp_path / "b")
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    assert {"stem-exchange.xlsx", "stem-exchange.sqlite", "datapackage.json"} <= {p.name for p in files}
    for name in files:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_build_site_fixture_is_the_same_release(built_site: Path, tmp_path: Path, sample_content: Path) -> None:
    again = build_site(sample_content, tmp_path / "again")
    assert (again / "data" / "datapackage.json").read_bytes() == (built_site / "data" / "datapackage.json").read_bytes()


def test_the_previous_release_can_be_the_folder_being_replaced(tmp_path: Path, content: Path) -> None:
    """`build --out site --previous-data site/data`: the old release is read before the swap."""
    site = tmp_path / "site"
    release(content, site)
    (content / "opportunities" / "docklands-careers-talk.yaml").unlink()
    data = release(content, site, previous=site / "data")
    assert changes(data) == {("opportunity", "docklands-careers-talk", "removed")}
