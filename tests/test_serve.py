"""`python build.py serve` as someone editing content uses it: a saved title is on the served
page at once, the lists follow with the whole build, a broken file is reported and the last
good page stays up, and Ctrl+C leaves no half-built folder behind."""

import gc
import io
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rich.console import Console

from bench.serve import free_port
from stemx.config import BuildConfig
from stemx.serve import Builds, _is_code
from stemx.texts import StoredText
from tests.conftest import ROOT, TODAY

NEW_TITLE = "Messy data, edited while the site is served"
OPPORTUNITY = "aire-valley-messy-data-cpd"  # sample content, open on TODAY


@pytest.fixture(autouse=True)
def _thawed() -> Iterator[None]:
    """A build run here by Builds leaves its register frozen, as serve does: the tests after
    it should not keep it."""
    yield
    gc.unfreeze()


class Served:
    def __init__(self, process: subprocess.Popen[str], port: int, log: Path, content: Path, out: Path) -> None:
        self.process, self.port, self.log, self.content, self.out = process, port, log, content, out

    def get(self, path: str) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}", timeout=5) as response:
            return response.read().decode("utf-8")

    def until(self, check: Callable[[], bool], timeout: float, what: str) -> float:
        """Seconds until `check` holds, polling; fails naming `what` after `timeout`."""
        begun = time.perf_counter()
        while time.perf_counter() - begun < timeout:
            if self.process.poll() is not None:
                pytest.fail(f"serve exited while waiting for {what}:\n{self.log.read_text()}")
            if check():
                return time.perf_counter() - begun
            time.sleep(0.02)
        pytest.fail(f"{what}: not within {timeout} s\n{self.log.read_text()}")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    port, log = free_port(), tmp_path / "serve.log"
    out = tmp_path / "site"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "build.py", "serve", "--content", str(content), "--out", str(out),
             "--cache-dir", str(tmp_path / "cache"), "--today", TODAY.isoformat(), "--port", str(port)],
            cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
    server = Served(process, port, log, content, out)
    try:
        server.until(lambda: "Serving" in log.read_text(), 180, "the first build")
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                raise


def test_a_saved_title_is_served_at_once_and_the_lists_follow(served: Served) -> None:
    page = f"opportunities/{OPPORTUNITY}/"
    assert NEW_TITLE not in served.get(page)
    path = served.content / "opportunities" / f"{OPPORTUNITY}.yaml"
    text = path.read_text()
    path.write_text(re.sub(r"^title: .*$", f'title: "{NEW_TITLE}"', text, count=1, flags=re.M))
    seconds = served.until(lambda: NEW_TITLE in served.get(page), 10, "the edited page")
    print(f"saved title served after {seconds:.2f} s (file watcher included)")
    served.until(lambda: "Updated" in served.log.read_text(), 10, "the report of the edit")
    assert f"Updated opportunities/{OPPORTUNITY}/" in " ".join(served.log.read_text().split())
    # The whole build that follows brings the lists (and search, open data) up to date.
    served.until(lambda: NEW_TITLE in served.get("opportunities/subject/computing/"), 180, "the list page")
    served.until(lambda: "Build summary" in served.log.read_text().rpartition("Updated")[2], 180, "the build")
    assert NEW_TITLE in served.get(page)  # the whole build that followed kept the edit

    # A broken save: reported with file and line; the good page stays up.
    path.write_text(text.replace("format: online", "format: by pigeon"))
    served.until(lambda: "Not updated" in served.log.read_text(), 10, "the error report")
    log = served.log.read_text()
    assert re.search(rf"opportunities/{OPPORTUNITY}\.yaml:\d+", log), log
    assert "format" in log.rpartition("Not updated")[0]
    assert NEW_TITLE in served.get(page)


def test_an_invalid_save_is_reported_and_the_last_good_pages_stay_up(served: Served) -> None:
    page = f"opportunities/{OPPORTUNITY}/"
    before = served.get(page)
    entry = served.content / "opportunities" / f"{OPPORTUNITY}.yaml"
    entry.write_text(f"id: {OPPORTUNITY}\n", encoding="utf-8")  # most fields missing
    served.until(lambda: "still serving the last good build" in served.log.read_text(), 120, "the whole build's report")
    log = served.log.read_text()
    assert "Not updated: the file has errors; the last good pages stay up." in log
    assert f"{OPPORTUNITY}.yaml:1:1: employer: required field 'employer' is missing" in log  # file, line, field
    assert "Traceback" not in log
    assert served.get(page) == before


def test_ctrl_c_stops_serve_without_leaving_a_build_folder(served: Served) -> None:
    (served.content / "employers" / "README.md").write_text("A note beside the files: starts a whole build.\n")
    time.sleep(1.0)  # the whole build has begun
    served.process.send_signal(signal.SIGINT)
    served.process.wait(timeout=60)
    left = sorted(p.name for p in served.out.parent.iterdir() if p.name.startswith(".site."))
    assert [name for name in left if ".staging-" in name] == []
    assert (served.out / "index.html").exists()


def test_a_template_saved_under_serve_is_in_the_next_build(tmp_path: Path) -> None:
    """The build keys every page on the templates' contents, read again for each build of
    the long-running serve process (not remembered from its first)."""
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    config = BuildConfig(out_dir=tmp_path / "site", cache_dir=tmp_path / "cache", templates_dir=templates, today=TODAY)
    builds = Builds(config, Console(file=io.StringIO()))
    builds.build()
    template = templates / "opportunity.html"
    template.write_text(template.read_text().replace("<h1>", '<h1 data-edited="yes">'))
    builds.changed({template})
    assert builds.pending == {template}
    builds.build()
    assert 'data-edited="yes"' in (config.out_dir / f"opportunities/{OPPORTUNITY}/index.html").read_text()


def test_the_register_live_edits_start_from_is_frozen_and_the_next_build_lets_the_last_go(tmp_path: Path) -> None:
    """A collection during a live edit would scan the whole register kept for it again (0.3 s each
    at 50,000 entries); frozen after each whole build, it is not, and each build thaws the last."""
    config = BuildConfig(out_dir=tmp_path / "site", cache_dir=tmp_path / "cache", today=TODAY)
    builds = Builds(config, Console(file=io.StringIO()))
    builds.build()
    frozen = gc.get_freeze_count()
    assert frozen > 1_000
    assert builds.live is not None
    description = builds.live.register.opportunities[OPPORTUNITY].description
    assert isinstance(description, StoredText)
    first = weakref.ref(description._store)  # the first build's descriptions, held by its register
    del description
    builds.build()
    assert gc.get_freeze_count() < frozen * 1.5  # this build's objects, not both builds'
    assert first() is None  # the first build's register is gone


def test_the_code_and_schemas_restart_serve_and_the_rest_does_not() -> None:
    assert _is_code(ROOT / "stemx" / "site" / "calendar.py")
    assert _is_code(ROOT / "schemas" / "opportunity.schema.json")
    assert not _is_code(ROOT / "templates" / "opportunity.html")
    assert not _is_code(ROOT / "content" / "opportunities" / f"{OPPORTUNITY}.yaml")
