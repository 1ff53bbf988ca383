"""Peak memory of a whole process tree: the build forks a pages process and runs threads, so
the largest single process understates what the machine needs.

`run(cmd)` starts the command and samples, every INTERVAL seconds, the resident memory
(VmRSS in /proc/<pid>/status) of the command and every process descended from it, summed.
Shared pages of forked processes are counted in each: this is the figure a machine must
have free, not a lower bound. Linux only (/proc).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

INTERVAL = 0.25  # seconds between samples


def _children() -> dict[int, list[int]]:
    """Every process's children, from /proc/<pid>/stat (the parent pid is its fourth field)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue  # it ended meanwhile
        parent = int(stat.rpartition(")")[2].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    return children


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_mb(root: int) -> tuple[float, float]:
    """(summed, largest) resident memory in MB of `root` and all its descendants now."""
    children = _children()
    sizes, todo = [], [root]
    while todo:
        pid = todo.pop()
        sizes.append(_rss_kb(pid))
        todo += children.get(pid, [])
    return sum(sizes) / 1024, max(sizes, default=0) / 1024


def run(cmd: list[str], cwd: Path) -> dict[str, Any]:
    """Run `cmd`; returns exit code, output, wall seconds and the sampled memory peaks (MB)."""
    # Output goes to files, not pipes: a full pipe would stop the command while we sample.
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, text=True)
        summed = largest = 0.0
        while process.poll() is None:
            now_summed, now_largest = tree_rss_mb(process.pid)
            summed, largest = max(summed, now_summed), max(largest, now_largest)
            time.sleep(INTERVAL)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    return {
        "exit": process.returncode,
        "stdout": stdout,
        "stderr": stderr,
        "seconds": seconds,
        "summed_mb": round(summed),
        "largest_mb": round(largest),
    }
