"""The shipped sample content: valid, fictional, and covering every list value and state."""

import csv
from collections import Counter
from pathlib import Path

from stemx.content import load_register
from stemx.schemas import vocabularies
from tests.conftest import ROOT, TODAY


def test_sample_content_is_valid_strictly_and_covers_everything(sample_content: Path) -> None:
    register = load_register(sample_content, TODAY, strict=True)
    v = vocabularies()
    opps = list(register.opportunities.values())
    assert len(register.employers) >= 20 and len(opps) >= 60
    seen_regions = {p.region for e in register.employers.values() for p in e.locations}
    assert seen_regions == set(v.codes("region"))
    assert {o.type for o in opps} == set(v.codes("opportunity_type"))
    assert {a for o in opps for a in o.audience} == set(v.codes("audience"))
    assert {o.format for o in opps} == set(v.codes("format"))
    assert {o.on_request for o in opps} == {True, False}
    states = Counter(register.state(o) for o in opps)
    assert states["open"] >= 40 and states["closed"] >= 2 and states["past"] >= 3 and states["withdrawn"] >= 2
    assert sum(not register.opportunities_of(e) for e in register.employers) >= 4
    assert {False, True} == {e.contact.publish for e in register.employers.values()}


def test_every_postcode_district_has_a_position(sample_content: Path) -> None:
    with open(ROOT / "data" / "uk-postcode-districts.csv", newline="") as f:
        districts = {row["district"] for row in csv.DictReader(f)}
    register = load_register(sample_content, TODAY)
    places = [p for e in register.employers.values() for p in e.locations]
    places += [o.location for o in register.opportunities.values() if o.location]
    assert {p.district for p in places} <= districts


def test_sample_content_is_marked_fictional_and_uses_example_domains(sample_content: Path) -> None:
    for path in sorted(sample_content.glob("*/*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# Fictional sample data"), path
        for address in (w for w in text.split() if "@" in w):
            assert address.rstrip(".,;").endswith(("@example.org", "@example.com")), (path, address)
