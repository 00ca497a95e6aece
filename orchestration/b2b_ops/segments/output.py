"""The segmentation's output table, ml.account_clusters, as dbt declares it:
the columns and types are written once, in the source's `data_type`s
(models/staging/ml/_ml__sources.yml). The writer here and dbt's
create-if-missing hook (macros/utils/ensure_segmentation_table.sql) both
read that declaration."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from b2b_ops.landing.contract import source_tables
from b2b_ops.segments.kmeans import FEATURES, SegmentationResult
from b2b_ops.settings import PROJECT_DIR

SOURCE, TABLE = "ml", "account_clusters"
SOURCES_FILE = Path("models") / "staging" / "ml" / "_ml__sources.yml"


class DeclarationError(ValueError):
    """The output's declaration in the sources file cannot be used; the message says the fix."""


def declared_columns(project_dir: Path = PROJECT_DIR) -> list[tuple[str, str]]:
    """(column, data type) of ml.account_clusters, in declared order."""
    for source, table in source_tables(project_dir):
        if source["name"] == SOURCE and table["name"] == TABLE:
            columns = [(column["name"], column.get("data_type")) for column in table["columns"]]
            untyped = [name for name, data_type in columns if not data_type]
            if untyped:
                raise DeclarationError(
                    f"{SOURCES_FILE}: column {untyped[0]!r} of {SOURCE}.{TABLE} has no data_type; "
                    "give every column of the segmentation output its type there."
                )
            return columns
    raise DeclarationError(f"{SOURCES_FILE}: no source table {SOURCE}.{TABLE} is declared.")


def cluster_rows(
    features: pd.DataFrame,
    result: SegmentationResult,
    model_run_id: str,
    trained_at: dt.datetime,
    columns: list[tuple[str, str]],
) -> pd.DataFrame:
    """One row per clustered account with every declared column (none for no account)."""
    rows = features.merge(result.assignments, on="account_id").assign(
        model_run_id=model_run_id,
        features_used=",".join(FEATURES),
        k=result.k,
        silhouette=result.silhouette,
        trained_at=trained_at.replace(tzinfo=None),
    )
    missing = [name for name, _ in columns if name not in rows.columns]
    if missing:
        raise DeclarationError(
            f"{SOURCES_FILE} declares {SOURCE}.{TABLE}.{missing[0]}, which the segmentation "
            "does not produce: add it to the features model or remove it from the declaration."
        )
    return rows[[name for name, _ in columns]]


def write_clusters(
    connection: duckdb.DuckDBPyConnection, rows: pd.DataFrame, columns: list[tuple[str, str]]
) -> None:
    """Replace ml.account_clusters with `rows`, each column cast to its declared type
    (an empty frame gives an empty table of the same columns and types)."""
    definition = ", ".join(f"{name} {data_type}" for name, data_type in columns)
    casts = ", ".join(f"cast({name} as {data_type}) as {name}" for name, data_type in columns)
    connection.execute(f"create schema if not exists {SOURCE}")
    connection.execute(f"create or replace table {SOURCE}.{TABLE} ({definition})")
    connection.register("cluster_rows", rows)
    try:
        connection.execute(f"insert into {SOURCE}.{TABLE} select {casts} from cluster_rows")
    finally:
        connection.unregister("cluster_rows")


def previous_assignments(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The last run's account -> cluster, to measure how stable the segments are."""
    exists = connection.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [SOURCE, TABLE],
    ).fetchall()[0][0]
    if not exists:
        return pd.DataFrame(columns=["account_id", "cluster_id"])
    return connection.execute(f"select account_id, cluster_id from {SOURCE}.{TABLE}").df()
