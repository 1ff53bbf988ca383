"""Every built page is valid HTML according to the Nu HTML checker (vnu.jar, one JVM for all)."""

import json
import subprocess
from pathlib import Path

from tests.conftest import ROOT

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def test_nu_html_checker_reports_nothing(built_site: Path) -> None:
    pages = sorted(str(p) for p in built_site.rglob("*.html"))
    assert len(pages) > 200
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *pages],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    problems = [f"{m.get('url', '').removeprefix('file:')}:{m.get('lastLine')}: {m['message']}" for m in messages]
    assert problems == []
    assert result.returncode == 0
