"""Write the site into a staging folder and put it in place only when it is complete.

A build that fails or is interrupted leaves the published folder untouched. A first build
(or one that cannot trust what is published, or that changes most files) is swapped in whole;
a rebuild over a site this program published writes only its new and changed files into the
staging folder, and the output layer then moves them in and deletes the files that went
(Output.commit): a handful of renames instead of a folder per page made again. Replaced
copies are removed by a separate process, so the build does not wait for them (deleting
144,000 files takes about 6 s).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(slots=True)
class Staged:
    folder: Path
    # Set by the build when it patches the published site rather than replacing it.
    commit: Callable[[], None] | None = None


@contextmanager
def staging(out_dir: Path) -> Iterator[Staged]:
    """A fresh folder beside `out_dir` (same filesystem, so moving a file in is a rename)."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    stage = out_dir.with_name(f".{out_dir.name}.staging-{os.getpid()}")
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    staged = Staged(stage)
    try:
        yield staged
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    if staged.commit is None:
        swap(stage, out_dir)
        return
    staged.commit()
    remove_later([set_aside(stage, out_dir)])  # what is left: the emptied folders


def swap(stage: Path, out_dir: Path) -> None:
    if out_dir.exists():
        set_aside(out_dir, out_dir)
    os.replace(stage, out_dir)
    # Every replaced copy, including any an earlier build did not get to remove.
    remove_later(sorted(out_dir.parent.glob(f".{out_dir.name}.old-*")))


def set_aside(folder: Path, out_dir: Path) -> Path:
    """Rename `folder` to a unique name beside `out_dir` that marks it for removal."""
    # Unique per call: a copy an earlier build replaced may still be being deleted.
    old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}-{time.monotonic_ns()}")
    os.replace(folder, old)
    return old


def remove_later(folders: list[Path]) -> None:
    """Delete folders in a process of its own, which carries on after this one exits."""
    if folders:
        # The shell starts rm in the background and exits at once: nothing is left to wait for.
        subprocess.run(
            ["sh", "-c", 'rm -rf -- "$@" >/dev/null 2>&1 &', "sh", *map(str, folders)],
            check=True,
            start_new_session=True,  # not stopped by the Ctrl-C or job end that stops the build
        )
