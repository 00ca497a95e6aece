"""Publish the marts for BI readers: a read-only DuckDB file that DuckDB 1.x
and 2.x open, and the same tables as Parquet, swapped in together.

The refresh writes the working warehouse (B2B_OPS_WAREHOUSE), which holds a
write lock while dbt runs. BI tools open the published copy instead. Each
publish writes a whole new version folder (copy.py: the DuckDB file in
storage version STORAGE_VERSION, one Parquet file per table, each with the
models' descriptions) and then swaps it in with one atomic rename of the
pointer `current` (layout.py has the folder's layout). A reader that already
has the old file open keeps reading it, one that opens after the swap gets
the new one, and nobody sees a half-written file or a DuckDB file and a
Parquet set from different refreshes. A refresh that fails before this step
leaves the last good copy in place; one killed during it leaves a partial
version folder behind, which the next publish removes.

A build at an as-of date before that of the published copy (rebuilding
history) does not replace it: see `destination`.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from b2b_ops.publishing.copy import PARQUET_FOLDER, STORAGE_VERSION, PublishedTable, write_copies
from b2b_ops.publishing.layout import (
    MANIFEST,
    new_version,
    prune,
    read_manifest,
    remove_stale_temporaries,
    swap_in,
    write_manifest,
)

__all__ = ["PUBLISHED_SCHEMAS", "STORAGE_VERSION", "destination", "publish", "read_manifest"]

# The marts, and the semantic layer's own tables (its time spine and the
# KPI inputs), which MetricFlow queries beside them.
PUBLISHED_SCHEMAS = ("marts", "semantic")


def destination(published_path: Path, as_of: dt.date, replace_past: bool = False) -> Path:
    """Where a build at `as_of` publishes. BI tools read published_path; a
    build at an earlier as-of date than the copy there (rebuilding history)
    publishes beside it, in as_of_<date>/, unless replace_past (the setting
    B2B_OPS_PAST_AS_OF_PUBLISH=replace)."""
    current = read_manifest(published_path.parent) or {}
    published_as_of = current.get("as_of_date")
    if replace_past or not published_as_of:
        return published_path
    if as_of >= dt.date.fromisoformat(published_as_of):
        return published_path
    return published_path.parent / f"as_of_{as_of.isoformat()}" / published_path.name


def _manifest(tables: list[PublishedTable], database_name: str, as_of: dt.date | None) -> dict:
    return {
        "as_of_date": as_of.isoformat() if as_of else None,
        "published_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "duckdb_file": database_name,
        "duckdb_storage_version": STORAGE_VERSION,
        "parquet_folder": PARQUET_FOLDER,
        "tables": {
            table.qualified: {"rows": table.rows, "parquet": table.parquet_path} for table in tables
        },
    }


def publish(
    working_path: Path,
    published_path: Path,
    as_of: dt.date | None = None,
    include_views: bool = False,
) -> list[str]:
    """Publish the working warehouse's PUBLISHED_SCHEMAS at published_path (the
    DuckDB file BI tools open; the Parquet set is beside it, in parquet/),
    atomically. Returns the tables published, as schema.table. include_views
    publishes views too: on the spark target the marts are views over Spark's
    Parquet (spark_tables.py)."""
    root = published_path.parent
    root.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(root)
    version = new_version(root)
    try:
        tables = write_copies(
            working_path,
            version,
            published_path.name,
            PUBLISHED_SCHEMAS,
            include_views=include_views,
        )
        write_manifest(version, _manifest(tables, published_path.name, as_of))
    except BaseException:
        shutil.rmtree(version, ignore_errors=True)
        raise
    previous = swap_in(root, version, (published_path.name, PARQUET_FOLDER, MANIFEST))
    prune(root, {version} | ({previous} if previous else set()))
    return [table.qualified for table in tables]
