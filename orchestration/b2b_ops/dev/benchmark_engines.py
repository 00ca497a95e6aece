"""The tables of `make benchmark ENGINE=spark`: DuckDB and Spark side by side.

For each size from XS up to SIZE the benchmark (b2b_ops.dev.benchmark) times
a full refresh on each engine on the same generated files. This module only
renders what it measured, so a test can check the arithmetic without a build:

- `comparison_table`: one row per size: the rows generated, each engine's
  seconds and peak memory, Spark's time over DuckDB's, and how each engine's
  time (and the events) grew from the size before (time at M / time at S);
- `stage_table`: Dagster's steps of both engines' full refresh at one size.

A step that failed shows as "failed" in its cells, and `failures` lists each
one with its log, so one engine's failure does not hide the other's figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from b2b_ops.dev.measured_run import Measurement

GIB = 2**30
NOT_APPLICABLE = "-"
# Why the benchmark times no daily refresh on Spark (docs/spark.md).
SPARK_DAILY_NOTE = (
    "No daily refresh on Spark: Parquet tables cannot delete rows, so every Spark refresh "
    "builds the incremental models whole; its daily refresh is a full rebuild and takes "
    "about the full refresh's time (docs/spark.md)."
)


@dataclass(frozen=True)
class Failed:
    """A measured step that exited with an error; the message names the step and its log."""

    message: str


Outcome = Measurement | Failed


@dataclass(frozen=True)
class SizeComparison:
    """One size's rows and its full refresh on each engine."""

    size: str
    accounts: int
    events: int
    duckdb: Outcome
    spark: Outcome


def gib(size_bytes: int) -> str:
    return f"{size_bytes / GIB:.1f} GiB"


def seconds_cell(outcome: Outcome) -> str:
    return f"{outcome.seconds:.1f}" if isinstance(outcome, Measurement) else "failed"


def peak_cell(outcome: Outcome) -> str:
    return gib(outcome.peak_bytes) if isinstance(outcome, Measurement) else "failed"


def time_ratio(numerator: Outcome, denominator: Outcome) -> str:
    """numerator's seconds over denominator's, or "-" when either failed."""
    if isinstance(numerator, Measurement) and isinstance(denominator, Measurement):
        return f"{numerator.seconds / denominator.seconds:.2f}"
    return NOT_APPLICABLE


def comparison_table(rows: list[SizeComparison]) -> str:
    """The sizes in the order given (smallest first); growth is each value over
    the previous row's, "-" on the first row."""
    lines = [
        "| size | accounts | events | DuckDB seconds | DuckDB peak | Spark seconds | Spark peak "
        "| Spark / DuckDB time | events growth | DuckDB time growth | Spark time growth |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    previous = None
    for row in rows:
        if previous is None:
            growths = [NOT_APPLICABLE] * 3
        else:
            growths = [
                f"{row.events / previous.events:.2f}",
                time_ratio(row.duckdb, previous.duckdb),
                time_ratio(row.spark, previous.spark),
            ]
        cells = [row.size, f"{row.accounts:,}", f"{row.events:,}"]
        cells += [seconds_cell(row.duckdb), peak_cell(row.duckdb)]
        cells += [seconds_cell(row.spark), peak_cell(row.spark)]
        cells += [time_ratio(row.spark, row.duckdb), *growths]
        lines.append(f"| {' | '.join(cells)} |")
        previous = row
    return "\n".join(lines)


def failures(rows: list[SizeComparison]) -> list[str]:
    """Each failed step's message (it names the step and its log)."""
    outcomes = [outcome for row in rows for outcome in (row.duckdb, row.spark)]
    return [f"failed: {outcome.message}" for outcome in outcomes if isinstance(outcome, Failed)]


def stage_table(size: str, duckdb: dict[str, str], spark: dict[str, str]) -> str:
    """Dagster's steps of the full refresh at `size` on both engines, in the
    order they finished on DuckDB (a step only one engine ran shows "-" for
    the other)."""
    lines = [
        f"| full refresh {size}: Dagster step | DuckDB | Spark |",
        "| --- | --- | --- |",
    ]
    for step in dict.fromkeys([*duckdb, *spark]):
        cells = [step, duckdb.get(step, NOT_APPLICABLE), spark.get(step, NOT_APPLICABLE)]
        lines.append(f"| {' | '.join(cells)} |")
    return "\n".join(lines)
