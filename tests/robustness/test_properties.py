"""Property-based tests: any bytes, any mutation of a valid entry, gives a clean result.

"Clean" means: validation returns problems that name the file, a real line and column,
and a message, or accepts the entry and the model can be built from it; it never raises.
"""

from datetime import date
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stemx.content import EntryFile, check_file
from stemx.load import LoadError, parse
from tests.conftest import CASES

MINIMAL = CASES / "valid" / "minimal" / "content"
BASE = {
    "employer": yaml.safe_load((MINIMAL / "employers" / "harbourline-marine.yaml").read_text()),
    "opportunity": yaml.safe_load((MINIMAL / "opportunities" / "harbourline-battery-lab-visit.yaml").read_text()),
}
for entry in BASE.values():  # safe_load types dates; the files as written keep them as text
    for key in ("registered", "reviewed", "published", "closes"):
        if key in entry:
            entry[key] = str(entry[key])
    for session in entry.get("availability", {}).get("dates", []):
        session["start"], session["end"] = str(session["start"]), str(session["end"])

FIELDS = sorted(set(BASE["employer"]) | set(BASE["opportunity"]))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False),
    st.text(max_size=300),
    st.sampled_from(["no", "yes", "on", "2027-02-30", "1:30", "javascript:alert(1)", '=HYPERLINK("x")', "\u202e"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    kind = draw(st.sampled_from(["employer", "opportunity"]))
    entry = dict(BASE[kind])
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["set", "delete", "add"]))
        key = draw(st.sampled_from(sorted(entry) if action != "add" else FIELDS + ["unknown_field"]))
        if action == "delete":
            entry.pop(key, None)
        else:
            entry[key] = draw(values)
    return kind, entry


def check(tmp_path: Path, kind: str, raw: bytes) -> None:
    folder = tmp_path / ("employers" if kind == "employer" else "opportunities")
    folder.mkdir(exist_ok=True)
    name = f"{BASE[kind]['id']}.yaml"  # so that unmutated ids match the file name
    path = folder / name
    path.write_bytes(raw)
    # YAML, like most editors, also breaks lines at a lone \r, NEL and U+2028/9 (str.splitlines).
    lines = len(raw.decode("utf-8", "replace").splitlines()) + 1
    exists = "harbourline-marine".__eq__
    checked = check_file(EntryFile.at(kind, path, name), exists, date(2026, 11, 24))
    errors = [p for p in checked.problems if p.severity == "error"]
    assert (checked.entry is None) == bool(errors)
    for p in checked.problems:
        assert p.path == name and p.message
        assert 1 <= p.line <= lines + 1 and p.column >= 1


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(mutated())
def test_mutated_entries_are_accepted_or_explained(tmp_path: Path, case: tuple[str, dict[str, Any]]) -> None:
    kind, entry = case
    check(tmp_path, kind, yaml.safe_dump(entry, allow_unicode=True, sort_keys=False).encode("utf-8"))


@SETTINGS
@given(st.sampled_from(["employer", "opportunity"]), st.binary(max_size=2000))
def test_arbitrary_bytes_are_explained(tmp_path: Path, kind: str, raw: bytes) -> None:
    check(tmp_path, kind, raw)


@SETTINGS
@given(st.sampled_from(["employer", "opportunity"]), st.data())
def test_byte_level_corruption_of_a_valid_file_is_explained(tmp_path: Path, kind: str, data: st.DataObject) -> None:
    name = "harbourline-marine.yaml" if kind == "employer" else "harbourline-battery-lab-visit.yaml"
    raw = bytearray((MINIMAL / ("employers" if kind == "employer" else "opportunities") / name).read_bytes())
    for _ in range(data.draw(st.integers(1, 6))):
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i : i + 1] = data.draw(st.binary(min_size=0, max_size=3))
    check(tmp_path, kind, bytes(raw))


@SETTINGS
@given(st.text(max_size=500))
def test_parse_raises_only_load_errors(text: str) -> None:
    try:
        parse(text.encode("utf-8", "surrogatepass"))
    except LoadError as e:
        assert e.line >= 1 and e.column >= 1 and e.message
