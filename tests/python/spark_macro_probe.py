"""Run one query over the same input rows on DuckDB and on Spark and print,
as JSON, how many values of each output column differ (doubles beyond
1e-9, relative beyond 1). Used by test_spark_parity.py, in a process of its
own so that its JVM ends with it:

    python tests/python/spark_macro_probe.py DUCKDB_SQL_FILE SPARK_SQL_FILE

Both queries read a table `t` with the columns id, x (a double), s (a
chi-square statistic) and k (degrees of freedom), and must output id.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import duckdb
import pandas as pd

STATISTICS = [0.0, 0.5, 1.0, 3.84, 7.5, 15.0, 40.0, 120.0, math.inf, None]


def input_rows() -> pd.DataFrame:
    """Money-like doubles, many on a half cent (1.005, 1591.215, ...), and statistics for k = 0..6."""
    values = [i / 1000 + 0.005 for i in range(-20000, 20000)]
    values += [i / 1000 * 1.06081 for i in range(-20000, 20000)]
    values += [1591.215, 1.005, 0.285, 1.115, 2.675, 0.125, -0.125, 0.0, -2.855]
    return pd.DataFrame(
        {
            "id": range(len(values)),
            "x": values,
            "s": [STATISTICS[i % len(STATISTICS)] for i in range(len(values))],
            "k": [i % 7 for i in range(len(values))],
        }
    )


def differing(left: float, right: float) -> bool:
    if (left is None or math.isnan(left)) and (right is None or math.isnan(right)):
        return False
    if left is None or right is None or math.isnan(left) or math.isnan(right):
        return True
    return abs(left - right) > 1e-9 * max(1.0, abs(left), abs(right))


def main(duckdb_sql: str, spark_sql: str) -> dict[str, int]:
    from pyspark.sql import SparkSession

    rows = input_rows()
    connection = duckdb.connect()
    connection.register("t", rows)
    duck = connection.sql(duckdb_sql).df().sort_values("id").reset_index(drop=True)
    spark = (
        SparkSession.builder.master("local[1]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    spark.createDataFrame(rows).createOrReplaceTempView("t")
    sparked = spark.sql(spark_sql).toPandas().sort_values("id").reset_index(drop=True)
    spark.stop()
    return {
        column: sum(
            differing(left, right)
            for left, right in zip(duck[column], sparked[column], strict=True)
        )
        for column in duck.columns
        if column != "id"
    } | {"rows": len(duck)}


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]).read_text(), Path(sys.argv[2]).read_text())))
