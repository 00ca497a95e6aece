"""Publish the marts for BI readers: a separate, read-only DuckDB file,
replaced atomically.

The refresh writes the working warehouse (B2B_OPS_WAREHOUSE), which holds a
write lock while dbt runs. BI tools open the published copy instead. It is
built next to its final name and swapped in by rename, which POSIX makes
atomic: a reader that already has the old file open keeps reading it, a
reader that opens after the swap gets the new one, and nobody ever sees a
half-written file. A refresh that fails before this step leaves the last
good copy in place; one killed during this step leaves its temporary file
behind, which the next publish removes.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import duckdb

PUBLISHED_SCHEMAS = ("marts",)


def _temporary_path(published_path: Path) -> Path:
    # The pid in the name tells a killed publish's leftover from a running one's.
    return published_path.with_name(f".{published_path.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temporaries(published_path: Path) -> list[Path]:
    """Delete temporary copies (and their WAL) left by publishes whose process is gone."""
    removed = []
    for leftover in published_path.parent.glob(f".{published_path.name}.*.tmp*"):
        pid = leftover.name.removeprefix(f".{published_path.name}.").split(".")[0]
        if pid.isdigit() and not _is_running(int(pid)):
            leftover.unlink(missing_ok=True)
            removed.append(leftover)
    return removed


def publish(working_path: Path, published_path: Path) -> list[str]:
    """Copy the published schemas of the working warehouse to published_path, atomically.

    Returns the tables published, as schema.table.
    """
    published_path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(published_path)
    temporary = _temporary_path(published_path)
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
        temporary.with_name(f"{temporary.name}.wal").unlink(missing_ok=True)
    return tables
