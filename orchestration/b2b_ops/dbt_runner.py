"""How the project runs dbt: the executable beside this Python, and the vars
that carry the connection (profiles.yml reads the warehouse file and
DuckDB's memory cap, threads and spill folder from them, so no process
environment is changed)."""

from __future__ import annotations

import sys
from pathlib import Path

# The dbt vars profiles.yml reads, with the environment variable each comes from.
CONNECTION_VARS = {
    "b2b_ops_warehouse": "B2B_OPS_WAREHOUSE",
    "b2b_ops_duckdb_memory_limit": "B2B_OPS_DUCKDB_MEMORY_LIMIT",
    "b2b_ops_duckdb_threads": "B2B_OPS_DUCKDB_THREADS",
    "b2b_ops_duckdb_temp_dir": "B2B_OPS_DUCKDB_TEMP_DIR",
    # Spark's folder, on the spark target only (settings.Settings.spark_path).
    "b2b_ops_spark_warehouse": "B2B_OPS_SPARK_WAREHOUSE",
}


def dbt_executable() -> str:
    """The dbt installed beside this Python (the project's virtual environment)."""
    return str(Path(sys.executable).with_name("dbt"))


def project_arguments(project_dir: Path, target_path: Path | None = None) -> list[str]:
    """dbt's arguments for a project whose profiles.yml sits in it, and its artifacts folder."""
    arguments = ["--project-dir", str(project_dir), "--profiles-dir", str(project_dir)]
    return arguments + (["--target-path", str(target_path)] if target_path else [])


def connection_vars(warehouse: Path | str, duckdb_config: dict[str, str | int]) -> dict[str, str]:
    """The dbt vars that point the profile at a warehouse file with DuckDB's
    settings (memory_limit, threads, temp_directory; a missing one keeps
    the profile's default)."""
    names = {
        "memory_limit": "b2b_ops_duckdb_memory_limit",
        "threads": "b2b_ops_duckdb_threads",
        "temp_directory": "b2b_ops_duckdb_temp_dir",
    }
    return {
        "b2b_ops_warehouse": str(warehouse),
        **{names[name]: str(value) for name, value in duckdb_config.items()},
    }
