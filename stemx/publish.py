"""Write the site into a staging folder and swap it into place only when it is complete.

A build that fails or is interrupted leaves the previously published folder untouched. The
copy it replaces is removed by a separate process, so the build does not wait for it
(deleting 144,000 files takes about 6 s): the new site is in place the moment the swap is done.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def staging(out_dir: Path) -> Iterator[Path]:
    """A fresh folder beside `out_dir` (same filesystem, so the swap is a rename)."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    stage = out_dir.with_name(f".{out_dir.name}.staging-{os.getpid()}")
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    swap(stage, out_dir)


def swap(stage: Path, out_dir: Path) -> None:
    # Unique per swap: a copy an earlier build replaced may still be being deleted.
    old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}-{time.monotonic_ns()}")
    if out_dir.exists():
        os.replace(out_dir, old)
    os.replace(stage, out_dir)
    # Every replaced copy, including any an earlier build did not get to remove.
    remove_later(sorted(out_dir.parent.glob(f".{out_dir.name}.old-*")))


def remove_later(folders: list[Path]) -> None:
    """Delete folders in a process of its own, which carries on after this one exits."""
    if folders:
        # The shell starts rm in the background and exits at once: nothing is left to wait for.
        subprocess.run(
            ["sh", "-c", 'rm -rf -- "$@" >/dev/null 2>&1 &', "sh", *map(str, folders)],
            check=True,
            start_new_session=True,  # not stopped by the Ctrl-C or job end that stops the build
        )
