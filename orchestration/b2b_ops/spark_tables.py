"""The two folders that join the DuckDB warehouse and Spark on the spark
target (B2B_OPS_TARGET=spark), with no JVM in this process.

- Into Spark: the loader lands into DuckDB as on the duckdb target (its
  structural checks, quarantine columns and ledger unchanged), and the
  segmentation writes ml.account_clusters there too; `export_schema` then
  writes each table of the schema as Parquet in <spark folder>/landed/
  <schema>/<table>/, which dbt's on-run-start hook registers as Spark tables
  (macros/utils/register_landed_tables.sql).
- Out of Spark: dbt-spark writes every table as a folder of Parquet files
  under <spark folder>/tables/<schema>.db/<table>/; `expose_spark_tables`
  makes each one a view in the DuckDB warehouse over that folder, so the
  segmentation's feature read, the Great Expectations checks, the summary
  and publishing read the Spark build with DuckDB, as on the duckdb target.

Spark's Derby metastore admits one JVM at a time: only dbt opens it.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import duckdb

from b2b_ops.sql_quoting import quoted, sql_text

LANDED_FOLDER = "landed"
TABLES_FOLDER = "tables"
# Spark's folder of a schema's tables: <tables>/<schema>.db/<table>/.
SCHEMA_FOLDER_SUFFIX = ".db"
# Written by DuckDB, kept on both engines: the schemas Spark reads from landed/.
LANDED_SCHEMAS = ("raw", "ml")
PARQUET_FILE = "data.parquet"


def exported_columns(columns: list[tuple[str, str]]) -> str:
    """The select list that writes a DuckDB table for Spark: a timestamp
    leaves as a UTC instant (timestamptz), which Spark's timestamp (session
    time zone UTC) reads back as the same wall-clock time; DuckDB's naive
    timestamp would be Spark's timestamp_ntz, a type the models do not use."""
    return ", ".join(
        f"cast({quoted(column)} as timestamptz) as {quoted(column)}"
        if data_type == "TIMESTAMP"
        else quoted(column)
        for column, data_type in columns
    )


def spark_missing() -> str | None:
    """What the spark target lacks on this machine (the spark extra or
    Java), or None: for the Spark tests' skip and the engine benchmark."""
    if (
        importlib.util.find_spec("pyspark") is None
        or importlib.util.find_spec("dbt.adapters.spark") is None
    ):
        return (
            "the spark extra is not installed: run make setup-spark (pip install -e '.[dev,spark]')"
        )
    if shutil.which("java") is None:
        return "Java is not installed: Spark needs Java 17 or 21 (Debian: apt-get install openjdk-17-jre-headless)"
    return None


def export_schema(
    connection: duckdb.DuckDBPyConnection, schema: str, landed_dir: Path
) -> list[str]:
    """Write every base table of `schema` as landed_dir/<schema>/<table>/data.parquet
    (the folder replaced whole); returns the tables written as schema.table."""
    connection.execute("set TimeZone = 'UTC'")
    rows = connection.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name in (select table_name from "
        "information_schema.tables where table_schema = ? and table_type = 'BASE TABLE') "
        "order by table_name, ordinal_position",
        [schema, schema],
    ).fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append((column, data_type))
    written = []
    for table, columns in tables.items():
        folder = landed_dir / schema / table
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        connection.execute(
            f"copy (select {exported_columns(columns)} from {quoted(schema)}.{quoted(table)}) "
            f"to {sql_text(str(folder / PARQUET_FILE))} (format parquet)"
        )
        written.append(f"{schema}.{table}")
    return written


def export_landed(warehouse: Path, spark_dir: Path, schemas: tuple[str, ...]) -> list[str]:
    """export_schema for each of `schemas` of the DuckDB warehouse, into spark_dir/landed/."""
    written = []
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        for schema in schemas:
            written += export_schema(connection, schema, spark_dir / LANDED_FOLDER)
    return written


def spark_table_folders(spark_dir: Path) -> dict[tuple[str, str], Path]:
    """(schema, table) -> the folder of Parquet files of each table dbt built on Spark."""
    folders = {}
    for schema_dir in sorted((spark_dir / TABLES_FOLDER).glob(f"*{SCHEMA_FOLDER_SUFFIX}")):
        schema = schema_dir.name.removesuffix(SCHEMA_FOLDER_SUFFIX)
        if schema in LANDED_SCHEMAS:
            continue
        for table_dir in sorted(schema_dir.iterdir()):
            if table_dir.is_dir() and any(table_dir.glob("*.parquet")):
                folders[(schema, table_dir.name)] = table_dir
    return folders


def expose_spark_tables(
    warehouse: Path, spark_dir: Path, duckdb_config: dict[str, str | int]
) -> list[str]:
    """A view in the DuckDB warehouse over each table dbt built on Spark (a
    table of the same name that an earlier duckdb build left is dropped);
    returns the views as schema.table."""
    exposed = []
    with duckdb.connect(str(warehouse), config=duckdb_config) as connection:
        kinds = dict(
            connection.execute(
                "select schema_name || '.' || table_name, 'table' from duckdb_tables() "
                "union all select schema_name || '.' || view_name, 'view' from duckdb_views() "
                "where not internal"
            ).fetchall()
        )
        for (schema, table), folder in spark_table_folders(spark_dir).items():
            name = f"{quoted(schema)}.{quoted(table)}"
            connection.execute(f"create schema if not exists {quoted(schema)}")
            if kinds.get(f"{schema}.{table}") == "table":
                connection.execute(f"drop table {name}")
            connection.execute(
                f"create or replace view {name} as select * from "
                f"read_parquet({sql_text(str(folder / '*.parquet'))})"
            )
            exposed.append(f"{schema}.{table}")
    return exposed
