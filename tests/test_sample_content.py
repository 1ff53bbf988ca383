"""The shipped sample content: valid, fictional, and covering every list value and state."""

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from stemx.content import load_register
from stemx.schemas import vocabularies
from tests.conftest import ROOT, TODAY

EXAMPLE_DOMAINS = ("example.org", "example.com")

# Ofcom's numbers reserved for drama: no real line can be reached by mistake.
DRAMA_PHONE = re.compile(
    r"^(01(1[3-8]|21|31|41|51|61) 496 0\d{3}|020 7946 0\d{3}|0191 498 0\d{3}"
    r"|028 9649 6\d{3}|029 2018 0\d{3}|01632 960 ?\d{3})$"
)

# Postcode area (the letters of the outward code) -> the regions its districts lie in,
# for the areas the sample uses. A new area must be added here, which makes the author
# check that the place's region is right.
AREA_REGIONS = {
    "B": {"west-midlands"},
    "BS": {"south-west"},
    "BT": {"northern-ireland"},
    "CB": {"east-of-england"},
    "CF": {"wales"},
    "CV": {"west-midlands"},
    "DD": {"scotland"},
    "DE": {"east-midlands"},
    "DN": {"yorkshire-and-the-humber", "east-midlands"},
    "E": {"london"},
    "EC": {"london"},
    "EH": {"scotland"},
    "EX": {"south-west"},
    "G": {"scotland"},
    "HU": {"yorkshire-and-the-humber"},
    "IP": {"east-of-england"},
    "L": {"north-west"},
    "LE": {"east-midlands"},
    "LL": {"wales"},
    "LS": {"yorkshire-and-the-humber"},
    "M": {"north-west"},
    "ME": {"south-east"},
    "MK": {"south-east"},
    "N": {"london"},
    "NE": {"north-east"},
    "NG": {"east-midlands"},
    "NR": {"east-of-england"},
    "OX": {"south-east"},
    "PR": {"north-west"},
    "RG": {"south-east"},
    "S": {"yorkshire-and-the-humber"},
    "SA": {"wales"},
    "SE": {"london"},
    "SO": {"south-east"},
    "SR": {"north-east"},
    "ST": {"west-midlands"},
    "TS": {"north-east"},
    "WA": {"north-west"},
    "AB": {"scotland"},
    "PL": {"south-west"},
    "BD": {"yorkshire-and-the-humber"},
}


class _Yaml12Loader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1 timestamps: dates stay strings, as the schema expects."""


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _entries(kind: str) -> dict[str, tuple[Path, dict]]:
    found = {}
    for path in sorted((ROOT / "content" / kind).glob("*.yaml")):
        found[path.stem] = (path, yaml.load(path.read_text(encoding="utf-8"), Loader=_Yaml12Loader))
    return found


EMPLOYERS = _entries("employers")
OPPORTUNITIES = _entries("opportunities")


def _validator(name: str) -> Draft202012Validator:
    schemas = {
        n: json.loads((ROOT / "schemas" / f"{n}.schema.json").read_text(encoding="utf-8"))
        for n in ("common", "employer", "opportunity")
    }
    registry = Registry().with_resources((schema["$id"], Resource.from_contents(schema)) for schema in schemas.values())
    return Draft202012Validator(schemas[name], registry=registry, format_checker=FormatChecker())


@pytest.mark.parametrize(("kind", "schema"), [("employers", "employer"), ("opportunities", "opportunity")])
def test_every_file_is_valid_against_its_schema(kind: str, schema: str) -> None:
    validator = _validator(schema)
    entries = EMPLOYERS if kind == "employers" else OPPORTUNITIES
    problems = [
        f"{path.name}: {'/'.join(map(str, e.absolute_path))}: {e.message}"
        for path, data in entries.values()
        for e in validator.iter_errors(data)
    ]
    problems += [f"{path.name}: id is {data['id']}" for stem, (path, data) in entries.items() if data["id"] != stem]
    assert not problems, "\n".join(problems)


def test_opportunities_name_real_employers_and_places_where_needed() -> None:
    for path, o in OPPORTUNITIES.values():
        assert o["employer"] in EMPLOYERS, path.name
        assert ("location" in o) == (o["format"] != "online"), path.name


def test_dates_are_consistent_and_recent() -> None:
    for path, e in EMPLOYERS.values():
        assert "2025-01-01" <= e["registered"] <= e["reviewed"] <= TODAY.isoformat(), path.name
        assert e["reviewed"] >= "2026-01-01", path.name
    for path, o in OPPORTUNITIES.values():
        registered = EMPLOYERS[o["employer"]][1]["registered"]
        assert registered <= o["published"] <= o["reviewed"], path.name
        assert "2026-01-01" <= o["reviewed"] <= TODAY.isoformat(), path.name
        availability = o["availability"]
        if availability["kind"] == "on-request":
            assert "notes" in availability and "closes" not in o, path.name
            continue
        dates = availability["dates"]
        assert all(d["start"] <= d["end"] for d in dates), path.name
        assert [d["start"] for d in dates] == sorted(d["start"] for d in dates), path.name
        if "closes" in o:
            assert o["closes"] <= max(d["end"] for d in dates), path.name
    years = Counter(e["registered"][:4] for _, e in EMPLOYERS.values())
    years += Counter(o["published"][:4] for _, o in OPPORTUNITIES.values())
    assert years["2025"] >= 10 and years["2026"] >= 10


def test_sample_content_is_valid_strictly_and_covers_everything(sample_content: Path) -> None:
    register = load_register(sample_content, TODAY, strict=True)
    v = vocabularies()
    opps = list(register.opportunities.values())
    assert len(register.employers) >= 20 and len(opps) >= 60
    seen_regions = {p.region for e in register.employers.values() for p in e.locations}
    assert seen_regions == set(v.codes("region"))
    served = {r for _, e in EMPLOYERS.values() for r in e["regions_served"]}
    assert served == set(v.codes("region"))
    assert {e.size for e in register.employers.values()} == set(v.codes("size")) | {None}  # None: not said yet
    assert any(e.offers and not e.locations for e in register.employers.values())  # a two-minute registration
    assert {o.type for o in opps} == set(v.codes("opportunity_type"))
    assert {a for o in opps for a in o.audience} == set(v.codes("audience"))
    assert {s for o in opps for s in o.subjects} == set(v.codes("subject"))
    assert {o.format for o in opps} == set(v.codes("format"))
    assert {o.on_request for o in opps} == {True, False}
    states = Counter(register.state(o) for o in opps)
    assert states["open"] >= 40 and states["closed"] >= 2 and states["past"] >= 3 and states["withdrawn"] >= 2
    assert sum(not register.opportunities_of(e) for e in register.employers) >= 4
    assert {False, True} == {e.contact.publish for e in register.employers.values()}


def test_every_postcode_district_exists_and_lies_in_its_region() -> None:
    with open(ROOT / "data" / "uk-postcode-districts.csv", newline="", encoding="utf-8") as f:
        districts = {row["district"] for row in csv.DictReader(f)}
    places = [(path, p) for path, e in EMPLOYERS.values() for p in e.get("locations", [])]
    places += [(path, o["location"]) for path, o in OPPORTUNITIES.values() if "location" in o]
    for path, place in places:
        district = place["postcode"].split()[0]
        assert district in districts, (path.name, place["postcode"])
        area = re.match(r"[A-Z]+", district).group()
        assert place["region"] in AREA_REGIONS[area], (path.name, place["postcode"], place["region"])


def test_sample_content_is_marked_fictional_and_uses_example_domains(sample_content: Path) -> None:
    for path in sorted(sample_content.glob("*/*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# Fictional sample data"), path
        for address in (w.rstrip(".,;") for w in text.split() if "@" in w):
            domain = address.rpartition("@")[2]
            assert domain in EXAMPLE_DOMAINS or domain.endswith(tuple("." + d for d in EXAMPLE_DOMAINS)), (
                path,
                address,
            )
    for path, e in EMPLOYERS.values():
        if "phone" in e["contact"]:
            assert DRAMA_PHONE.match(e["contact"]["phone"]), (path.name, e["contact"]["phone"])


def test_free_text_names_no_contact_details_and_summaries_add_to_titles() -> None:
    for path, o in OPPORTUNITIES.values():
        text = o["summary"] + "\n" + o["description"]
        assert "@" not in text and not re.search(r"\b0\d{2,4} ?\d{3} ?\d{3,4}\b", text), path.name
        assert o["summary"].lower().rstrip(".") != o["title"].lower(), path.name
