"""`make docs`: dbt docs generated against a built warehouse cover every mart
and every documented column, show the marts' consumers (exposures), open on
the overview page and name every model's owner."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from b2b_ops.dbt_runner import dbt_executable
from b2b_ops.settings import PROJECT_DIR

pytestmark = pytest.mark.slow

DASHBOARDS = {
    "customer_success_health_dashboard",
    "revenue_mrr_dashboard",
    "growth_unit_economics_dashboard",
    "csm_worklist",
}


@pytest.fixture(scope="module")
def docs(handmade_build, tmp_path_factory) -> dict:
    """`dbt docs generate` as `make docs` runs it, on the hand-made build."""
    target = tmp_path_factory.mktemp("docs") / "target"
    result = subprocess.run(
        [
            dbt_executable(),
            "docs",
            "generate",
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
            "--target-path",
            str(target),
        ],
        cwd=PROJECT_DIR,
        env={**os.environ, "B2B_OPS_WAREHOUSE": str(handmade_build["warehouse"])},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    return {
        "manifest": json.loads((target / "manifest.json").read_text()),
        "catalog": json.loads((target / "catalog.json").read_text()),
        "site": target / "index.html",
    }


def marts(manifest: dict) -> dict[str, dict]:
    """The published marts: every model in schema marts (models/marts and the
    final layer's models/playbook/marts)."""
    return {
        unique_id: node
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["schema"] == "marts"
    }


def test_the_catalog_has_every_mart_and_its_documented_columns(docs):
    mart_nodes = marts(docs["manifest"])
    assert len(mart_nodes) >= 20  # the README lists 22 marts
    for unique_id, node in mart_nodes.items():
        assert unique_id in docs["catalog"]["nodes"], f"{node['name']} is not in the catalog"
        in_warehouse = {name.lower() for name in docs["catalog"]["nodes"][unique_id]["columns"]}
        documented = {name.lower() for name in node["columns"]}
        assert documented <= in_warehouse, f"{node['name']}: {documented - in_warehouse}"
    assert docs["site"].exists()


def test_the_dashboards_are_exposures_that_read_marts(docs):
    exposures = {exposure["name"]: exposure for exposure in docs["manifest"]["exposures"].values()}
    assert set(exposures) == DASHBOARDS
    mart_ids = set(marts(docs["manifest"]))
    read = set()
    for exposure in exposures.values():
        assert exposure["owner"]["name"]
        assert set(exposure["depends_on"]["nodes"]) <= mart_ids, exposure["name"]
        read |= set(exposure["depends_on"]["nodes"])
    # Every mart has a consumer in the lineage.
    assert read == mart_ids


def test_the_site_opens_on_the_overview_and_every_model_names_its_owner(docs):
    overview = docs["manifest"]["docs"]["doc.b2b_ops.__overview__"]["block_contents"]
    for section in (
        "Where to start",
        "The layers",
        "As of a date",
        "Units and currencies",
        "Where the rules and settings are",
    ):
        assert f"## {section}" in overview
    unowned = [
        node["name"]
        for node in docs["manifest"]["nodes"].values()
        if node["resource_type"] in ("model", "seed") and not node["config"]["meta"].get("owner")
    ]
    assert not unowned
