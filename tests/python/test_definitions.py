"""The Dagster code location: definitions load, every dbt model is an asset
in its folder's group, dbt tests are checks, schedules and sensors exist and
behave. A full materialization runs in the handmade_build fixture."""

from __future__ import annotations

import json

import pytest
from dagster import DagsterInstance, RunRequest, SkipReason, build_sensor_context

from b2b_ops.assets import DBT_PROJECT
from b2b_ops.definitions import defs, new_landing_files
from conftest import query

MANIFEST = json.loads(DBT_PROJECT.manifest_path.read_text())


def test_every_dbt_model_is_an_asset_in_its_folder_group():
    graph = defs.resolve_asset_graph()
    groups = {}
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if node.is_materializable:
            groups.setdefault(node.group_name, set()).add(key.path[-1])
    models = {
        node["name"] for node in MANIFEST["nodes"].values() if node["resource_type"] == "model"
    }
    materialized = set().union(*groups.values())
    assert models <= materialized
    assert "dim_accounts" in groups["marts"]
    assert "stg_crm__accounts" in groups["staging"]
    assert "int_account_mrr_monthly" in groups["intermediate"]
    assert "quarantined_rows" in groups["quarantine"]
    assert {"accounts", "events"} <= groups["landing"]
    assert groups["segments"] == {"account_clusters"}
    assert groups["publishing"] == {"published_marts"}


def test_dbt_tests_are_asset_checks():
    graph = defs.resolve_asset_graph()
    check_names = {check.name for check in graph.asset_check_keys}
    data_tests = [node for node in MANIFEST["nodes"].values() if node["resource_type"] == "test"]
    assert len(check_names) >= len(data_tests) * 0.9
    assert any(name.startswith("unique_dim_accounts_account_id") for name in check_names)


def test_schedules_and_sensors():
    assert defs.resolve_schedule_def("daily_refresh").cron_schedule == "0 6 * * *"
    assert defs.resolve_schedule_def("quarterly_retiering").cron_schedule == "0 5 1 1,4,7,10 *"
    for name in ("new_landing_files", "log_refresh_failures"):
        assert defs.resolve_sensor_def(name) is not None
    job = defs.resolve_job_def("refresh")
    assert job.executor_def.name == "in_process"


def test_new_landing_files_sensor_fires_once_per_change(tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    (landing / "crm").mkdir(parents=True)
    (landing / "crm" / "accounts.csv").write_text("account_id\n")
    monkeypatch.setenv("B2B_OPS_LANDING_DIR", str(landing))
    with DagsterInstance.ephemeral() as instance:
        first = new_landing_files(build_sensor_context(instance=instance))
        assert isinstance(first, RunRequest)
        cursor = first.run_key
        unchanged = new_landing_files(build_sensor_context(instance=instance, cursor=cursor))
        assert isinstance(unchanged, SkipReason)
        (landing / "crm" / "contacts.csv").write_text("contact_id\n")
        changed = new_landing_files(build_sensor_context(instance=instance, cursor=cursor))
        assert isinstance(changed, RunRequest) and changed.run_key != cursor


@pytest.mark.slow
def test_full_refresh_through_dagster_publishes_marts_and_segments(handmade_build):
    published = handmade_build["warehouse"].parent / "published" / "b2b_ops.duckdb"
    tables = {
        row[0] for row in query(published, "select table_name from information_schema.tables")
    }
    assert {"dim_accounts", "fct_mrr_movements", "account_segments"} <= tables
    # Only the marts are published: no staging, raw or quarantine.
    schemas = {
        row[0]
        for row in query(published, "select distinct table_schema from information_schema.tables")
    }
    assert schemas == {"marts"}
    segments = query(
        handmade_build["warehouse"],
        "select count(*), min(model_run_id) from marts.account_segments",
    )
    # Customers only: acc_1 and acc_3 pay now, acc_2 paid in February 2025
    # (inside the 365-day RFM window); the trial and the prospect are left out.
    assert segments[0][0] == 3 and segments[0][1]
