"""Publish the marts for BI readers: a separate, read-only DuckDB file,
replaced atomically.

The refresh writes the working warehouse (B2B_OPS_WAREHOUSE), which holds a
write lock while dbt runs. BI tools open the published copy instead. It is
built next to its final name and swapped in by rename, which POSIX makes
atomic: a reader that already has the old file open keeps reading it, a
reader that opens after the swap gets the new one, and nobody ever sees a
half-written file. A refresh that fails before this step leaves the last
good copy in place.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import duckdb

PUBLISHED_SCHEMAS = ("marts",)


def publish(working_path: Path, published_path: Path) -> list[str]:
    """Copy the published schemas of the working warehouse to published_path, atomically.

    Returns the tables published, as schema.table.
    """
    published_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = published_path.with_name(f".{published_path.name}.{uuid.uuid4().hex}.tmp")
    tables: list[str] = []
    try:
        with duckdb.connect(str(temporary)) as connection:
            connection.execute(f"attach '{working_path}' as working (read_only)")
            for schema in PUBLISHED_SCHEMAS:
                connection.execute(f"create schema {schema}")
                names = connection.execute(
                    "select table_name from information_schema.tables "
                    "where table_catalog = 'working' and table_schema = ? and table_type = 'BASE TABLE' "
                    "order by table_name",
                    [schema],
                ).fetchall()
                for (name,) in names:
                    connection.execute(
                        f'create table {schema}."{name}" as select * from working.{schema}."{name}"'
                    )
                    tables.append(f"{schema}.{name}")
            connection.execute("detach working")
            connection.execute("checkpoint")
        os.replace(temporary, published_path)
    finally:
        temporary.unlink(missing_ok=True)
    return tables
