"""Slim CI: after a baseline of the project, a change to one mart builds and
tests exactly that mart and what depends on it, read off dbt's manifest."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from project_copy import copy_dbt_project

pytestmark = pytest.mark.slow

CHANGED_MART = "mart_churn_rates"
PACKAGE = "b2b_ops"
# Things dbt build runs (not exposures, which only document).
RUNNABLE = ("model.", "test.", "seed.", "snapshot.", "unit_test.")


def slim_ci(project: Path, state: Path, *arguments: str) -> str:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "b2b_ops.dev.slim_ci",
            "--project-dir",
            str(project),
            "--state-dir",
            str(state),
            *arguments,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def descendants(child_map: dict[str, list[str]], node: str) -> set[str]:
    found: set[str] = set()
    waiting = [node]
    while waiting:
        for child in child_map.get(waiting.pop(), []):
            if child not in found:
                found.add(child)
                waiting.append(child)
    return found


def expected_nodes(manifest: dict, changed: str) -> set[str]:
    """The changed node, every node downstream of it, and the unit tests of
    the models among them (dbt build runs a model's unit tests before it)."""
    nodes = {changed} | descendants(manifest["child_map"], changed)
    unit_tests = {
        unique_id
        for unique_id, unit_test in manifest["unit_tests"].items()
        if set(unit_test["depends_on"]["nodes"]) & nodes
    }
    return {node for node in nodes | unit_tests if node.startswith(RUNNABLE)}


def test_a_changed_mart_builds_only_itself_and_its_children(tmp_path):
    project = copy_dbt_project(tmp_path / "project")
    state, work = tmp_path / "state", tmp_path / "work"
    slim_ci(project, state, "baseline")

    # A change that keeps the mart's output: its final select names the CTE.
    mart_sql = project / "models" / "marts" / "core" / f"{CHANGED_MART}.sql"
    text = mart_sql.read_text()
    assert text.count("\nselect * from final") == 1
    mart_sql.write_text(text.replace("\nselect * from final", "\nselect final.* from final"))
    output = slim_ci(project, state, "run", "--workdir", str(work))

    manifest = json.loads((work / "target" / "manifest.json").read_text())
    results = [
        result
        for result in json.loads((work / "target" / "run_results.json").read_text())["results"]
        if result["unique_id"].startswith(RUNNABLE)
    ]
    ran = {result["unique_id"] for result in results}
    expected = expected_nodes(manifest, f"model.{PACKAGE}.{CHANGED_MART}")

    assert ran == expected
    assert {result["status"] for result in results} <= {"success", "pass"}
    # The change reaches further than the mart itself, and far from everything.
    assert any(node.startswith("model.") and CHANGED_MART not in node for node in ran)
    all_nodes = [node for node in manifest["nodes"] if node.startswith(RUNNABLE)]
    assert len(ran) < len(all_nodes) / 5
    # It ends with what it ran, by kind, for the pull request's description.
    listed = output[output.index("What slim CI built and tested") :]
    ran_models = {node.split(".")[-1] for node in ran if node.startswith("model.")}
    assert f"models ({len(ran_models)}): " in listed
    assert all(model in listed for model in ran_models)
    ran_tests = [node for node in ran if node.startswith("test.")]
    assert f"data tests ({len(ran_tests)}): " in listed
