"""The engine comparison of `make benchmark ENGINE=spark`, without a build:
its table from hand-made measurements, the sizes it runs, where each
engine's refresh writes, and a failed refresh reported instead of raised.
No timing is asserted: the measurements are made up."""

from __future__ import annotations

from pathlib import Path

import pytest

from b2b_ops.dev import benchmark
from b2b_ops.dev.benchmark_engines import (
    GIB,
    Failed,
    SizeComparison,
    comparison_table,
    failures,
    stage_table,
)
from b2b_ops.dev.measured_run import Measurement, StepFailedError

FAILED_L = Failed("full refresh L on spark: b2b-ops build exited with 1; its output is in /x.log")
ROWS = [
    SizeComparison("S", 2_000, 2_000_000, Measurement(60.0, GIB), Measurement(300.0, 3 * GIB)),
    SizeComparison("M", 10_000, 10_000_000, Measurement(90.0, 2 * GIB), Measurement(600.0, GIB)),
    SizeComparison("L", 50_000, 50_000_000, Measurement(225.0, 4 * GIB), FAILED_L),
]


def test_the_table_gives_each_engine_its_ratio_and_growth_from_the_size_before():
    # Worked out by hand. Spark / DuckDB: S 300 / 60 = 5.00, M 600 / 90 =
    # 6.666... = 6.67, L Spark failed: "-". Growth over the size before
    # ("-" at S): events M 10 M / 2 M = 5.00, L 50 M / 10 M = 5.00; DuckDB
    # M 90 / 60 = 1.50, L 225 / 90 = 2.50; Spark M 600 / 300 = 2.00, L "-".
    lines = comparison_table(ROWS).splitlines()
    assert lines[2:] == [
        "| S | 2,000 | 2,000,000 | 60.0 | 1.0 GiB | 300.0 | 3.0 GiB | 5.00 | - | - | - |",
        "| M | 10,000 | 10,000,000 | 90.0 | 2.0 GiB | 600.0 | 1.0 GiB | 6.67 | 5.00 | 1.50 | 2.00 |",
        "| L | 50,000 | 50,000,000 | 225.0 | 4.0 GiB | failed | failed | - | 5.00 | 2.50 | - |",
    ]
    assert lines[0].count("|") == lines[2].count("|") == lines[1].count("|")


def test_a_failed_refresh_is_listed_with_its_log():
    assert failures(ROWS) == [f"failed: {FAILED_L.message}"]


def test_the_stage_table_puts_both_engines_steps_side_by_side():
    duckdb = {"land_files": "315ms", "dbt_warehouse": "33.62s"}
    spark = {"land_files": "1.2s", "export_landed": "4s", "dbt_warehouse": "5m 2s"}
    assert stage_table("M", duckdb, spark).splitlines()[2:] == [
        "| land_files | 315ms | 1.2s |",
        "| dbt_warehouse | 33.62s | 5m 2s |",
        "| export_landed | - | 4s |",
    ]


@pytest.mark.parametrize(
    ("size", "sizes"),
    [("XS", ["XS"]), ("S", ["XS", "S"]), ("M", ["XS", "S", "M"]), ("L", ["XS", "S", "M", "L"])],
)
def test_the_comparison_runs_every_size_from_xs_up_to_the_size_asked(size, sizes):
    assert benchmark.sizes_up_to(size) == sizes


def test_each_engine_refreshes_into_a_warehouse_of_its_own(tmp_path: Path):
    data = benchmark.Data(tmp_path / "M")
    duckdb = benchmark.child_environment(data, "2026-06-30", benchmark.DUCKDB)
    spark = benchmark.child_environment(data, "2026-06-30", benchmark.SPARK)
    assert (duckdb["B2B_OPS_TARGET"], spark["B2B_OPS_TARGET"]) == ("duckdb", "spark")
    assert duckdb["B2B_OPS_LANDING_DIR"] == spark["B2B_OPS_LANDING_DIR"]
    assert duckdb["B2B_OPS_WAREHOUSE"] != spark["B2B_OPS_WAREHOUSE"]
    assert Path(spark["B2B_OPS_SPARK_WAREHOUSE"]).is_relative_to(data.root)


def test_a_failed_refresh_is_returned_named_not_raised(tmp_path: Path, monkeypatch):
    def fail(command: list[str], env: dict[str, str], log: Path) -> Measurement:
        raise StepFailedError(f"{' '.join(command)} exited with 1; its output is in {log}")

    monkeypatch.setattr(benchmark, "run_measured", fail)
    data = benchmark.Data(tmp_path / "M")
    outcome = benchmark.attempt_full_refresh(data, "M", "2026-06-30", benchmark.SPARK)
    assert isinstance(outcome, Failed)
    assert outcome.message.startswith("full refresh M on spark: ")
    assert str(data.log("full-refresh-spark")) in outcome.message
