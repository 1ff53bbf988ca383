"""The command line as a person uses it: exit codes, one-run reports, no tracebacks."""

import gc
import shutil
from pathlib import Path

import pytest

from stemx.cli import main
from tests.conftest import CASES, published


def validate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["validate", "--today", "2026-11-24", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_valid_content_exits_zero(capsys, minimal_content: Path) -> None:
    code, out, _ = validate(capsys, "--content", str(minimal_content))
    assert code == 0
    assert out.strip() == "valid: 0 errors, 0 warnings in 2 files"


def test_warnings_fail_only_with_strict(capsys) -> None:
    content = CASES / "invalid" / "warnings-only" / "content"
    code, out, _ = validate(capsys, "--content", str(content))
    assert code == 0 and out.strip().endswith("valid: 0 errors, 6 warnings in 2 files")
    code, _, _ = validate(capsys, "--strict", "--content", str(content))
    assert code == 1


def test_a_build_lists_each_warning_on_a_line_of_its_own_before_its_summary(capsys, tmp_path: Path) -> None:
    content = CASES / "invalid" / "warnings-only" / "content"
    code = main(["build", "--content", str(content), "--out", str(tmp_path / "site"), "--today", "2026-11-24"])
    err = capsys.readouterr().err
    assert code == 0
    warnings = [line for line in err.splitlines() if ": warning: " in line]
    assert len(warnings) == 6 and all(line.split(":")[1].isdigit() for line in warnings)  # file:line:column
    assert err.index(warnings[-1]) < err.index("Build summary") < err.index("6 warning(s)")


def test_the_collector_is_paused_while_a_checks_problems_are_printed(capsys, monkeypatch) -> None:
    """Every entry checked is alive then: collections started by the sorting and printing would
    scan them all for nothing (1.3 s of `validate` at 10,000 employers)."""
    import stemx.cli

    seen: list[bool] = []
    show = stemx.cli._print_problems
    monkeypatch.setattr(stemx.cli, "_print_problems", lambda *args: seen.append(gc.isenabled()) or show(*args))
    assert validate(capsys, "--content", str(CASES / "invalid" / "warnings-only" / "content"))[0] == 0
    assert seen == [False] and gc.isenabled()


def test_what_a_command_made_is_left_for_the_end_of_the_process_to_free(
    capsys, tmp_path: Path, minimal_content: Path, monkeypatch
) -> None:
    """build.py leaves with os._exit: freeing every entry object by object as the command
    returned took 0.1 s of every build at 10,000 employers."""
    import stemx.cli

    kept: list[object] = []
    monkeypatch.setattr(stemx.cli, "_outliving", kept)
    out = str(tmp_path / "site")
    assert main(["build", "--content", str(minimal_content), "--out", out, "--today", "2026-11-24", "--no-cache"]) == 0
    assert [type(k).__name__ for k in kept] == ["BuildReport"] and kept[0].register.opportunities  # type: ignore[attr-defined]
    assert validate(capsys, "--content", str(minimal_content))[0] == 0
    assert [type(k).__name__ for k in kept] == ["Validation"]  # the last command's only


def test_usage_errors_exit_two(capsys, tmp_path: Path) -> None:
    assert main(["validate", "--content", str(tmp_path / "missing")]) == 2
    assert "content folder not found" in capsys.readouterr().err
    assert main(["validate", "--today", "tomorrow"]) == 2
    assert main(["frobnicate"]) == 2


def test_a_folder_without_entry_folders_is_refused_rather_than_built_as_an_empty_register(
    capsys, tmp_path: Path
) -> None:
    """`--content` one level too high: building it would publish an empty site over the real one."""
    (tmp_path / "wrong" / "content" / "employers").mkdir(parents=True)
    marker = published(tmp_path / "site")
    code = main(["build", "--content", str(tmp_path / "wrong"), "--out", str(tmp_path / "site"), "--no-cache"])
    assert code == 2
    assert "has no employers/ or opportunities/ folder: is it the content folder?" in capsys.readouterr().err
    assert marker.read_text() == "previous site"


def test_named_files_are_checked_against_the_whole_content(capsys, tmp_path: Path, minimal_content: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(minimal_content, content)
    opportunity = content / "opportunities" / "harbourline-battery-lab-visit.yaml"
    code, out, _ = validate(capsys, "--content", str(content), str(opportunity))
    assert code == 0 and "in 1 file" in out
    (content / "employers" / "harbourline-marine.yaml").unlink()
    code, out, _ = validate(capsys, "--content", str(content), str(opportunity))
    assert code == 1
    assert "employer: no employer with id 'harbourline-marine'" in out


def test_a_file_outside_the_content_folders_is_a_usage_error(capsys, tmp_path: Path, minimal_content: Path) -> None:
    stray = tmp_path / "x.yaml"
    stray.write_text("id: x\n")
    assert main(["validate", "--content", str(minimal_content), str(stray)]) == 2
    assert "is not in" in capsys.readouterr().err


def test_github_format_gives_annotations(capsys, monkeypatch) -> None:
    monkeypatch.chdir(CASES / "invalid" / "bad-postcode")
    code, out, _ = validate(capsys, "--format", "github", "--content", "content")
    assert code == 1
    assert out.splitlines()[0] == (
        "::error file=content/employers/harbourline-marine.yaml,line=17,col=15,title=locations[0].postcode"
        "::'pl1 3aa' is not in the expected form: A full UK postcode in capitals with one space, such as M15 4FN."
    )


def test_the_build_date_default_is_the_same_everywhere(monkeypatch) -> None:
    """SOURCE_DATE_EPOCH decides the date for the command line and for BuildConfig alike."""
    from datetime import date

    from stemx.config import BuildConfig

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795478400")
    assert BuildConfig().today == date(2026, 11, 24)
