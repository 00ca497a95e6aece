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

`--engine spark` (make benchmark ENGINE=spark SIZE=M) compares the engines
instead: for each size from XS up to SIZE (XS, S, M), on the same generated
files, the full refresh on DuckDB and the full refresh on Spark
(B2B_OPS_TARGET=spark, its warehouse and Spark folder under DIR/<size>/
warehouse-spark/), then one table of both engines' time and peak memory,
Spark's time over DuckDB's and how each engine's time grows from one size to
the next (b2b_ops.dev.benchmark_engines). No floor and no daily refresh
there: a Spark refresh builds the incremental models whole (Parquet cannot
delete rows), so its daily refresh is a full rebuild. A failed refresh is
named with its log in the output; the other figures are still printed.

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

from b2b_ops.demo_data.config import SIZES
from b2b_ops.demo_data.deliveries import deliver_next_day
from b2b_ops.dev.benchmark_engines import (
    GIB,
    SPARK_DAILY_NOTE,
    Failed,
    Outcome,
    SizeComparison,
    comparison_table,
    failures,
    gib,
    stage_table,
)
from b2b_ops.dev.measured_run import Measurement, StepFailedError, run_measured
from b2b_ops.spark_tables import spark_missing

# The daily refresh at SIZE is compared with the same refresh at this size.
SMALL = "S"
HELD_BACK_DAYS = 1
# The engines a refresh builds on (B2B_OPS_TARGET); DuckDB is the default.
DUCKDB, SPARK = "duckdb", "spark"
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

    def warehouse(self, engine: str = DUCKDB) -> Path:
        # Each engine's refresh has a warehouse (and published copy) of its own.
        folder = "warehouse" if engine == DUCKDB else f"warehouse-{engine}"
        return self.root / folder / "w.duckdb"

    @property
    def spark_folder(self) -> Path:
        return self.warehouse(SPARK).parent / "spark"

    @property
    def manifest(self) -> Path:
        return self.root / "benchmark.json"

    @property
    def generated(self) -> Path:
        # The generator's manifest: each table's rows.
        return self.root / "ground_truth" / "manifest.json"

    def log(self, step: str) -> Path:
        return self.root / "logs" / f"{step}.log"


def child_environment(data: Data, as_of: str, engine: str = DUCKDB) -> dict[str, str]:
    """The caller's environment (memory cap, threads ...) pointed at this data
    and `engine`'s warehouse; no DAGSTER_HOME (a throwaway Dagster instance)
    and no VIRTUAL_ENV."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DAGSTER_HOME", "VIRTUAL_ENV")
    }
    spark = {"B2B_OPS_SPARK_WAREHOUSE": str(data.spark_folder)} if engine == SPARK else {}
    return {
        **inherited,
        "B2B_OPS_LANDING_DIR": str(data.landing),
        "B2B_OPS_AS_OF_DATE": as_of,
        "B2B_OPS_WAREHOUSE": str(data.warehouse(engine)),
        "B2B_OPS_TARGET": engine,
        **spark,
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


def prepare(data: Data, size: str, arguments: argparse.Namespace) -> Measurement | None:
    """Generate a size's data, or with --skip-generate reuse it as generated
    (arguments.as_of becomes its date); the generation's measurement, if any."""
    if not arguments.skip_generate:
        return generate(data, size, arguments)
    arguments.as_of = json.loads(data.manifest.read_text())["as_of"]
    put_back_held_days(data)
    return None


def full_refresh_log(data: Data, engine: str) -> Path:
    return data.log("full-refresh" if engine == DUCKDB else f"full-refresh-{engine}")


def full_refresh(data: Data, as_of: str, engine: str = DUCKDB) -> Measurement:
    """`b2b-ops build --full-refresh` on `engine` into a new warehouse."""
    shutil.rmtree(data.warehouse(engine).parent, ignore_errors=True)
    return run_measured(
        [CLI, "build", "--full-refresh"],
        child_environment(data, as_of, engine),
        full_refresh_log(data, engine),
    )


def run_size(data: Data, size: str, arguments: argparse.Namespace, with_floor: bool) -> SizeRun:
    """Generate (or reuse) a size's data, the floor on it if asked, a full
    refresh into a new warehouse, then the next day delivered and refreshed."""
    generated = prepare(data, size, arguments)
    environment = child_environment(data, arguments.as_of)
    floor = None
    if with_floor:
        command = [sys.executable, "-m", "b2b_ops.dev.benchmark_floor", str(data.landing)]
        floor = run_measured(
            [*command, str(data.root / "floor" / "floor.duckdb")], environment, data.log("floor")
        )
    full = full_refresh(data, arguments.as_of)
    if not deliver_next_day(data.next_days, data.landing):
        raise RuntimeError(f"no held-back day in {data.next_days}: generate the data again")
    daily = run_measured([CLI, "build"], environment, data.log("daily-refresh"))
    return SizeRun(generated, floor, full, daily)


def full_log_lines(log: Path) -> list[str]:
    """The lines of the full log a refresh names in its output (its "log" line)."""
    progress = log.read_text(encoding="utf-8").splitlines()
    full_log = next(Path(line.split()[-1]) for line in progress if line.startswith("  log "))
    return full_log.read_text(encoding="utf-8").splitlines()


def step_times(log: Path) -> dict[str, str]:
    """Each Dagster step's time as Dagster writes it ("6.17s", "315ms")."""
    finished = re.compile(r'Finished execution of step "(\S+)" in (\S+)\.$')
    matches = (finished.search(line) for line in full_log_lines(log))
    return {match[1]: match[2] for match in matches if match}


def step_durations(log: Path) -> list[str]:
    """Each Dagster step's time."""
    return [f"  {step:<30}{duration:>10}" for step, duration in step_times(log).items()]


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


def setting(name: str) -> str:
    return f"{name} {os.environ.get(name, 'unset (the default)')}"


def run_description(arguments: argparse.Namespace, settings: list[str]) -> str:
    """The data's parameters and the engine settings a run was measured with."""
    return (
        f"seed {arguments.seed}, {arguments.format}, dirty rate {arguments.dirty_rate}, "
        f"as of {arguments.as_of}; {'; '.join(setting(name) for name in settings)}"
    )


def report(arguments: argparse.Namespace, runs: dict[str, SizeRun]) -> str:
    size = arguments.size
    large, small = runs[size], runs[SMALL]
    lines = [
        f"benchmark: size {size} (daily refresh also at {SMALL}), "
        + run_description(arguments, ["B2B_OPS_DUCKDB_MEMORY_LIMIT"]),
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


def slowest_nodes_lines(name: str, log: Path) -> list[str]:
    return [f"{name}, dbt's slowest models and tests (log: {log}):", *slowest_dbt_nodes(log)]


def details(size: str, data: Data) -> str:
    """The full and daily refresh's step times, and dbt's slowest nodes."""
    lines = []
    for name, log in [
        (f"full refresh {size}", data.log("full-refresh")),
        (f"daily refresh {size}", data.log("daily-refresh")),
    ]:
        lines += [f"{name}, Dagster's steps (log: {log}):", *step_durations(log), ""]
        lines += [*slowest_nodes_lines(name, log), ""]
    return "\n".join(lines).rstrip()


def duckdb_benchmark(workdir: Path, arguments: argparse.Namespace) -> str:
    """The floor, the full and the daily refresh at SIZE, and both refreshes at S."""
    runs: dict[str, SizeRun] = {}
    # SIZE first (with the floor), then S; at S, one run serves both.
    for size in dict.fromkeys([arguments.size, SMALL]):
        runs[size] = run_size(Data(workdir / size), size, arguments, size == arguments.size)
    details_text = details(arguments.size, Data(workdir / arguments.size))
    return f"\n{details_text}\n\n{report(arguments, runs)}"


def sizes_up_to(size: str) -> list[str]:
    """The sizes from XS up to `size`: the growth curve starts where the
    fixed cost of a refresh is most of it."""
    order = list(SIZES)
    return order[: order.index(size) + 1]


def attempt_full_refresh(data: Data, size: str, as_of: str, engine: str) -> Outcome:
    """The full refresh on `engine`; a failure is returned (named, with its
    log), not raised, so that the other figures are still printed."""
    try:
        return full_refresh(data, as_of, engine)
    except StepFailedError as error:
        return Failed(f"full refresh {size} on {engine}: {error}")


def generated_rows(data: Data, table: str) -> int:
    return json.loads(data.generated.read_text())["tables"][table]["rows"]


def compare_size(data: Data, size: str, arguments: argparse.Namespace) -> SizeComparison:
    """Generate (or reuse) a size's data, then its full refresh on each engine."""
    prepare(data, size, arguments)
    return SizeComparison(
        size=size,
        accounts=generated_rows(data, "crm/accounts"),
        events=generated_rows(data, "product/events"),
        duckdb=attempt_full_refresh(data, size, arguments.as_of, DUCKDB),
        spark=attempt_full_refresh(data, size, arguments.as_of, SPARK),
    )


def engine_details(data: Data, row: SizeComparison) -> str:
    """Both engines' Dagster steps at one size side by side, and each
    engine's slowest dbt nodes (of the refreshes that succeeded)."""
    logs = {
        engine: full_refresh_log(data, engine)
        for engine, outcome in [(DUCKDB, row.duckdb), (SPARK, row.spark)]
        if isinstance(outcome, Measurement)
    }
    times = {engine: step_times(log) for engine, log in logs.items()}
    lines = [stage_table(row.size, times.get(DUCKDB, {}), times.get(SPARK, {}))]
    for engine, log in logs.items():
        lines += ["", *slowest_nodes_lines(f"full refresh {row.size} on {engine}", log)]
    return "\n".join(lines)


def engine_report(workdir: Path, arguments: argparse.Namespace, rows: list[SizeComparison]) -> str:
    """The largest size's details, then both engines' table at every size."""
    description = run_description(
        arguments,
        ["B2B_OPS_DUCKDB_MEMORY_LIMIT", "B2B_OPS_SPARK_MASTER", "B2B_OPS_SPARK_DRIVER_MEMORY"],
    )
    lines = [engine_details(Data(workdir / rows[-1].size), rows[-1]), ""]
    lines += [f"benchmark: full refresh on DuckDB and on Spark, {description}", ""]
    lines += [comparison_table(rows), "", SPARK_DAILY_NOTE, *failures(rows)]
    return "\n".join(lines)


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", default="S", choices=list(SIZES))
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
    parser.add_argument(
        "--engine",
        default=DUCKDB,
        choices=[DUCKDB, SPARK],
        help="spark: the full refresh on DuckDB and on Spark at each size from XS up to --size",
    )
    arguments = parser.parse_args(argv)
    if arguments.skip_generate and arguments.workdir is None:
        parser.error("--skip-generate needs --workdir (the folder of an earlier run)")
    if arguments.engine == SPARK and (missing := spark_missing()):
        parser.error(f"--engine spark: {missing}")
    return arguments


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    workdir = arguments.workdir or Path(tempfile.mkdtemp(prefix="b2b-ops-benchmark-"))
    try:
        if arguments.engine == SPARK:
            # The full refresh on DuckDB and on Spark at each size from XS up to SIZE.
            rows = [
                compare_size(Data(workdir / size), size, arguments)
                for size in sizes_up_to(arguments.size)
            ]
            print(engine_report(workdir, arguments, rows))
            return 1 if failures(rows) else 0
        print(duckdb_benchmark(workdir, arguments))
        return 0
    finally:
        if arguments.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
