"""A throwaway copy of the dbt project, for tests that change a model."""

from __future__ import annotations

import shutil
from pathlib import Path

from b2b_ops.settings import PROJECT_DIR

DBT_PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "pyproject.toml")
DBT_PROJECT_FOLDERS = ("models", "macros", "seeds", "tests")


def copy_dbt_project(destination: Path) -> Path:
    """Copy what dbt and the conventions check read (not the Python, data or
    artifacts) into `destination`, and return it."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in DBT_PROJECT_FILES:
        shutil.copy2(PROJECT_DIR / name, destination / name)
    for name in DBT_PROJECT_FOLDERS:
        shutil.copytree(
            PROJECT_DIR / name,
            destination / name,
            ignore=shutil.ignore_patterns("python", "__pycache__"),
        )
    return destination
