"""The README's two commands on a fresh clone: `make demo` sets up, generates,
builds and prints the summary; `make test` sets up and runs tests. The clone
gets its own .venv (pip's cache keeps the install quick); its `make demo`
runs in the background while other tests run (builds.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import builds
from builds import clean_environment
from conftest import log_path, shared_build

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fresh_clone(background_builds) -> dict:
    """A clone of the repository and `make demo SIZE=XS` run in it (builds.fresh_clone_job)."""
    return shared_build(background_builds, builds.fresh_clone_job)


def make(clone: Path, *arguments: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        ["make", *arguments],
        cwd=clone,
        env=clean_environment(),
        capture_output=True,
        text=True,
        check=False,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def test_make_demo_on_a_fresh_clone(fresh_clone):
    result = fresh_clone["results"][-1]
    clone = fresh_clone["clone"]
    assert "Accounts by value tier and lifecycle stage" in result.stdout
    assert "Landed" in result.stdout
    assert (clone / "warehouse" / "b2b_ops.duckdb").exists()
    assert (clone / "data" / "demo" / "ground_truth" / "injected_defects.csv").exists()
    # Quiet: progress, the summary and what to do next, no log line; the
    # full log is in the file it names.
    demo = result.stderr[result.stderr.index("b2b-ops demo:") :] + result.stdout
    assert len(demo.splitlines()) < 150, demo
    assert " - dagster - " not in demo and "START sql" not in demo
    assert "make ui" in result.stdout and "make docs" in result.stdout
    log = log_path(result.stdout)
    assert log.parent == clone / "warehouse" / "logs"
    assert " - dagster - DEBUG - refresh - " in log.read_text()


def test_make_test_on_a_fresh_clone(fresh_clone):
    # The whole suite would run this test again; one fast module proves the
    # command sets up and runs pytest in the clone.
    result = make(fresh_clone["clone"], "test", "PYTEST_ARGS=tests/python/test_settings.py")
    assert " passed" in result.stdout
