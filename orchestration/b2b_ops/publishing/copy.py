"""Write the published tables: a DuckDB file in a storage version DuckDB 1.x
opens, and one Parquet file per table, both with the models' descriptions.

dbt's persist_docs writes each model's and column's description into the
working warehouse as DuckDB comments; they are copied into the published
file (COMMENT ON) and into each Parquet file's key-value metadata, where
BI tools and Arrow-based readers find them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from b2b_ops.sql_quoting import quoted, sql_text

# The oldest storage version duckdb 2.0 writes that keeps every type the
# marts use (integer, double, decimal, varchar, boolean, date, timestamp)
# and their comments. It is storage format 64, which DuckDB 0.10.0 and
# every later release (all of 1.x, 2.x) opens; v0.10.0 to v1.1.x write the
# same bytes. A newer version would lock out older BI connectors.
STORAGE_VERSION = "v1.0.0"
PARQUET_FOLDER = "parquet"
# A mart that grows with time and has more rows than this is written as a
# folder of Parquet files, one per year of its time column
# (parquet/<schema>/<table>/<year>.parquet; every file has every column), so
# a reader that wants recent years opens only their files; smaller tables
# are one file each. At size L the health history passes it.
PARTITION_MIN_ROWS = 1_000_000
PARTITION_COLUMNS = {
    "fct_account_health": "as_of_date",
    "fct_mrr_movements": "month",
    "fct_account_tiers": "quarter_start",
}
# Key-value metadata keys of each Parquet file.
DESCRIPTION_KEY = "description"
COLUMN_DESCRIPTIONS_KEY = "column_descriptions"  # a JSON object: column -> description


@dataclass(frozen=True)
class PublishedTable:
    schema: str
    name: str
    rows: int = 0
    description: str | None = None
    column_descriptions: dict[str, str] = field(default_factory=dict)
    partition_column: str | None = None  # set when written as one file per year

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def parquet_path(self) -> str:
        """Its Parquet file, or the glob of its yearly files, relative to the
        published version folder (what read_parquet takes)."""
        if self.partition_column:
            return f"{PARQUET_FOLDER}/{self.schema}/{self.name}/*.parquet"
        return f"{PARQUET_FOLDER}/{self.schema}/{self.name}.parquet"


def _tables(
    connection: duckdb.DuckDBPyConnection, schema: str, include_views: bool = False
) -> list[PublishedTable]:
    """The base tables of working.<schema>, with their comments (persist_docs);
    with include_views its views too (on the spark target the marts are views
    over Spark's Parquet: spark_tables.py)."""
    views = (
        "union all select view_name, comment from duckdb_views() "
        "where database_name = 'working' and schema_name = $schema "
        if include_views
        else ""
    )
    tables = connection.execute(
        "select table_name, comment from duckdb_tables() "
        f"where database_name = 'working' and schema_name = $schema {views}order by 1",
        {"schema": schema},
    ).fetchall()
    columns = connection.execute(
        "select table_name, column_name, comment from duckdb_columns() "
        "where database_name = 'working' and schema_name = ? and comment is not null "
        "order by table_name, column_index",
        [schema],
    ).fetchall()
    # A folded yml description ends with a newline: BI tools would show it.
    described: dict[str, dict[str, str]] = {}
    for table, column, comment in columns:
        described.setdefault(table, {})[column] = comment.strip()
    return [
        PublishedTable(
            schema,
            name,
            description=comment.strip() if comment else None,
            column_descriptions=described.get(name, {}),
        )
        for name, comment in tables
    ]


def _copy_table(connection: duckdb.DuckDBPyConnection, table: PublishedTable) -> PublishedTable:
    target = f"published.{table.schema}.{quoted(table.name)}"
    connection.execute(
        f"create table {target} as select * from working.{table.schema}.{quoted(table.name)}"
    )
    if table.description:
        connection.execute(f"comment on table {target} is {sql_text(table.description)}")
    for column, description in table.column_descriptions.items():
        connection.execute(
            f"comment on column {target}.{quoted(column)} is {sql_text(description)}"
        )
    [(rows,)] = connection.execute(f"select count(*) from {target}").fetchall()
    return PublishedTable(
        table.schema, table.name, rows, table.description, table.column_descriptions
    )


def _kv_metadata(table: PublishedTable) -> str:
    entries = {
        DESCRIPTION_KEY: table.description or "",
        COLUMN_DESCRIPTIONS_KEY: json.dumps(table.column_descriptions, ensure_ascii=False),
    }
    return "{" + ", ".join(f"{sql_text(k)}: {sql_text(v)}" for k, v in entries.items()) + "}"


def _copy_to_parquet(
    connection: duckdb.DuckDBPyConnection, table: PublishedTable, select: str, path: Path
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection.execute(
        f"copy ({select}) to {sql_text(str(path))} "
        f"(format parquet, compression zstd, kv_metadata {_kv_metadata(table)})"
    )


def _write_parquet(
    connection: duckdb.DuckDBPyConnection,
    table: PublishedTable,
    folder: Path,
    partition_min_rows: int,
) -> PublishedTable:
    """The table as one Parquet file, or one per year of its partition column
    when it is a growing mart with more than partition_min_rows rows."""
    source = f"select * from published.{table.schema}.{quoted(table.name)}"
    column = PARTITION_COLUMNS.get(table.name)
    if column is None or table.rows <= partition_min_rows:
        _copy_to_parquet(connection, table, source, folder / table.parquet_path)
        return table
    partitioned = replace(table, partition_column=column)
    years = connection.execute(
        f"select distinct year({quoted(column)}) from ({source}) order by 1"
    ).fetchall()
    for (year,) in years:
        path = folder / PARQUET_FOLDER / table.schema / table.name / f"{year}.parquet"
        _copy_to_parquet(
            connection, table, f"{source} where year({quoted(column)}) = {int(year)}", path
        )
    glob = sql_text(str(folder / partitioned.parquet_path))
    [(written,)] = connection.execute(f"select count(*) from read_parquet({glob})").fetchall()
    if written != table.rows:  # a null in the time column would have no year's file
        raise ValueError(
            f"{table.qualified}: its yearly Parquet files hold {written} rows, the table "
            f"{table.rows}; a null {column} has no year's file (see PARTITION_COLUMNS in "
            f"{Path(__file__).name})"
        )
    return partitioned


def write_copies(
    working_path: Path,
    folder: Path,
    database_name: str,
    schemas: tuple[str, ...],
    partition_min_rows: int = PARTITION_MIN_ROWS,
    include_views: bool = False,
) -> list[PublishedTable]:
    """Copy the schemas' tables of the working warehouse into folder/database_name
    (storage STORAGE_VERSION) and into Parquet under folder/parquet/<schema>/."""
    database_path = folder / database_name
    published: list[PublishedTable] = []
    with duckdb.connect() as connection:
        connection.execute(f"attach {sql_text(str(working_path))} as working (read_only)")
        connection.execute(
            f"attach {sql_text(str(database_path))} as published "
            f"(storage_version {sql_text(STORAGE_VERSION)})"
        )
        for schema in schemas:
            tables = _tables(connection, schema, include_views)
            if not tables:
                continue
            connection.execute(f"create schema published.{schema}")
            for table in tables:
                copied = _copy_table(connection, table)
                published.append(_write_parquet(connection, copied, folder, partition_min_rows))
        connection.execute("detach working")
        # Detaching checkpoints: the file is whole, with no WAL beside it.
        connection.execute("detach published")
    return published
