"""Contact details reach the open data only where the employer agreed to publish them."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import build_site
from tests.opendata.helpers import csv_rows, every_text, yaml_entries

WITHHELD = {
    "team": "Withheld Liaison Desk",
    "email": "withheld-liaison@example.org",
    "url": "https://www.example.org/withheld-liaison",
    "phone": "0117 496 0999",
}


def _content(tmp_path: Path, minimal_content: Path, publish: bool) -> Path:
    content = tmp_path / "content"
    shutil.copytree(minimal_content, content)
    employer = next((content / "employers").glob("*.yaml"))
    text = employer.read_text(encoding="utf-8")
    start = text.index("contact:")
    end = text.index("registered:")
    block = (
        "contact:\n" + "".join(f"  {k}: {v}\n" for k, v in WITHHELD.items()) + f"  publish: {str(publish).lower()}\n"
    )
    employer.write_text(text[:start] + block + text[end:], encoding="utf-8")
    return content


def test_withheld_contact_details_are_nowhere_in_the_data(tmp_path: Path, minimal_content: Path) -> None:
    site = build_site(_content(tmp_path, minimal_content, publish=False), tmp_path / "site")
    everything = every_text(site / "data")
    for value in WITHHELD.values():
        assert value not in everything
    (row,) = csv_rows(site / "data", "employers")
    assert row["contact_published"] == "false"
    assert row["contact_team"] == row["contact_email"] == row["contact_url"] == row["contact_phone"] == ""


def test_published_contact_details_are_in_the_data(tmp_path: Path, minimal_content: Path) -> None:
    # The same check with consent: proves the test above looks in the right places.
    site = build_site(_content(tmp_path, minimal_content, publish=True), tmp_path / "site")
    everything = every_text(site / "data")
    for value in WITHHELD.values():
        assert value in everything
    (row,) = csv_rows(site / "data", "employers")
    assert row["contact_email"] == WITHHELD["email"]


def test_sample_employers_that_withhold_contacts(built_site: Path, sample_content: Path) -> None:
    employers = yaml_entries(sample_content / "employers")
    hidden = {k for k, e in employers.items() if not e["contact"]["publish"]}
    assert hidden
    rows = {r["id"]: r for r in csv_rows(built_site / "data", "employers")}
    for employer_id in hidden:
        assert rows[employer_id]["contact_email"] == rows[employer_id]["contact_phone"] == ""
