"""The benchmark corpus: valid against the real schemas, deterministic, linked; and Hugo builds it."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from bench.generate import districts_by_region, generate
from bench.hugo import build, write_site
from stemx.load import parse

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 24)


def validators() -> dict[str, Draft202012Validator]:
    schemas = {p.name: json.loads(p.read_text()) for p in (ROOT / "schemas").glob("*.schema.json")}
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas.values())
    return {
        kind: Draft202012Validator(schemas[f"{name}.schema.json"], registry=registry, format_checker=FormatChecker())
        for kind, name in (("employers", "employer"), ("opportunities", "opportunity"))
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus") / "content"
    generate(out, 20, 80, seed=7, today=TODAY)
    return out


def test_every_file_is_valid_against_the_schemas(corpus: Path) -> None:
    checks = validators()
    for kind in ("employers", "opportunities"):
        files = sorted((corpus / kind).glob("*.yaml"))
        assert len(files) == {"employers": 20, "opportunities": 80}[kind]
        for path in files:
            # The project's strict loader (YAML 1.2 core: dates stay text) reads every file.
            data = parse(path.read_bytes()).data
            errors = [e.message for e in checks[kind].iter_errors(data)]
            assert errors == [], f"{path.name}: {errors}"
            assert data["id"] == path.stem


def test_same_seed_gives_byte_identical_files(corpus: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate(again, 20, 80, seed=7, today=TODAY)
    names = sorted(p.relative_to(corpus) for p in corpus.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for name in names:
        assert (corpus / name).read_bytes() == (again / name).read_bytes(), name
    other = tmp_path / "other"
    generate(other, 20, 80, seed=8, today=TODAY)
    assert (other / "opportunities" / "opportunity-0000000.yaml").read_bytes() != (
        corpus / "opportunities" / "opportunity-0000000.yaml"
    ).read_bytes()


def test_references_postcodes_and_mix_are_realistic(corpus: Path) -> None:
    employers = {p.stem for p in (corpus / "employers").glob("*.yaml")}
    with (ROOT / "data" / "uk-postcode-districts.csv").open(encoding="utf-8") as f:
        known = {row["district"] for row in csv.DictReader(f)}
    opportunities = [parse(p.read_bytes()).data for p in sorted((corpus / "opportunities").glob("*.yaml"))]
    places = [o["location"] for o in opportunities if "location" in o]
    places += [loc for p in (corpus / "employers").glob("*.yaml") for loc in parse(p.read_bytes()).data["locations"]]
    assert all(o["employer"] in employers for o in opportunities)
    assert all(place["postcode"].split()[0] in known for place in places)
    assert all(800 <= len(o["description"]) <= 2500 for o in opportunities)
    assert len({o["type"] for o in opportunities}) >= 5
    assert {o["format"] for o in opportunities} == {"in-person", "online", "hybrid"}
    assert {o["availability"]["kind"] for o in opportunities} == {"dates", "on-request"}
    assert any(len(o["subjects"]) > 1 for o in opportunities)
    assert any("## " in o["description"] for o in opportunities)


def test_every_region_has_districts() -> None:
    assert all(len(ds) >= 3 for ds in districts_by_region().values())


def test_refuses_to_overwrite_a_folder_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(SystemExit):
        generate(tmp_path, 1, 1, seed=1, today=TODAY)
    assert (tmp_path / "notes.txt").read_text() == "keep me"


def test_hugo_builds_the_same_pages(corpus: Path, tmp_path: Path) -> None:
    assert shutil.which("hugo"), "Hugo (Debian package hugo) is a declared dependency of the benchmark"
    assert "hugo v" in subprocess.run(["hugo", "version"], capture_output=True, text=True, check=True).stdout
    site = tmp_path / "hugo"
    write_site(corpus, site)
    build(site, site / "public")
    public = site / "public"
    assert len(list((public / "opportunities").glob("*/index.html"))) == 80
    assert len(list((public / "employers").glob("*/index.html"))) == 20
    for taxonomy in ("region", "type", "subject", "audience", "employer_region", "sector"):
        assert (public / taxonomy / "index.html").exists(), taxonomy
    # 80 opportunities, 20 to a page: the opportunities list has four pages.
    assert (public / "opportunities" / "page" / "4" / "index.html").exists()
    assert not (public / "opportunities" / "page" / "5").exists()
    page = (public / "opportunities" / "opportunity-0000000" / "index.html").read_text()
    assert "<h1>" in page and "<p>" in page
