"""Command line: `python build.py validate | build | serve ...`.

Every content problem is reported as `path:line:column: field: message`; content errors
exit 1, usage errors 2, and no traceback is shown for either.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from . import interrupts
from .collector import collector_paused
from .config import ROOT, BuildConfig, default_today
from .content import Validation, validate_content
from .errors import ContentError, Problem, StemxError, UsageError

if TYPE_CHECKING:
    from .pipeline import Progress


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {text!r}") from None


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse's default exits 2 too; keep the message short
        self.print_usage(sys.stderr)
        raise UsageError(f"{self.prog}: {message}")


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python build.py", description="Validate and build the STEM Exchange register.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def content_options(cmd: argparse.ArgumentParser) -> None:
        content = BuildConfig.__dataclass_fields__["content_dir"].default
        cmd.add_argument("--content", type=Path, default=content, help="content folder (default: content/)")
        cmd.add_argument("--today", type=_date, default=None, help="the date the build describes (default: today)")
        cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
        cmd.add_argument(
            "--cache-dir",
            type=Path,
            default=ROOT / ".cache",
            help="where checked files are remembered (default: .cache/)",
        )
        cmd.add_argument(
            "--no-cache", action="store_true", help="check every file again; neither read nor write the cache"
        )

    v = sub.add_parser("validate", help="check content files and report every problem")
    content_options(v)
    v.add_argument("--format", choices=("text", "github"), default="text", help="github: workflow annotations")
    v.add_argument("files", nargs="*", type=Path, help="check only these files (against the whole content)")

    for name, text in (
        ("build", "validate, then build the site and open data"),
        ("serve", "build, serve on localhost; a saved entry is live at once, a whole build follows"),
    ):
        b = sub.add_parser(name, help=text)
        content_options(b)
        _site_options(b)
        if name == "serve":
            b.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000)")
    _deploy_options(sub.add_parser("deploy", help="publish a built site to S3-compatible storage: changed files only"))
    f = sub.add_parser("forms", help="regenerate the GitHub issue forms from the schemas")
    f.add_argument("--check", action="store_true", help="only report forms that differ from the schemas (exit 1)")

    i = sub.add_parser("issue-to-yaml", help="turn a submitted issue form into a content file")
    i.add_argument("kind", choices=("employer", "opportunity"))
    body = i.add_mutually_exclusive_group(required=True)
    body.add_argument("--body-file", type=Path, help="the issue body, saved to a file")
    body.add_argument("--body-env", metavar="NAME", help="the name of an environment variable holding the issue body")
    i.add_argument("--content", type=Path, default=ROOT / "content", help="content folder (default: content/)")
    i.add_argument("--today", type=_date, default=None, help="submission date (default: today)")

    c = sub.add_parser("clean", help="empty the cache folder (checked files, data rows, page manifests)")
    c.add_argument("--cache-dir", type=Path, default=ROOT / ".cache", help="the cache folder (default: .cache/)")

    m = sub.add_parser(
        "from-email", help="turn an emailed submission (saved message or pasted text) into a content file"
    )
    m.add_argument("file", type=Path, help="the email, saved as .eml, or its text pasted into a file")
    m.add_argument("--content", type=Path, default=ROOT / "content", help="content folder (default: content/)")
    m.add_argument("--today", type=_date, default=None, help="submission date (default: today)")

    n = sub.add_parser("new", help="answer questions to write a new employer or opportunity file")
    n.add_argument("kind", choices=("employer", "opportunity"))
    n.add_argument("--content", type=Path, default=ROOT / "content", help="content folder (default: content/)")
    n.add_argument("--today", type=_date, default=None, help="the date to record (default: today)")
    return p


def _site_options(b: argparse.ArgumentParser) -> None:
    """The settings of the site a build writes (BuildConfig's fields, with its defaults)."""
    defaults = BuildConfig.__dataclass_fields__
    b.add_argument("--out", type=Path, default=defaults["out_dir"].default, help="output folder (default: site/)")
    b.add_argument(
        "--base-url", default=defaults["base_url"].default, help="path the site is served under, e.g. /stem-exchange/"
    )
    b.add_argument("--site-origin", default=defaults["site_origin"].default, help="scheme and host for absolute links")
    b.add_argument("--previous-data", type=Path, default=None, help="a previous site/data folder, to list changes")
    b.add_argument(
        "--repository", default=defaults["repository"].default, help="GitHub owner/name for submission links"
    )
    b.add_argument(
        "--inbox", default=defaults["inbox"].default, help="email address that receives submissions sent by email"
    )


def _deploy_options(d: argparse.ArgumentParser) -> None:
    d.add_argument("--site", type=Path, default=ROOT / "site", help="the built site (default: site/)")
    d.add_argument("--bucket", required=True, help="BUCKET or BUCKET/PREFIX to publish into")
    d.add_argument(
        "--endpoint", required=True, help="the storage's S3 endpoint, e.g. https://s3.eu-west-2.amazonaws.com"
    )
    d.add_argument("--region", default="", help="the bucket's region, where the storage needs one")
    d.add_argument("--provider", default="Other", help="rclone's name for the storage: AWS, Cloudflare, Minio, ...")
    d.add_argument("--dry-run", action="store_true", help="only report what would be uploaded and deleted")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
        with interrupts.handled():
            return COMMANDS[args.command](args)
    except ContentError as e:
        _print_problems(e.problems, "text")
        print(_summary_line(e.problems), file=sys.stderr)
        return e.exit_code
    except StemxError as e:
        print(f"error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("interrupted; nothing was published", file=sys.stderr)
        return 130


def _print_problems(problems: list[Problem], fmt: str) -> None:
    for p in problems:
        print(p.github() if fmt == "github" else str(p))


def _summary_line(problems: list[Problem], files: int | None = None) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    checked = f" in {files:,} file{'s' if files != 1 else ''}" if files is not None else ""
    verdict = "valid" if errors == 0 else "invalid"
    return f"{verdict}: {errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}{checked}"


# What the last command made, kept until the process ends (or the next command): build.py
# then leaves without freeing it object by object (os._exit), where freeing the register as
# the command returned took 0.11 s after a build at 10,000 employers.
_outliving: list[object] = []


def cmd_validate(args: argparse.Namespace) -> int:
    # Every entry checked lives to the end: collections would scan them all for nothing
    # (`validate` at 10,000 employers, its results kept: 2.7 -> 1.5 s).
    with collector_paused():
        result: Validation = validate_content(
            args.content, args.today or default_today(), args.files or None, cache_dir=_cache_dir(args)
        )
        _print_problems(result.problems, args.format)
        print(_summary_line(result.problems, result.files))
    _outliving[:] = [result]
    return 1 if result.failed(args.strict) else 0


def _config(args: argparse.Namespace) -> BuildConfig:
    base = "/" + args.base_url.strip("/") + "/" if args.base_url.strip("/") else "/"
    return BuildConfig(
        content_dir=args.content,
        out_dir=args.out,
        base_url=base,
        site_origin=args.site_origin.rstrip("/"),
        today=args.today or default_today(),
        previous_data=args.previous_data,
        strict=args.strict,
        repository=args.repository,
        inbox=args.inbox,
        cache_dir=_cache_dir(args),
    )


def _cache_dir(args: argparse.Namespace) -> Path | None:
    return None if args.no_cache else args.cache_dir


def cmd_build(args: argparse.Namespace) -> int:
    from .pipeline import build
    from .report import print_build_report

    config = _config(args)
    with progress_bar() as progress:
        report = build(config, progress)
    print_build_report(report, config)
    _outliving[:] = [report]
    return 0


@contextmanager
def progress_bar() -> Iterator[Progress | None]:
    """A progress bar on a terminal (checking files, then each output stage); nothing in CI logs."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    from .pipeline import Progress

    with Bar(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True
    ) as bar:
        task = bar.add_task("Checking files", total=None)

        def checked(done: int, total: int) -> None:
            if done % 500 == 0 or done == total:
                bar.update(task, completed=done, total=total)

        def stage(name: str, number: int, total: int) -> None:
            bar.update(task, description=f"Writing {name} ({number} of {total})", completed=number - 1, total=total)

        yield Progress(checked, stage)


def cmd_deploy(args: argparse.Namespace) -> int:
    from .content import display_path
    from .deploy import deploy

    done = deploy(args.site, args.bucket, args.endpoint, args.region, args.provider, args.dry_run)
    print(f"{'Would deploy' if args.dry_run else 'Deployed'} {display_path(args.site)}/ to {args.bucket}: {done}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    serve(_config(args), args.port)
    return 0


def cmd_forms(args: argparse.Namespace) -> int:
    from .submission.issue_forms import write

    stale = write(check=args.check)
    for path in stale:
        print(f"{path}: {'differs from the schemas; run python build.py forms' if args.check else 'written'}")
    return 1 if args.check and stale else 0


def cmd_issue_to_yaml(args: argparse.Namespace) -> int:
    from .submission.issue_parse import main as issue_to_yaml

    return issue_to_yaml(args.kind, args.content, args.today or default_today(), args.body_file, args.body_env)


def cmd_clean(args: argparse.Namespace) -> int:
    from .cache import clean

    files, size = clean(args.cache_dir)
    print(f"Removed {files:,} cache file{'' if files == 1 else 's'} ({size / 1e6:,.1f} MB) from {args.cache_dir}.")
    return 0


def cmd_from_email(args: argparse.Namespace) -> int:
    from .submission.from_email import main as from_email

    return from_email(args.file, args.content, args.today or default_today())


def cmd_new(args: argparse.Namespace) -> int:
    from .submission.new import main as new

    return new(args.kind, args.content, args.today or default_today())


COMMANDS = {
    "validate": cmd_validate,
    "build": cmd_build,
    "serve": cmd_serve,
    "deploy": cmd_deploy,
    "forms": cmd_forms,
    "issue-to-yaml": cmd_issue_to_yaml,
    "from-email": cmd_from_email,
    "clean": cmd_clean,
    "new": cmd_new,
}
