"""`b2b-ops build` on Apache Spark (B2B_OPS_TARGET=spark, issue 15): the
same Dagster job as on DuckDB lands the hand-made fixture, builds and tests
every model on Spark, segments, checks and publishes; every published mart
(and semantic table) then equals the DuckDB build's row by row, money to the
cent and doubles to 1e-9 (spark_parity's comparison). Runs only with `make
test-spark` (marker spark); skipped without Java or the spark extra."""

from __future__ import annotations

import datetime as dt
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from b2b_ops.dev.checksums import RUN_SPECIFIC_COLUMNS
from b2b_ops.dev.spark_parity import TableResult, compare_table
from b2b_ops.publishing import PUBLISHED_SCHEMAS, read_manifest
from b2b_ops.settings import PROJECT_DIR
from builds import CLI, HANDMADE_AS_OF, HANDMADE_LANDING, XS_AS_OF, cli_environment
from test_spark_parity import missing_requirement


def run_spark_build(landing: Path, as_of: dt.date, root: Path) -> dict:
    """`b2b-ops build` of a landing folder with B2B_OPS_TARGET=spark into root."""
    reason = missing_requirement()
    if reason:
        pytest.skip(reason)
    started = time.monotonic()
    build = subprocess.run(
        [CLI, "build"],
        cwd=PROJECT_DIR,
        env=cli_environment(
            B2B_OPS_TARGET="spark",
            B2B_OPS_LANDING_DIR=str(landing),
            B2B_OPS_AS_OF_DATE=as_of.isoformat(),
            B2B_OPS_WAREHOUSE=str(root / "w.duckdb"),
            TZ="UTC",
        ),
        capture_output=True,
        text=True,
    )
    print(f"b2b-ops build on Spark of {landing}: {time.monotonic() - started:.0f} s")
    assert build.returncode == 0, (
        f"the Spark build failed:\n{build.stdout[-5000:]}\n{build.stderr[-5000:]}"
    )
    return {"published": root / "published", "spark": root / "spark", "stdout": build.stdout}


@pytest.fixture(scope="module")
def spark_build(tmp_path_factory) -> dict:
    """The hand-made fixture as of 2025-06-30 (as the handmade_build fixture) on Spark."""
    return run_spark_build(HANDMADE_LANDING, HANDMADE_AS_OF, tmp_path_factory.mktemp("spark_build"))


def compared_columns(name: str, columns: list[str]) -> str:
    """The select list of a published table without the columns that differ
    between any two runs (the clustering's run id and time: checksums.py)."""
    skipped = RUN_SPECIFIC_COLUMNS.get(name.split(".")[-1], ())
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


def published_differences(duckdb_published: Path, spark_published: Path) -> list[TableResult]:
    """Every table the DuckDB build published, compared with the Spark build's."""
    spark_tables = published_rows(spark_published)
    results = []
    with duckdb.connect(str(duckdb_published / "b2b_ops.duckdb"), read_only=True) as connection:
        names = connection.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema in (select unnest(?)) order by 1",
            [list(PUBLISHED_SCHEMAS)],
        ).fetchall()
        for (name,) in names:
            relation = connection.table(name)
            relation = relation.select(compared_columns(name, relation.columns))
            columns, rows = relation.columns, relation.fetchall()
            if name not in spark_tables:
                results.append(TableResult(name, len(rows), None, max(1, len(rows)), "missing"))
                continue
            spark_columns, spark_rows = spark_tables[name]
            results.append(compare_table(name, columns, rows, spark_columns, spark_rows))
    return results


def assert_no_differences(duckdb_published: Path, spark_published: Path) -> None:
    results = published_differences(duckdb_published, spark_published)
    assert len(results) > 25
    assert {result.table.split(".")[0] for result in results} == set(PUBLISHED_SCHEMAS)
    differing = [
        f"{result.table}: {result.differences} of {result.duckdb_rows} rows differ; "
        f"{result.first_difference}"
        for result in results
        if result.differences
    ]
    assert not differing, "the Spark build's published marts differ:\n" + "\n".join(differing)


@pytest.mark.spark
def test_the_spark_build_publishes_every_mart_equal_to_the_duckdb_build(
    spark_build, handmade_build
):
    assert_no_differences(
        handmade_build["warehouse"].parent / "published", spark_build["published"]
    )


@pytest.mark.spark
def test_the_xs_demo_on_spark_publishes_every_mart_equal_to_the_duckdb_build(
    xs_two_builds, tmp_path
):
    """The XS demo (seed 11, as of 2026-06-30: the health test's build, whose
    published copy is the later of its two builds) on Spark; every activity
    and worklist mart has rows here (the four empty on the hand-made fixture)."""
    root = xs_two_builds["late"].parent
    spark = run_spark_build(root / "landing", XS_AS_OF, tmp_path)
    assert_no_differences(root / "published", spark["published"])


@pytest.mark.spark
def test_the_spark_build_says_where_its_parquet_is(spark_build):
    assert f"{spark_build['spark'] / 'tables'}/<schema>.db/<table>/" in spark_build["stdout"]
    assert any((spark_build["spark"] / "tables" / "marts.db").glob("*/*.parquet"))
