"""Hostile content files that a folder in tests/cases cannot hold: symbolic links, and ids
that are Windows device names (a case folder holding con.yaml could not be checked out on
Windows, which is the point of the rule)."""

import contextlib
import io
import shutil
from pathlib import Path

import pytest

from stemx.cli import main
from tests.conftest import CASES

TODAY = "2026-11-24"
EMPLOYER = "harbourline-marine"
OPPORTUNITY = "harbourline-battery-lab-visit"


def _content(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(CASES / "valid" / "minimal" / "content", content)
    return content


def _run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main([*args, "--today", TODAY])
    return code, out.getvalue()


def _outside_entry(tmp_path: Path, content: Path) -> Path:
    """A file outside the content folder, shaped like an employer entry, with a secret in it."""
    secret = tmp_path / "secret" / "runner-notes.yaml"
    secret.parent.mkdir()
    text = (content / "employers" / f"{EMPLOYER}.yaml").read_text(encoding="utf-8")
    secret.write_text(
        text.replace(f"id: {EMPLOYER}", "id: leaked").replace("Harbourline Marine Engineering", "SECRET TOKEN 1234"),
        encoding="utf-8",
    )
    return secret


LINK = "is a symbolic link; entries must be ordinary files (links are not followed)"


def test_a_link_to_a_file_outside_the_content_folder_is_refused_by_validate(tmp_path: Path) -> None:
    content = _content(tmp_path)
    (content / "employers" / "leaked.yaml").symlink_to(_outside_entry(tmp_path, content))
    code, out = _run("validate", "--content", str(content))
    assert code == 1
    assert f"{content}/employers/leaked.yaml:1:1: {LINK}" in out
    assert "SECRET" not in out


def test_a_link_inside_the_content_folder_is_refused_too(tmp_path: Path) -> None:
    content = _content(tmp_path)
    target = content / "employers" / f"{EMPLOYER}.yaml"
    (content / "opportunities" / "copy.yaml").symlink_to(target)
    code, out = _run("validate", "--content", str(content))
    assert code == 1
    assert f"{content}/opportunities/copy.yaml:1:1: {LINK}" in out


def test_the_pull_request_check_refuses_a_changed_file_that_is_a_link(tmp_path: Path) -> None:
    """The check validates only the changed files, named on the command line."""
    content = _content(tmp_path)
    link = content / "employers" / "leaked.yaml"
    link.symlink_to(_outside_entry(tmp_path, content))
    code, out = _run("validate", "--content", str(content), str(link))
    assert code == 1
    assert f"leaked.yaml:1:1: {LINK}" in out
    assert "Traceback" not in out and "SECRET" not in out


def test_build_refuses_a_link_and_publishes_nothing_of_it(tmp_path: Path) -> None:
    content = _content(tmp_path)
    (content / "employers" / "leaked.yaml").symlink_to(_outside_entry(tmp_path, content))
    site = tmp_path / "site"
    code, out = _run("build", "--content", str(content), "--out", str(site), "--no-cache")
    assert code == 1
    assert LINK in out
    assert not site.exists()


def test_a_dangling_link_is_reported_as_a_link(tmp_path: Path) -> None:
    content = _content(tmp_path)
    (content / "employers" / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    code, out = _run("validate", "--content", str(content))
    assert code == 1
    assert f"{content}/employers/gone.yaml:1:1: {LINK}" in out


@pytest.mark.parametrize("device", ["con", "aux", "nul", "prn", "com1", "com9", "lpt1", "lpt9"])
def test_ids_that_are_windows_device_names_are_refused(tmp_path: Path, device: str) -> None:
    content = _content(tmp_path)
    source = content / "opportunities" / f"{OPPORTUNITY}.yaml"
    text = source.read_text(encoding="utf-8").replace(f"id: {OPPORTUNITY}", f"id: {device}")
    source.unlink()
    (content / "opportunities" / f"{device}.yaml").write_text(text, encoding="utf-8")
    code, out = _run("validate", "--content", str(content))
    assert code == 1
    message = (
        f"id: '{device}' is a name Windows keeps for a device, so it cannot be a file name there; "
        "choose a more specific id"
    )
    assert f"{content}/opportunities/{device}.yaml:2:5: {message}" in out


def test_a_device_name_inside_a_longer_id_is_fine(tmp_path: Path) -> None:
    content = _content(tmp_path)
    source = content / "opportunities" / f"{OPPORTUNITY}.yaml"
    text = source.read_text(encoding="utf-8").replace(f"id: {OPPORTUNITY}", "id: con-rod-workshop")
    source.unlink()
    (content / "opportunities" / "con-rod-workshop.yaml").write_text(text, encoding="utf-8")
    code, out = _run("validate", "--content", str(content))
    assert code == 0, out
