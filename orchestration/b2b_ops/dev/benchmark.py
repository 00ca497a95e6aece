"""Benchmark: generate demo data of a size, land it and build the warehouse,
printing the time, rows per second and peak memory of each stage.

    make benchmark SIZE=L        (or: python -m b2b_ops.dev.benchmark --size L)

Figures, not assertions: machines are shared and noisy, so no test times
anything; this script is where speed is measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from b2b_ops.landing import load_landing
from b2b_ops.refresh import run_refresh
from b2b_ops.settings import from_environment, resolved


def peak_memory_mib(who: int) -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(who).ru_maxrss / 1024


def directory_size_mib(path: Path) -> float:
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file()) / 2**20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", default="S", choices=["XS", "S", "M", "L"])
    parser.add_argument("--format", default="parquet", choices=["csv", "parquet"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--as-of", default=dt.date.today().isoformat())
    parser.add_argument("--workdir", type=Path, default=None, help="kept afterwards if given")
    arguments = parser.parse_args(argv)

    workdir = arguments.workdir or Path(tempfile.mkdtemp(prefix="b2b-ops-benchmark-"))
    landing, truth, warehouse = (
        workdir / "landing",
        workdir / "ground_truth",
        workdir / "warehouse.duckdb",
    )
    rows: list[tuple[str, float, str]] = []
    try:
        started = time.perf_counter()
        # The generator runs in its own process so its peak memory is its own.
        subprocess.run(
            [
                sys.executable,
                "-m",
                "b2b_ops.demo_data",
                "--size",
                arguments.size,
                "--seed",
                str(arguments.seed),
                "--as-of",
                arguments.as_of,
                "--landing-dir",
                str(landing),
                "--truth-dir",
                str(truth),
                "--format",
                arguments.format,
            ],
            check=True,
        )
        generate_seconds = time.perf_counter() - started
        rows.append(
            (
                "generate",
                generate_seconds,
                f"{directory_size_mib(landing):,.0f} MiB of {arguments.format}; "
                f"peak {peak_memory_mib(resource.RUSAGE_CHILDREN):,.0f} MiB",
            )
        )

        # The environment's settings (memory cap, vars) on this run's folders.
        settings = from_environment(
            landing_dir=str(landing), warehouse=str(warehouse), as_of_date=arguments.as_of
        )
        started = time.perf_counter()
        results = load_landing(landing, warehouse, duckdb_config=resolved(settings).duckdb_config)
        load_seconds = time.perf_counter() - started
        landed = sum(result.rows_landed for result in results)
        rows.append(
            (
                "load",
                load_seconds,
                f"{landed:,} rows, {landed / load_seconds:,.0f} rows/s; "
                f"peak {peak_memory_mib(resource.RUSAGE_SELF):,.0f} MiB",
            )
        )

        # The whole refresh job as make build runs it: it lands the files
        # again, then dbt, segmentation and publishing.
        started = time.perf_counter()
        run_refresh(settings)
        build_seconds = time.perf_counter() - started
        rows.append(
            (
                "refresh",
                build_seconds,
                f"warehouse {warehouse.stat().st_size / 2**20:,.0f} MiB; "
                f"peak of any child {peak_memory_mib(resource.RUSAGE_CHILDREN):,.0f} MiB",
            )
        )
    finally:
        if arguments.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)

    print(
        f"\nbenchmark: size {arguments.size}, seed {arguments.seed}, {arguments.format}, "
        f"as of {arguments.as_of}, on this machine"
    )
    for stage, seconds, detail in rows:
        print(f"  {stage:<10}{seconds:>9.1f} s   {detail}")
    print(f"  {'total':<10}{sum(row[1] for row in rows):>9.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
