"""The submission workflow's own script, run by bash with a hostile issue body in its environment."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import CASES, ROOT

BODIES = Path(__file__).parent / "bodies"
WORKFLOW = yaml.safe_load((ROOT / ".github" / "workflows" / "submission.yml").read_text(encoding="utf-8"))


def step(name: str) -> dict:
    return next(s for s in WORKFLOW["jobs"]["submit"]["steps"] if s.get("name") == name)


def run_read_step(tmp_path: Path, body: str, is_employer: bool) -> tuple[dict[str, str], str, Path]:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "build.py", project)
    for folder in ("stemx", "schemas"):
        shutil.copytree(ROOT / folder, project / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(CASES / "valid" / "minimal" / "content", project / "content")
    (project / ".venv").symlink_to(Path(sys.executable).parent.parent)  # the workflow's `make install`
    runner_temp = tmp_path / "runner"
    runner_temp.mkdir()
    output = runner_temp / "output"
    read = step("Read the form and check the entry")
    env = os.environ | {
        "BODY": body,
        "IS_EMPLOYER": "true" if is_employer else "false",
        "RUNNER_TEMP": str(runner_temp),
        "GITHUB_OUTPUT": str(output),
        "SOURCE_DATE_EPOCH": "1795478400",
    }
    subprocess.run(["bash", "-e", "-c", read["run"]], cwd=project, env=env, check=True, timeout=120)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return outputs, (runner_temp / "result.txt").read_text(), project


def test_the_body_reaches_the_script_only_as_data(tmp_path: Path) -> None:
    assert step("Read the form and check the entry")["env"]["BODY"] == "${{ github.event.issue.body }}"
    assert "BODY" not in step("Read the form and check the entry")["run"].replace("--body-env BODY", "")
    body = (
        (BODIES / "employer.md")
        .read_text()
        .replace("Outreach team", "$(touch pwned) `touch pwned2` ${HOME} '; touch pwned3 #")
    )
    outputs, result, project = run_read_step(tmp_path, body, is_employer=True)
    assert outputs == {"ok": "true"}, result
    path = project / "content" / "employers" / "northfield-robotics.yaml"
    assert result.splitlines()[0] == str(path)
    assert (
        yaml.safe_load(path.read_text())["contact"]["team"] == "$(touch pwned) `touch pwned2` ${HOME} '; touch pwned3 #"
    )
    assert not any(project.glob("pwned*")) and not any(tmp_path.glob("pwned*"))


def test_a_refused_body_gives_a_plain_explanation(tmp_path: Path) -> None:
    outputs, result, _ = run_read_step(tmp_path, (BODIES / "hostile-heading.md").read_text(), is_employer=True)
    assert outputs == {"ok": "false"}
    assert result == (
        "The submission could not be read: unexpected heading '### id': "
        "answers must not contain lines starting with ###.\n"
    )


def test_an_entry_the_validator_refuses_is_explained_with_its_line(tmp_path: Path) -> None:
    outputs, result, _ = run_read_step(tmp_path, (BODIES / "hostile-javascript-url.md").read_text(), is_employer=True)
    assert outputs == {"ok": "false"}
    assert "website: 'javascript:alert(document.cookie)' is not in the expected form" in result
