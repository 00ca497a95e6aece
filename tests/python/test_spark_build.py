"""`b2b-ops build` on Apache Spark (B2B_OPS_TARGET=spark, issue 15): the
same Dagster job as on DuckDB lands the hand-made fixture, builds and tests
every model on Spark, segments, checks and publishes; every published mart
and semantic table, and every quarantine table, then equals the DuckDB
build's row by row, money to the cent and doubles to 1e-9 (spark_parity's
comparison). The same for the XS demo. Runs only with `make test-spark`
(marker spark; the builds run in the background, two at a time: builds.py);
skipped without Java or the spark extra."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from b2b_ops.dev.checksums import RUN_SPECIFIC_COLUMNS
from b2b_ops.dev.spark_parity import TableResult, compare_table
from b2b_ops.publishing import PUBLISHED_SCHEMAS, read_manifest

# Not published, compared in each engine's warehouse.
QUARANTINE_SCHEMAS = ("quarantine",)
# Columns that differ between any two refreshes: the clustering's run id and
# time (checksums.py), and when each refresh landed the quarantined row.
RUN_SPECIFIC = {**RUN_SPECIFIC_COLUMNS, "quarantined_rows": ("loaded_at",)}


def compared_columns(name: str, columns: list[str]) -> str:
    """The select list of a table without the columns that differ between
    any two runs (RUN_SPECIFIC)."""
    skipped = RUN_SPECIFIC.get(name.split(".")[-1], ())
    return ", ".join(f'"{column}"' for column in columns if column not in skipped)


def published_rows(published: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    """Each published table's columns and rows, read from its Parquet file(s)
    (what a BI tool reads), by schema.table."""
    manifest = read_manifest(published)
    assert manifest, f"{published} has no published.json"
    version = (published / "current").resolve()
    tables = {}
    with duckdb.connect() as connection:
        connection.execute("set TimeZone = 'UTC'")
        for name, table in manifest["tables"].items():
            relation = connection.read_parquet(str(version / table["parquet"]))
            relation = relation.select(compared_columns(name, relation.columns))
            tables[name] = (relation.columns, relation.fetchall())
    return tables


def duckdb_rows(connection: duckdb.DuckDBPyConnection, name: str) -> tuple[list[str], list[tuple]]:
    relation = connection.table(name)
    relation = relation.select(compared_columns(name, relation.columns))
    return relation.columns, relation.fetchall()


def table_names(connection: duckdb.DuckDBPyConnection, schemas: tuple[str, ...]) -> list[str]:
    """schema.table of every table and view in `schemas`."""
    rows = connection.execute(
        "select table_schema || '.' || table_name from information_schema.tables "
        "where table_schema in (select unnest(?)) order by 1",
        [list(schemas)],
    ).fetchall()
    return [name for (name,) in rows]


def compared(
    name: str, duck: tuple[list[str], list[tuple]], spark: dict[str, tuple[list[str], list[tuple]]]
) -> TableResult:
    columns, rows = duck
    if name not in spark:
        return TableResult(name, len(rows), None, max(1, len(rows)), "missing")
    spark_columns, spark_rows = spark[name]
    return compare_table(name, columns, rows, spark_columns, spark_rows)


def published_differences(duckdb_published: Path, spark_published: Path) -> list[TableResult]:
    """Every table the DuckDB build published, compared with the Spark build's."""
    spark_tables = published_rows(spark_published)
    with duckdb.connect(str(duckdb_published / "b2b_ops.duckdb"), read_only=True) as connection:
        return [
            compared(name, duckdb_rows(connection, name), spark_tables)
            for name in table_names(connection, PUBLISHED_SCHEMAS)
        ]


def quarantine_differences(duckdb_warehouse: Path, spark_warehouse: Path) -> list[TableResult]:
    """Every quarantine table of the DuckDB build compared with the Spark
    build's (not published: read through the views over Spark's Parquet
    that the refresh leaves in its DuckDB file)."""
    with duckdb.connect(str(spark_warehouse), read_only=True) as connection:
        connection.execute("set TimeZone = 'UTC'")
        spark_tables = {
            name: duckdb_rows(connection, name)
            for name in table_names(connection, QUARANTINE_SCHEMAS)
        }
    with duckdb.connect(str(duckdb_warehouse), read_only=True) as connection:
        return [
            compared(name, duckdb_rows(connection, name), spark_tables)
            for name in table_names(connection, QUARANTINE_SCHEMAS)
        ]


def assert_no_differences(duckdb_build: Path, spark_build: Path) -> None:
    """The published copies beside two warehouse files, and their quarantine
    tables, compared: every table present on both and equal."""
    published = published_differences(
        duckdb_build.parent / "published", spark_build.parent / "published"
    )
    assert len(published) > 25
    assert {result.table.split(".")[0] for result in published} == set(PUBLISHED_SCHEMAS)
    quarantine = quarantine_differences(duckdb_build, spark_build)
    assert quarantine
    differing = [
        f"{result.table}: {result.differences} of {result.duckdb_rows} rows differ; "
        f"{result.first_difference}"
        for result in published + quarantine
        if result.differences
    ]
    assert not differing, "the Spark build differs from DuckDB's:\n" + "\n".join(differing)


@pytest.mark.spark
def test_the_xs_demo_on_spark_publishes_every_mart_equal_to_the_duckdb_build(
    spark_xs_build, xs_build
):
    """The XS demo (seed 11, as of 2026-06-30: the health test's data) on
    Spark; every activity and worklist mart has rows here (the four empty on
    the hand-made fixture). First in the module: its Spark build is the
    longest, and the background starts the builds in the tests' order."""
    assert_no_differences(xs_build["warehouse"], spark_xs_build["warehouse"])


@pytest.mark.spark
def test_the_spark_build_publishes_every_mart_equal_to_the_duckdb_build(
    spark_handmade_build, handmade_build
):
    assert_no_differences(handmade_build["warehouse"], spark_handmade_build["warehouse"])


@pytest.mark.spark
def test_the_spark_build_says_where_its_parquet_is(spark_handmade_build):
    spark = spark_handmade_build["spark"]
    assert f"{spark / 'tables'}/<schema>.db/<table>/" in spark_handmade_build["stdout"]
    assert any((spark / "tables" / "marts.db").glob("*/*.parquet"))
