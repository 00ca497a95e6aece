"""Benchmark: the warehouse's refreshes against the floor, in one run, on the
same files (issue 13's targets beside the ratios).

    make benchmark SIZE=L        (or: python -m b2b_ops.dev.benchmark --size L)

At SIZE (and at S, for the daily refresh's comparison) it generates the demo
data with product/events as daily deliveries and the last day held back,
then times, each in a process of its own with the peak memory of its whole
process tree (b2b_ops.dev.measured_run):

1. the floor: bare DuckDB reading every landing row once into tables and
   rolling events up to account-days (b2b_ops.dev.benchmark_floor);
2. the full refresh (`b2b-ops build --full-refresh` into a new warehouse);
3. the daily refresh: the held-back day delivered, then `b2b-ops build`;
4. the same full and daily refresh at S.

`--workdir DIR` keeps the data and warehouses; `--skip-generate` then reuses
the data generated there (the delivered day is first put back). Each step's
output is in DIR/<size>/logs/. Figures, not assertions: machines are shared
and noisy, so no test times anything; this script is where speed is measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from b2b_ops.demo_data.deliveries import deliver_next_day
from b2b_ops.dev.measured_run import Measurement, run_measured

# The daily refresh at SIZE is compared with the same refresh at this size.
SMALL = "S"
HELD_BACK_DAYS = 1
GIB = 2**30
# Issue 13's targets.
FULL_PER_FLOOR_TARGET = 3.0
PEAK_TARGET_BYTES = 4 * GIB
DAILY_PER_SMALL_DAILY_TARGET = 1.5
DAILY_PER_FULL_TARGET = 0.25
SLOWEST_NODES_SHOWN = 8
CLI = str(Path(sys.executable).with_name("b2b-ops"))


@dataclass(frozen=True)
class Data:
    """One size's folders under the work folder."""

    root: Path

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def next_days(self) -> Path:
        return self.root / "next_days"

    @property
    def kept_days(self) -> Path:
        # A copy of the held-back days, to put the delivered day back on a re-run.
        return self.root / "next_days.kept"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse" / "w.duckdb"

    @property
    def manifest(self) -> Path:
        return self.root / "benchmark.json"

    def log(self, step: str) -> Path:
        return self.root / "logs" / f"{step}.log"


def child_environment(data: Data, as_of: str) -> dict[str, str]:
    """The caller's environment (memory cap, threads ...) pointed at this data;
    no DAGSTER_HOME (a throwaway Dagster instance) and no VIRTUAL_ENV."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DAGSTER_HOME", "VIRTUAL_ENV")
    }
    return {
        **inherited,
        "B2B_OPS_LANDING_DIR": str(data.landing),
        "B2B_OPS_AS_OF_DATE": as_of,
        "B2B_OPS_WAREHOUSE": str(data.warehouse),
    }


def generate(data: Data, size: str, arguments: argparse.Namespace) -> Measurement:
    """The demo data with events as daily deliveries, the last day held back."""
    shutil.rmtree(data.root, ignore_errors=True)
    command = [sys.executable, "-m", "b2b_ops.demo_data", "--size", size]
    command += ["--seed", str(arguments.seed), "--as-of", arguments.as_of]
    command += ["--format", arguments.format, "--dirty-rate", str(arguments.dirty_rate)]
    command += ["--deliveries", "daily", "--hold-back-days", str(HELD_BACK_DAYS)]
    command += ["--landing-dir", str(data.landing), "--truth-dir", str(data.root / "ground_truth")]
    command += ["--next-days-dir", str(data.next_days)]
    measured = run_measured(command, child_environment(data, arguments.as_of), data.log("generate"))
    shutil.copytree(data.next_days, data.kept_days)
    generated = {"size": size, "seed": arguments.seed, "as_of": arguments.as_of}
    generated |= {"format": arguments.format, "dirty_rate": arguments.dirty_rate}
    data.manifest.write_text(json.dumps(generated, indent=2))
    return measured


def put_back_held_days(data: Data) -> None:
    """Undo an earlier run's deliveries: the held-back days' files leave the
    landing folder and the held-back days are as generated."""
    for path in data.kept_days.rglob("*"):
        if path.is_file():
            relative = path.relative_to(data.kept_days)
            (data.landing / Path(*relative.parts[1:])).unlink(missing_ok=True)
    shutil.rmtree(data.next_days, ignore_errors=True)
    shutil.copytree(data.kept_days, data.next_days)


@dataclass(frozen=True)
class SizeRun:
    """One size's measured steps."""

    generate: Measurement | None
    floor: Measurement | None
    full: Measurement
    daily: Measurement


def run_size(data: Data, size: str, arguments: argparse.Namespace, with_floor: bool) -> SizeRun:
    """Generate (or reuse) a size's data, the floor on it if asked, a full
    refresh into a new warehouse, then the next day delivered and refreshed."""
    generated = None
    if arguments.skip_generate:
        arguments.as_of = json.loads(data.manifest.read_text())["as_of"]
        put_back_held_days(data)
    else:
        generated = generate(data, size, arguments)
    environment = child_environment(data, arguments.as_of)
    floor = None
    if with_floor:
        command = [sys.executable, "-m", "b2b_ops.dev.benchmark_floor", str(data.landing)]
        floor = run_measured(
            [*command, str(data.root / "floor" / "floor.duckdb")], environment, data.log("floor")
        )
    shutil.rmtree(data.warehouse.parent, ignore_errors=True)
    full = run_measured([CLI, "build", "--full-refresh"], environment, data.log("full-refresh"))
    if not deliver_next_day(data.next_days, data.landing):
        raise RuntimeError(f"no held-back day in {data.next_days}: generate the data again")
    daily = run_measured([CLI, "build"], environment, data.log("daily-refresh"))
    return SizeRun(generated, floor, full, daily)


def full_log_lines(log: Path) -> list[str]:
    """The lines of the full log a refresh names in its output (its "log" line)."""
    progress = log.read_text(encoding="utf-8").splitlines()
    full_log = next(Path(line.split()[-1]) for line in progress if line.startswith("  log "))
    return full_log.read_text(encoding="utf-8").splitlines()


def step_durations(log: Path) -> list[str]:
    """Each Dagster step's time."""
    finished = re.compile(r'Finished execution of step "(\S+)" in (\S+)\.$')
    matches = (finished.search(line) for line in full_log_lines(log))
    return [f"  {match[1]:<30}{match[2]:>10}" for match in matches if match]


def slowest_dbt_nodes(log: Path) -> list[str]:
    """dbt's slowest models and tests, from its lines in the full log
    ("12 of 278 OK created sql table model staging.x .... [OK in 4.22s]")."""
    done = re.compile(
        r"\d+ of \d+ (?:OK|PASS|WARN|FAIL|ERROR)\D.*?([\w.]+) \.*\s*\[.* in ([\d.]+)s\]"
    )
    timings = {}
    for line in full_log_lines(log):
        match = done.search(line)
        if match:
            timings[match[1]] = float(match[2])
    slowest = sorted(timings.items(), key=lambda item: item[1], reverse=True)
    return [f"  {seconds:7.1f} s  {node}" for node, seconds in slowest[:SLOWEST_NODES_SHOWN]]


def gib(size_bytes: int) -> str:
    return f"{size_bytes / GIB:.1f} GiB"


def verdict(value: float, target: float) -> str:
    return "met" if value <= target else f"not met ({value / target:.1f}x the target)"


def step_rows(size: str, run: SizeRun) -> list[tuple[str, Measurement]]:
    named = [
        (f"generate {size} (daily deliveries; not compared)", run.generate),
        (f"floor {size}: bare DuckDB lands every row, rolls events up to account-days", run.floor),
        (f"full refresh {size} (`b2b-ops build --full-refresh`, new warehouse)", run.full),
        (f"daily refresh {size} (one day delivered, `b2b-ops build`)", run.daily),
    ]
    return [(name, measured) for name, measured in named if measured is not None]


def report(arguments: argparse.Namespace, runs: dict[str, SizeRun]) -> str:
    size = arguments.size
    large, small = runs[size], runs[SMALL]
    lines = [
        f"benchmark: size {size} (daily refresh also at {SMALL}), seed {arguments.seed}, "
        f"{arguments.format}, dirty rate {arguments.dirty_rate}, as of {arguments.as_of}; "
        f"B2B_OPS_DUCKDB_MEMORY_LIMIT {os.environ.get('B2B_OPS_DUCKDB_MEMORY_LIMIT', 'unset (the default)')}",
        "",
        "| step | seconds | peak memory |",
        "| --- | --- | --- |",
    ]
    for name, measured in [row for each in runs for row in step_rows(each, runs[each])]:
        lines.append(f"| {name} | {measured.seconds:.1f} | {gib(measured.peak_bytes)} |")
    peak = max(large.full.peak_bytes, large.daily.peak_bytes)
    ratios = [
        ("full / floor", large.full.seconds / large.floor.seconds, FULL_PER_FLOOR_TARGET),
        (
            f"daily {size} / daily {SMALL}",
            large.daily.seconds / small.daily.seconds,
            DAILY_PER_SMALL_DAILY_TARGET,
        ),
        (
            f"daily {size} / full {size}",
            large.daily.seconds / large.full.seconds,
            DAILY_PER_FULL_TARGET,
        ),
        (f"peak memory of the {size} refreshes (GiB)", peak / GIB, PEAK_TARGET_BYTES / GIB),
    ]
    lines += ["", "| ratio | measured | target | |", "| --- | --- | --- | --- |"]
    for name, value, target in ratios:
        lines.append(f"| {name} | {value:.2f} | <= {target:g} | {verdict(value, target)} |")
    return "\n".join(lines)


def details(size: str, data: Data, run: SizeRun) -> str:
    """The full and daily refresh's step times, and dbt's slowest nodes."""
    lines = [f"full refresh {size}, Dagster's steps (log: {data.log('full-refresh')}):"]
    lines += step_durations(data.log("full-refresh"))
    lines += ["", f"full refresh {size}, dbt's slowest models and tests:"]
    lines += slowest_dbt_nodes(data.log("full-refresh"))
    lines += ["", f"daily refresh {size}, Dagster's steps (log: {data.log('daily-refresh')}):"]
    lines += step_durations(data.log("daily-refresh"))
    lines += ["", f"daily refresh {size}, dbt's slowest models and tests:"]
    lines += slowest_dbt_nodes(data.log("daily-refresh"))
    return "\n".join(lines)


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", default="S", choices=["XS", "S", "M", "L"])
    parser.add_argument("--format", default="parquet", choices=["csv", "parquet"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--dirty-rate", type=float, default=0.0)
    parser.add_argument("--as-of", default=dt.datetime.now(dt.UTC).date().isoformat())
    parser.add_argument(
        "--workdir", type=Path, default=None, help="kept afterwards if given (else a temporary one)"
    )
    parser.add_argument(
        "--skip-generate",
        action="store_true",
        help="reuse the data an earlier run generated in --workdir (its seed, date, format)",
    )
    arguments = parser.parse_args(argv)
    if arguments.skip_generate and arguments.workdir is None:
        parser.error("--skip-generate needs --workdir (the folder of an earlier run)")
    return arguments


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    workdir = arguments.workdir or Path(tempfile.mkdtemp(prefix="b2b-ops-benchmark-"))
    runs: dict[str, SizeRun] = {}
    try:
        # SIZE first (with the floor), then S; at S, one run serves both.
        for size in dict.fromkeys([arguments.size, SMALL]):
            runs[size] = run_size(Data(workdir / size), size, arguments, size == arguments.size)
        print()
        print(details(arguments.size, Data(workdir / arguments.size), runs[arguments.size]))
        print()
        print(report(arguments, runs))
    finally:
        if arguments.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
