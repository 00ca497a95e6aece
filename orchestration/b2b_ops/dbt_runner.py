"""Run dbt against the project, with the run's settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from b2b_ops.settings import PROJECT_DIR, Settings


class DbtCommandError(RuntimeError):
    """A dbt command failed; dbt has already printed which node and why."""


def dbt_executable() -> str:
    """The dbt installed beside this Python (the project's virtual environment)."""
    return str(Path(sys.executable).with_name("dbt"))


def run_dbt(arguments: list[str], settings: Settings, project_dir: Path = PROJECT_DIR) -> None:
    """Run one dbt command with the project's profile, the warehouse path and the vars.

    dbt runs in its own process so that its DuckDB connection, and the file
    lock with it, is gone when the command returns.
    """
    command = [
        dbt_executable(),
        *arguments,
        "--project-dir", str(project_dir),
        "--profiles-dir", str(project_dir),
        "--vars", json.dumps(settings.vars_for_dbt()),
    ]
    environment = {**os.environ, "B2B_OPS_WAREHOUSE": str(settings.warehouse_path)}
    completed = subprocess.run(command, cwd=project_dir, env=environment, check=False)
    if completed.returncode != 0:
        raise DbtCommandError(f"dbt {arguments[0]} failed; dbt printed the failing nodes above")


def build_warehouse(settings: Settings, project_dir: Path = PROJECT_DIR) -> None:
    """Seeds, models and data tests, from scratch (unit tests run in `make test`)."""
    run_dbt(
        ["build", "--full-refresh", "--exclude-resource-type", "unit_test"],
        settings,
        project_dir,
    )
