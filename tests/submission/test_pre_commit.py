"""The pre-commit hook, run by pre-commit itself in a scratch copy of the project."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CASES, ROOT

PRE_COMMIT = Path(sys.executable).with_name("pre-commit")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("build.py", ".pre-commit-config.yaml"):
        shutil.copy(ROOT / name, repo / name)
    for folder in ("stemx", "schemas", ".github"):
        shutil.copytree(ROOT / folder, repo / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(CASES / "valid" / "minimal" / "content", repo / "content")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    return repo


def pre_commit(repo: Path, *files: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",  # `python` is this one
        "PRE_COMMIT_HOME": str(repo.parent / "cache"),
        "SOURCE_DATE_EPOCH": "1795478400",  # 2026-11-24, the date the fixtures describe
    }
    return subprocess.run(
        [str(PRE_COMMIT), "run", "--files", *files], cwd=repo, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_hook_passes_good_files_and_stops_bad_ones(project: Path) -> None:
    employer = next((project / "content" / "employers").glob("*.yaml"))
    name = str(employer.relative_to(project))
    passed = pre_commit(project, name)
    assert passed.returncode == 0, passed.stdout
    assert "Check content files against the schemas" in passed.stdout and "Passed" in passed.stdout

    employer.write_text(employer.read_text(encoding="utf-8") + "bogus: 1\n", encoding="utf-8")
    failed = pre_commit(project, name)
    assert failed.returncode == 1
    assert f"{name}:" in failed.stdout and "bogus: unknown field 'bogus'" in failed.stdout
