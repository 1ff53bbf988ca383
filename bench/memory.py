"""Peak memory of a whole process tree: the build forks a pages process and runs threads, so
the largest single process understates what the machine needs.

`run(cmd)` starts the command and samples, every INTERVAL seconds, the resident memory
(VmRSS in /proc/<pid>/status) of the command and every process descended from it, summed.
Shared pages of forked processes are counted in each, so the summed figure is an upper
bound; the summed proportional set size (Pss in /proc/<pid>/smaps_rollup: a page shared by n
processes counts 1/n in each) is what the tree really takes, the two together bracket it.
It also reports the processor time of the command and of every process it waited for, in user
code and in the kernel (system time: on a virtual machine, creating files can cost several times
the rest of the build's work). Linux only (/proc).

    python bench/memory.py CMD [ARG...]   # one command's seconds and peaks, as JSON
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
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


def _kb(path: str, field: str) -> int:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass  # it ended meanwhile
    return 0


def tree_mb(root: int) -> tuple[float, float, float]:
    """(summed resident, largest resident, summed proportional) memory in MB of `root` and
    all its descendants now."""
    children = _children()
    rss, pss, todo = [], [], [root]
    while todo:
        pid = todo.pop()
        rss.append(_kb(f"/proc/{pid}/status", "VmRSS:"))
        pss.append(_kb(f"/proc/{pid}/smaps_rollup", "Pss:"))
        todo += children.get(pid, [])
    return sum(rss) / 1024, max(rss, default=0) / 1024, sum(pss) / 1024


def run(cmd: list[str], cwd: Path) -> dict[str, Any]:
    """Run `cmd`; returns exit code, output, wall seconds and the sampled memory peaks (MB)."""
    # Output goes to files, not pipes: a full pipe would stop the command while we sample.
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        # The processor time of the command and every process it waited for (its pool workers, the
        # pages process): what the system counts for this process's children that ended meanwhile.
        cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        process = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, text=True)
        summed = largest = proportional = 0.0
        while process.poll() is None:
            now = tree_mb(process.pid)
            summed, largest, proportional = max(summed, now[0]), max(largest, now[1]), max(proportional, now[2])
            time.sleep(INTERVAL)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    return {
        "exit": process.returncode,
        "stdout": stdout,
        "stderr": stderr,
        "seconds": seconds,
        "user_seconds": round(after.ru_utime - cpu.ru_utime, 2),
        "system_seconds": round(after.ru_stime - cpu.ru_stime, 2),  # in the kernel: files made, pages touched
        "summed_mb": round(summed),
        "largest_mb": round(largest),
        "proportional_mb": round(proportional),
    }


if __name__ == "__main__":
    result = run(sys.argv[1:], Path.cwd())
    print(result["stdout"][-3000:] + result["stderr"][-3000:])
    print(json.dumps({k: v for k, v in result.items() if k not in ("stdout", "stderr")}))
    sys.exit(result["exit"])
