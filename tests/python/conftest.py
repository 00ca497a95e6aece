"""Shared fixtures: the project's paths and a warehouse built from the
hand-written landing folder (tests/fixtures/landing_handmade)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from b2b_ops.dev import slim_ci
from b2b_ops.settings import PROJECT_DIR

# The same fixture and as-of date slim CI builds its baseline on.
HANDMADE_LANDING = PROJECT_DIR / slim_ci.HANDMADE_LANDING
HANDMADE_AS_OF = slim_ci.HANDMADE_AS_OF
CLI = str(Path(sys.executable).with_name("b2b-ops"))


# Fixtures that build a warehouse: a test using one is slow, whatever its
# module says, so `make test-fast` (not slow) runs no build.
BUILD_FIXTURES = {"handmade_build", "demo_build", "dirty_demo", "xs_two_builds"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if BUILD_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def run_cli(arguments: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run the b2b-ops command as `make build` does, capturing its output."""
    # Without DAGSTER_HOME the run uses a throwaway Dagster instance, so
    # tests never write into the repo's .dagster (make exports it); `env`
    # may name one of the test's own.
    inherited = {name: value for name, value in os.environ.items() if name != "DAGSTER_HOME"}
    return subprocess.run(
        [CLI, *arguments],
        cwd=PROJECT_DIR,
        env={**inherited, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def refresh(
    landing: Path, as_of: dt.date, warehouse: Path, **env: str
) -> subprocess.CompletedProcess:
    """`make build` of a landing folder at an as-of date into a warehouse;
    `env` adds variables (e.g. DAGSTER_HOME). Asserts it succeeded."""
    result = run_cli(
        ["build"],
        {
            "B2B_OPS_LANDING_DIR": str(landing),
            "B2B_OPS_AS_OF_DATE": as_of.isoformat(),
            "B2B_OPS_WAREHOUSE": str(warehouse),
            **env,
        },
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def log_path(stdout: str) -> Path:
    """The log file a refresh names at the end of its output."""
    [line] = [line for line in stdout.splitlines() if line.strip().startswith("full log")]
    return Path(line.split(maxsplit=2)[2])


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql).fetchall()


@pytest.fixture(scope="session")
def handmade_build(tmp_path_factory) -> dict:
    """`make build` on the hand-written landing folder, as of 2025-06-30, its
    run recorded in a Dagster instance of its own (the UI test shows it)."""
    root = tmp_path_factory.mktemp("handmade")
    warehouse, dagster_home = root / "warehouse.duckdb", root / "dagster_home"
    result = refresh(HANDMADE_LANDING, HANDMADE_AS_OF, warehouse, DAGSTER_HOME=str(dagster_home))
    return {
        "warehouse": warehouse,
        "landing": HANDMADE_LANDING,
        "dagster_home": dagster_home,
        "stdout": result.stdout,
        "stderr": result.stderr,
        "log": log_path(result.stdout),
    }


DEMO_AS_OF = dt.date(2026, 6, 30)


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory) -> dict:
    """The demo as `make demo` makes it (size S, seed 42, its default dirty
    rate), as of 2026-06-30, built once per test session. Planted rates are
    recovered from its marts; ground truth is in its truth folder."""
    from b2b_ops.cli import DEMO_DIRTY_RATE
    from b2b_ops.demo_data import generate

    root = tmp_path_factory.mktemp("demo_s")
    landing, truth, warehouse = root / "landing", root / "ground_truth", root / "w.duckdb"
    generate(
        size="S",
        seed=42,
        as_of=DEMO_AS_OF,
        landing_dir=landing,
        truth_dir=truth,
        file_format="csv",
        dirty_rate=DEMO_DIRTY_RATE,
    )
    result = refresh(landing, DEMO_AS_OF, warehouse)
    return {
        "landing": landing,
        "truth": truth,
        "warehouse": warehouse,
        "stdout": result.stdout,
        "as_of": DEMO_AS_OF,
    }


@pytest.fixture()
def landing_copy(tmp_path) -> Path:
    """A writable copy of the hand-written landing folder."""
    target = tmp_path / "landing"
    shutil.copytree(HANDMADE_LANDING, target)
    return target
