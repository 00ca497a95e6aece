"""Build a landed DuckDB warehouse's dbt project again on Apache Spark and
compare every table of the chosen schemas row by row (issue 15, parity).

    python -m b2b_ops.dev.spark_parity DUCKDB_FILE --spark-dir DIR --as-of YYYY-MM-DD

The DuckDB warehouse is a finished `b2b-ops build`. Its landed tables
(schema raw, landed by b2b_ops.landing with its structural checks) and the
segmentation's output (schema ml) are copied into Spark tables through
Parquet (as B2B_OPS_TARGET=spark does; dbt's on-run-start hook registers
them), so both engines start from the same rows and the same _loaded_at.
Then dbt builds the seeds and every model with the profile's `spark` target,
in this process's SparkSession (Spark's Derby metastore admits one JVM at a
time, so dbt and the comparison share one), and each table of
marts, semantic and quarantine is compared with DuckDB's: the same columns,
the same number of rows, and, rows sorted, equal values (decimals exactly,
so money to the cent; doubles within 1e-9, relative beyond 1).

Prints one line per table and writes the whole result as JSON (--report).
Needs the `spark` extra (make setup-spark) and Java 17 or 21.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

from b2b_ops.settings import PROJECT_DIR
from b2b_ops.spark_tables import export_landed

COPIED_SCHEMAS = ("raw", "ml")
COMPARED_SCHEMAS = ("marts", "semantic", "quarantine")
DOUBLE_TOLERANCE = 1e-9
# What dbt build makes on Spark (its results also list the saved queries and
# exposures, which build nothing).
BUILT_RESOURCE_TYPES = ("model", "seed", "snapshot", "operation")
# Spark's settings for the run: the ones profiles.yml's spark target gives
# (its master, memory and folders from the same environment variables).
SQL_SETTINGS = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.shuffle.partitions": "2",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    # dbt-spark turns ANSI mode off in its sessions; the copy does the same.
    "spark.sql.ansi.enabled": "false",
}


@dataclass
class TableResult:
    """One compared table: its rows on each engine and what differs."""

    table: str
    duckdb_rows: int
    spark_rows: int | None
    differences: int
    first_difference: str = ""


@dataclass
class ParityResult:
    dbt_succeeded: list[str] = field(default_factory=list)
    dbt_failed: dict[str, str] = field(default_factory=dict)
    tables: list[TableResult] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def differences(self) -> int:
        return sum(table.differences for table in self.tables)


def start_spark(spark_dir: Path):
    """The SparkSession dbt reuses (it calls getOrCreate with the same settings)."""
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.enableHiveSupport()
        .master(os.environ.get("B2B_OPS_SPARK_MASTER", "local[2]"))
        .config("spark.driver.memory", os.environ.get("B2B_OPS_SPARK_DRIVER_MEMORY", "2g"))
        .config("spark.sql.warehouse.dir", str(spark_dir / "tables"))
        .config(
            "spark.hadoop.javax.jdo.option.ConnectionURL",
            f"jdbc:derby:;databaseName={spark_dir / 'metastore_db'};create=true",
        )
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={spark_dir / 'derby'}")
    )
    for name, value in SQL_SETTINGS.items():
        builder = builder.config(name, value)
    return builder.getOrCreate()


def copy_landed_tables(warehouse: Path, spark_dir: Path) -> list[str]:
    """Write the DuckDB warehouse's raw and ml tables as Parquet where the spark
    target lands them (spark_tables.export_landed); dbt's on-run-start hook
    registers them as Spark tables of the same names."""
    return export_landed(warehouse, spark_dir, COPIED_SCHEMAS)


def run_dbt_on_spark(
    as_of: str, target_path: Path, select: str | None = None
) -> tuple[list[str], dict[str, str]]:
    """`dbt build` of seeds and models (no tests) with the spark target; the nodes built and the failed ones."""
    from dbt.cli.main import dbtRunner

    arguments = [
        "build",
        "--target",
        "spark",
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(target_path),
        "--vars",
        json.dumps({"as_of_date": as_of}),
        "--exclude-resource-type",
        "test",
        "--exclude-resource-type",
        "unit_test",
    ]
    if select:
        arguments += ["--select", select]
    outcome = dbtRunner().invoke(arguments)
    if outcome.result is None:
        raise RuntimeError(f"dbt build on Spark did not run: {outcome.exception}")
    succeeded, failed = [], {}
    for result in outcome.result.results:
        name = result.node.unique_id
        if result.node.resource_type not in BUILT_RESOURCE_TYPES:
            continue
        if str(result.status) == "success":
            succeeded.append(name)
        else:
            failed[name] = f"{result.status}: {(result.message or '')[:300]}"
    return succeeded, failed


def normalised(value: object) -> object:
    """A value both engines' Python rows can be compared on (NaN is None)."""
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def sort_key(row: tuple) -> tuple:
    """Rows sorted on every column: doubles to 9 significant digits, nulls first."""
    key = []
    for value in row:
        if value is None:
            key.append((0, ""))
        elif isinstance(value, float):
            key.append((1, float(f"{value:.9g}")))
        elif isinstance(value, int | Decimal):
            key.append((1, float(value)))
        elif isinstance(value, dt.datetime | dt.date):
            key.append((2, value.isoformat()))
        else:
            key.append((3, str(value)))
    return tuple(key)


def values_equal(left: object, right: object) -> bool:
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, float) or isinstance(right, float):
        left, right = float(left), float(right)
        if math.isinf(left) or math.isinf(right):
            return left == right
        return abs(left - right) <= DOUBLE_TOLERANCE * max(1.0, abs(left), abs(right))
    return left == right


def compare_table(
    name: str, columns: list[str], duck_rows: list, spark_columns: list[str], spark_rows: list
) -> TableResult:
    result = TableResult(name, len(duck_rows), len(spark_rows), 0)
    if spark_columns != columns:
        result.differences = max(1, len(duck_rows))
        result.first_difference = f"columns differ: DuckDB {columns}, Spark {spark_columns}"
        return result
    duck_sorted = sorted((tuple(normalised(v) for v in row) for row in duck_rows), key=sort_key)
    spark_sorted = sorted((tuple(normalised(v) for v in row) for row in spark_rows), key=sort_key)
    if len(duck_sorted) != len(spark_sorted):
        result.differences = abs(len(duck_sorted) - len(spark_sorted))
        result.first_difference = "row counts differ"
        return result
    for duck_row, spark_row in zip(duck_sorted, spark_sorted, strict=True):
        unequal = [
            f"{column}: DuckDB {duck!r}, Spark {spark!r}"
            for column, duck, spark in zip(columns, duck_row, spark_row, strict=True)
            if not values_equal(duck, spark)
        ]
        if unequal:
            result.differences += 1
            if not result.first_difference:
                result.first_difference = "; ".join(unequal[:3])
    return result


def compare_tables(spark, warehouse: Path) -> list[TableResult]:
    results = []
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        tables = connection.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in (select unnest(?)) and table_type = 'BASE TABLE' "
            "order by 1, 2",
            [list(COMPARED_SCHEMAS)],
        ).fetchall()
        for schema, table in tables:
            name = f"{schema}.{table}"
            relation = connection.table(f'"{schema}"."{table}"')
            columns, duck_rows = relation.columns, relation.fetchall()
            if not spark.catalog.tableExists(name):
                results.append(
                    TableResult(
                        name, len(duck_rows), None, max(1, len(duck_rows)), "missing on Spark"
                    )
                )
                continue
            frame = spark.table(name)
            results.append(
                compare_table(
                    name, columns, duck_rows, frame.columns, [tuple(row) for row in frame.collect()]
                )
            )
    return results


def run(
    warehouse: Path, spark_dir: Path, as_of: str, select: str | None = None, copy: bool = True
) -> ParityResult:
    os.environ["B2B_OPS_SPARK_WAREHOUSE"] = str(spark_dir)
    result = ParityResult()
    started = time.monotonic()
    spark = start_spark(spark_dir)
    result.seconds["spark_start"] = time.monotonic() - started
    step = time.monotonic()
    if copy:
        copy_landed_tables(warehouse, spark_dir)
    result.seconds["copy_landed"] = time.monotonic() - step
    step = time.monotonic()
    result.dbt_succeeded, result.dbt_failed = run_dbt_on_spark(
        as_of, spark_dir / "dbt-target", select
    )
    result.seconds["dbt_build"] = time.monotonic() - step
    step = time.monotonic()
    result.tables = compare_tables(spark, warehouse)
    result.seconds["compare"] = time.monotonic() - step
    result.seconds["total"] = time.monotonic() - started
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "warehouse", type=Path, help="the DuckDB warehouse of a finished b2b-ops build"
    )
    parser.add_argument(
        "--spark-dir",
        type=Path,
        required=True,
        help="an empty folder for Spark's tables and metastore",
    )
    parser.add_argument("--as-of", required=True, help="the build's as-of date (YYYY-MM-DD)")
    parser.add_argument("--report", type=Path, help="write the result here as JSON")
    parser.add_argument(
        "--select", help="build only these dbt nodes (dbt's --select), e.g. after fixing one"
    )
    parser.add_argument(
        "--skip-copy",
        action="store_true",
        help="keep the landed tables of an earlier run in --spark-dir",
    )
    arguments = parser.parse_args(argv)
    spark_dir = arguments.spark_dir.resolve()
    spark_dir.mkdir(parents=True, exist_ok=True)
    result = run(
        arguments.warehouse.resolve(),
        spark_dir,
        arguments.as_of,
        select=arguments.select,
        copy=not arguments.skip_copy,
    )
    for table in result.tables:
        print(
            f"{table.table:55} rows {table.duckdb_rows:>6} / {table.spark_rows!s:>6}  differences {table.differences}"
            + (f"  first: {table.first_difference}" if table.first_difference else "")
        )
    for node, message in result.dbt_failed.items():
        print(f"dbt on Spark failed: {node}: {message}")
    print(
        f"dbt on Spark: {len(result.dbt_succeeded)} built, {len(result.dbt_failed)} failed; "
        f"tables compared {len(result.tables)}, differences {result.differences}; "
        + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in result.seconds.items())
    )
    if arguments.report:
        arguments.report.write_text(
            json.dumps({**asdict(result), "differences": result.differences}, indent=2, default=str)
        )
    return 0 if result.differences == 0 and not result.dbt_failed else 1


if __name__ == "__main__":
    sys.exit(main())
