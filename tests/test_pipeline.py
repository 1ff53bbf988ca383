"""The build pipeline: refuses invalid content and never leaves a half-written site."""

import gc
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stemx import pipeline
from stemx.config import BuildConfig
from stemx.errors import BuildError, ContentError
from stemx.schedule import Stage
from tests.conftest import CASES, ROOT, TODAY, published


def config(content: Path, out: Path) -> BuildConfig:
    return BuildConfig(content_dir=content, out_dir=out, today=TODAY)


def test_invalid_content_leaves_the_published_site_untouched(tmp_path: Path) -> None:
    marker = published(tmp_path / "site")
    with pytest.raises(ContentError) as e:
        pipeline.build(config(CASES / "invalid" / "multiple-problems" / "content", tmp_path / "site"))
    assert len(e.value.problems) == 3
    assert marker.read_text() == "previous site"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_failing_stage_leaves_the_published_site_untouched(
    tmp_path: Path, minimal_content: Path, monkeypatch
) -> None:
    marker = published(tmp_path / "site")

    def broken(register, out, cfg):
        out.text("half.html", "half")
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "stages", lambda: [Stage("broken", broken)])
    with pytest.raises(KeyboardInterrupt):
        pipeline.build(config(minimal_content, tmp_path / "site"))
    assert marker.read_text() == "previous site"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no staging folder left behind


def test_a_complete_build_replaces_the_site(tmp_path: Path, minimal_content: Path, monkeypatch) -> None:
    published(tmp_path / "site")

    def page(register, out, cfg):
        out.text("index.html", f"{len(register.opportunities)} opportunities")

    monkeypatch.setattr(pipeline, "stages", lambda: [Stage("pages", page)])
    report = pipeline.build(config(minimal_content, tmp_path / "site"))
    assert (tmp_path / "site" / "index.html").read_text() == "1 opportunities"
    assert (report.timings[-1].stage, report.timings[-1].files) == ("pages", 1)
    deadline = time.monotonic() + 30  # the replaced copy is removed by a process of its own
    while sorted(p.name for p in tmp_path.iterdir()) != ["site"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_the_collector_is_paused_while_loading_and_left_as_found_after_any_build(
    tmp_path: Path, minimal_content: Path, monkeypatch
) -> None:
    seen: list[tuple[str, bool, int]] = []

    def page(register, out, cfg):
        seen.append(("writing", gc.isenabled(), gc.get_freeze_count()))
        out.text("index.html", "ok")

    monkeypatch.setattr(pipeline, "stages", lambda: [Stage("pages", page)])
    progress = pipeline.Progress(lambda done, total: seen.append(("loading", gc.isenabled(), 0)), lambda *a: None)
    pipeline.build(config(minimal_content, tmp_path / "site"), progress)
    assert {s[:2] for s in seen} == {("loading", False), ("writing", True)}
    assert seen[-1][2] > 0  # the register is frozen while the stages run
    assert (gc.isenabled(), gc.get_freeze_count()) == (True, 0)

    def broken(register, out, cfg):
        raise ValueError("broken stage")

    monkeypatch.setattr(pipeline, "stages", lambda: [Stage("pages", broken)])
    with pytest.raises(ValueError):
        pipeline.build(config(minimal_content, tmp_path / "site"))
    assert (gc.isenabled(), gc.get_freeze_count()) == (True, 0)
    with pytest.raises(ContentError):
        pipeline.build(config(CASES / "invalid" / "multiple-problems" / "content", tmp_path / "site"))
    assert (gc.isenabled(), gc.get_freeze_count()) == (True, 0)


def test_build_command_reports_content_errors_without_traceback(tmp_path: Path, capsys) -> None:
    from stemx.cli import main

    content = tmp_path / "content"
    shutil.copytree(CASES / "invalid" / "date-order" / "content", content)
    assert main(["build", "--content", str(content), "--out", str(tmp_path / "site"), "--today", "2026-11-24"]) == 1
    out, err = capsys.readouterr()
    assert "availability.dates[0].end: ends (2027-03-09) before it starts (2027-03-10)" in out
    assert "Traceback" not in out + err
    assert not (tmp_path / "site").exists()


def test_a_stage_failing_in_its_own_process_fails_the_build_with_its_error(
    tmp_path: Path, minimal_content: Path, monkeypatch
) -> None:
    marker = published(tmp_path / "site")

    def pages(register, out, cfg):
        out.text("half.html", "half")
        raise ValueError("something went wrong in x/index.html")

    monkeypatch.setattr(
        pipeline, "stages", lambda: [Stage("pages", pages, where="process"), Stage("last", lambda *a: None)]
    )
    with pytest.raises(BuildError, match="something went wrong in x/index.html"):
        pipeline.build(config(minimal_content, tmp_path / "site"))
    assert marker.read_text() == "previous site"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_terminated_build_cleans_up_like_an_interrupted_one(tmp_path: Path) -> None:
    """`kill` (or a cancelled CI job) mid-build: no staging folder, the published site as it was."""
    marker = published(tmp_path / "site")
    build = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "build", "--out", str(tmp_path / "site"), "--today", "2026-11-24",
         "--content", str(ROOT / "content"), "--no-cache"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    staged = tmp_path / f".site.staging-{build.pid}"
    deadline = time.monotonic() + 60
    while not any(staged.glob("*")) and build.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert build.poll() is None, "the build finished before it could be stopped"
    build.send_signal(signal.SIGTERM)
    _, err = build.communicate(timeout=60)
    assert build.returncode == 130, err
    assert "interrupted; nothing was published" in err and "Traceback" not in err
    assert marker.read_text() == "previous site"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_shared_stage_is_split_between_its_process_and_this_one(
    tmp_path: Path, minimal_content: Path, monkeypatch
) -> None:
    """Each piece runs once, in whichever process takes it first: the stage's own process from the
    start, this one once its own stages are done; every file of both is in the published site."""

    def pages(register, out, cfg, share):
        def piece(number: int) -> None:
            time.sleep(0.2)  # long enough that the child cannot take every piece before this process helps
            out.text(f"piece-{number}.txt", str(os.getpid()))

        for number in share(range(12)):
            piece(number)

    monkeypatch.setattr(
        pipeline,
        "stages",
        lambda: [Stage("pages", pages, where="process", shared=True), Stage("last", lambda *a: None)],
    )
    report = pipeline.build(config(minimal_content, tmp_path / "site"))
    made = sorted((tmp_path / "site").glob("piece-*.txt"))
    assert len(made) == 12
    assert {p.read_text() for p in made} >= {str(os.getpid())}  # this process took some
    assert len({p.read_text() for p in made}) == 2  # and the stage's own process the others
    assert [(t.stage, t.files) for t in report.timings if t.stage == "pages"] == [("pages", 12)]


def test_a_shared_stage_failing_in_either_process_fails_the_build_with_its_error(
    tmp_path: Path, minimal_content: Path, monkeypatch
) -> None:
    marker = published(tmp_path / "site")

    def pages(register, out, cfg, share):
        for number in share(range(4)):
            time.sleep(0.2)
            raise ValueError(f"piece {number} went wrong in x/index.html")

    monkeypatch.setattr(
        pipeline,
        "stages",
        lambda: [Stage("pages", pages, where="process", shared=True), Stage("last", lambda *a: None)],
    )
    with pytest.raises(BuildError, match=r"(?s)pages failed: .*ValueError: piece \d went wrong in x/index.html"):
        pipeline.build(config(minimal_content, tmp_path / "site"))
    assert marker.read_text() == "previous site"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_the_stages_import_only_what_every_build_uses() -> None:
    """icalendar (the time zone of timed calendars) and the reference Markdown renderer (a
    description with a link the fast one may not show) are imported by the process that needs
    them: 60-80 ms that every build spent before its stages started, when nothing needed them."""
    code = "import sys, stemx.cli, stemx.pipeline; stemx.pipeline.stages(); print(sorted({'icalendar', 'markdown_it'} & set(sys.modules)))"
    shown = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "[]"
