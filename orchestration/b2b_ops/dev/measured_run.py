"""Run a command and measure it: wall time and the peak memory of its whole
process tree (a build is the b2b-ops process plus the dbt processes it
starts, each with a DuckDB of its own).

The tree's resident memory is summed from /proc every POLL_SECONDS; a peak
shorter than that can slip between two samples, so the peak reported is the
larger of the sampled sum and the kernel's own peak of the single largest
process (wait4's ru_maxrss, exact). Linux only, like the project's CI.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

POLL_SECONDS = 0.2
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


class StepFailedError(RuntimeError):
    """A measured command exited with an error; the message names its log."""


@dataclass(frozen=True)
class Measurement:
    seconds: float
    peak_bytes: int


def parents() -> dict[int, int]:
    """Every process's parent id, from /proc."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # it ended meanwhile
        # The command name (in parentheses) may hold spaces: split after it.
        found[int(entry.name)] = int(stat.rpartition(")")[2].split()[1])
    return found


def tree_rss_bytes(root: int) -> int:
    """Resident memory of a process and all its descendants, now."""
    by_parent: dict[int, list[int]] = {}
    for pid, parent in parents().items():
        by_parent.setdefault(parent, []).append(pid)
    total, waiting = 0, [root]
    while waiting:
        pid = waiting.pop()
        waiting.extend(by_parent.get(pid, []))
        try:
            resident_pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        total += resident_pages * PAGE_BYTES
    return total


def run_measured(command: list[str], env: dict[str, str], log: Path) -> Measurement:
    """Run `command` with its output in `log`; its time and peak tree memory.
    Raises StepFailedError naming the log when it fails."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
        peak = 0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, tree_rss_bytes(process.pid))
            time.sleep(POLL_SECONDS)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise StepFailedError(
            f"{' '.join(command)} exited with {process.returncode}; its output is in {log}"
        )
    # ru_maxrss is in KiB on Linux.
    return Measurement(seconds, max(peak, usage.ru_maxrss * 1024))
