"""The Dagster code location: definitions load (what `dg check defs` checks:
every asset, check, job, schedule and sensor resolves), every dbt model is
an asset in its folder's group, dbt tests are checks, the settings reach the
schedules and the sensor. A full materialization runs in the handmade_build
fixture."""

from __future__ import annotations

import dagster_dbt.core.resource
import dbt.parser.manifest
import pytest
from dagster import DagsterInstance, RunRequest, SkipReason, build_sensor_context

from b2b_ops.definitions import defs
from b2b_ops.defs import build_definitions
from b2b_ops.defs.dbt import dbt_resource
from b2b_ops.defs.dbt_project import MANIFEST, mart_keys
from b2b_ops.defs.sensors import new_landing_files
from b2b_ops.settings import Settings, from_environment
from conftest import query


def test_the_code_location_loads_and_every_definition_resolves():
    # Resolving the whole repository validates every asset, check, resource
    # binding, job, schedule and sensor, as `dagster dev` does on load.
    repository = defs.get_repository_def()
    assert {job.name for job in repository.get_all_jobs()} >= {"refresh"}
    for schedule in repository.schedule_defs:
        assert defs.resolve_schedule_def(schedule.name).job_name == "refresh"
    for sensor in repository.sensor_defs:
        assert defs.resolve_sensor_def(sensor.name) is not None
    assert {schedule.name for schedule in repository.schedule_defs} == {
        "daily_refresh",
        "quarterly_retiering",
    }
    assert {sensor.name for sensor in repository.sensor_defs} == {
        "new_landing_files",
        "log_refresh_failures",
    }
    job = defs.resolve_job_def("refresh")
    assert job.executor_def.name == "in_process"
    assert set(job.asset_layer.asset_graph.get_all_asset_keys()) >= set(mart_keys())


def test_a_dbt_run_costs_no_dbt_start_inside_the_dagster_process(monkeypatch):
    # dagster-dbt's own resource runs `dbt --version` and loads dbt's macros
    # into an adapter in this process before every dbt run (seconds each, to
    # fetch row counts the project never asks for). Either one now fails
    # the run; only the dbt subprocess itself may start.
    def started_in_process(*args, **kwargs):
        raise AssertionError("dbt started inside the Dagster process")

    monkeypatch.setattr(dagster_dbt.core.resource, "check_output", started_in_process)
    monkeypatch.setattr(dbt.parser.manifest.ManifestLoader, "load_macros", started_in_process)
    invocation = dbt_resource().cli(["--version"])
    assert invocation.is_successful(), invocation.get_error()


def test_a_dbt_run_writes_only_the_parse_the_next_run_reuses(tmp_path):
    # The refresh's dbt runs write no debug log and no JSON artifacts (nothing
    # reads them; they cost seconds of CPU each), but keep the partial parse:
    # without it each of a refresh's five dbt runs would parse the project whole.
    target = tmp_path / "target"
    invocation = dbt_resource().cli(["parse"], target_path=target).wait()
    assert invocation.is_successful(), invocation.get_error()
    written = {path.name for path in target.iterdir()}
    assert "partial_parse.msgpack" in written
    assert not written & {"dbt.log", "manifest.json", "semantic_manifest.json"}, written


def test_every_model_in_schema_marts_is_published():
    published = defs.resolve_assets_def("published_marts")
    deps = {dep.asset_key for dep in published.specs_by_key[published.key].deps}
    # The marts, and the semantic layer's tables MetricFlow queries beside them.
    published_models = {
        node["name"]
        for node in MANIFEST["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] in ("marts", "semantic")
    }
    assert {key.path[-1] for key in deps} == published_models
    assert {"dim_accounts", "account_segments", "mart_kpi_scorecard"} <= published_models
    assert "sem_time_spine_days" in published_models


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


def test_schedules_take_their_crons_from_the_settings(monkeypatch):
    assert defs.resolve_schedule_def("daily_refresh").cron_schedule == "0 6 * * *"
    assert defs.resolve_schedule_def("quarterly_retiering").cron_schedule == "0 5 1 1,4,7,10 *"
    # As `make ui` starts them: the variables in the environment of the process.
    monkeypatch.setenv("B2B_OPS_DAILY_REFRESH_CRON", "30 7 * * 1-5")
    monkeypatch.setenv("B2B_OPS_QUARTERLY_RETIERING_CRON", "0 4 2 1,4,7,10 *")
    changed = build_definitions(from_environment())
    assert changed.resolve_schedule_def("daily_refresh").cron_schedule == "30 7 * * 1-5"
    assert changed.resolve_schedule_def("quarterly_retiering").cron_schedule == "0 4 2 1,4,7,10 *"


def test_new_landing_files_sensor_fires_once_per_change(tmp_path):
    landing = tmp_path / "landing"
    (landing / "crm").mkdir(parents=True)
    (landing / "crm" / "accounts.csv").write_text("account_id\n")
    resources = {"settings": Settings(landing_dir=str(landing), as_of_date="2025-06-30")}

    def evaluate(instance, cursor=None):
        context = build_sensor_context(instance=instance, cursor=cursor, resources=resources)
        return new_landing_files(context), context.cursor

    with DagsterInstance.ephemeral() as instance:
        first, cursor = evaluate(instance)
        assert isinstance(first, RunRequest)
        # No event file changed: the run targets the day before the as-of date.
        assert first.partition_key == "2025-06-29"
        assert isinstance(evaluate(instance, cursor)[0], SkipReason)
        (landing / "product" / "events").mkdir(parents=True)
        (landing / "product" / "events" / "2025-06-12.csv").write_text(
            "event_id,occurred_at\ne1,2025-06-11T23:00:00Z\ne2,2025-06-12T08:00:00Z\n"
        )
        changed, _ = evaluate(instance, cursor)
        assert isinstance(changed, RunRequest) and changed.run_key != first.run_key
        # A new delivery of events: the run targets the latest day it holds.
        assert changed.partition_key == "2025-06-12"


def test_the_sensor_reads_the_landing_folder_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("B2B_OPS_LANDING_DIR", str(tmp_path / "nowhere"))
    sensor_settings = from_environment()
    with DagsterInstance.ephemeral() as instance:
        context = build_sensor_context(instance=instance, resources={"settings": sensor_settings})
        skipped = new_landing_files(context)
    assert isinstance(skipped, SkipReason)
    assert str(tmp_path / "nowhere") in skipped.skip_message


@pytest.mark.slow
def test_full_refresh_through_dagster_publishes_marts_and_segments(handmade_build):
    published = handmade_build["warehouse"].parent / "published" / "b2b_ops.duckdb"
    tables = {
        row[0] for row in query(published, "select table_name from information_schema.tables")
    }
    assert {"dim_accounts", "fct_mrr_movements", "account_segments"} <= tables
    # Only the marts (and the semantic layer's time spine and KPI inputs) are
    # published: no staging, raw or quarantine.
    schemas = {
        row[0]
        for row in query(published, "select distinct table_schema from information_schema.tables")
    }
    assert schemas == {"marts", "semantic"}
    segments = query(
        handmade_build["warehouse"],
        "select count(*), min(model_run_id) from marts.account_segments",
    )
    # Customers only: acc_1 and acc_3 pay now, acc_2 paid in February 2025
    # (inside the 365-day RFM window); the trial and the prospect are left out.
    assert segments[0][0] == 3 and segments[0][1]
