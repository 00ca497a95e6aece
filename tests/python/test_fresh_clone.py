"""The README's two commands on a fresh clone: `make demo` sets up, generates,
builds and prints the summary; `make test` sets up and runs tests. The clone
gets its own .venv (pip's cache keeps the install quick)."""

from __future__ import annotations

import os
import subprocess

import pytest

from b2b_ops.settings import PROJECT_DIR

pytestmark = pytest.mark.slow


def clean_environment() -> dict[str, str]:
    """The caller's environment without this project's settings or venv."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("B2B_OPS_", "DBT_"))
        and name not in ("VIRTUAL_ENV", "PYTHONPATH", "DAGSTER_HOME")
    }


@pytest.fixture(scope="module")
def fresh_clone(tmp_path_factory):
    clone = tmp_path_factory.mktemp("fresh") / "b2b-ops"
    subprocess.run(["git", "clone", "--quiet", str(PROJECT_DIR), str(clone)], check=True)
    return clone


def test_make_demo_on_a_fresh_clone(fresh_clone):
    result = subprocess.run(
        ["make", "demo", "SIZE=XS"],
        cwd=fresh_clone,
        env=clean_environment(),
        capture_output=True,
        text=True,
        check=False,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Accounts by value tier and lifecycle stage" in result.stdout
    assert "Landed" in result.stdout
    assert (fresh_clone / "warehouse" / "b2b_ops.duckdb").exists()
    assert (fresh_clone / "data" / "demo" / "ground_truth" / "injected_defects.csv").exists()


def test_make_test_on_a_fresh_clone(fresh_clone):
    # The whole suite would run this test again; one fast module proves the
    # command sets up and runs pytest in the clone.
    result = subprocess.run(
        ["make", "test", "PYTEST_ARGS=tests/python/test_settings.py"],
        cwd=fresh_clone,
        env=clean_environment(),
        capture_output=True,
        text=True,
        check=False,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert " passed" in result.stdout
