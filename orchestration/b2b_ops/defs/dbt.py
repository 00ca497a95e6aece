"""Every dbt model as an asset, dbt's data tests as asset checks. Three sets:
the warehouse; the event-day models, partitioned by day (an operator sees
each day's status in the UI and can backfill a range of days); and the
models that read the segmentation output back (they run after it). The dbt
runs of one refresh share a target folder, so each reuses the first's
parse. A refresh rebuilds tables and updates incremental models; a full
refresh (runs.FULL_REFRESH_TAG) rebuilds those too."""

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from functools import cached_property
from importlib.metadata import version as installed_version
from typing import Any

from dagster import (
    AssetExecutionContext,
    AssetMaterialization,
    AssetsDefinition,
    DailyPartitionsDefinition,
)
from dagster_dbt import DbtCliResource, dbt_assets
from packaging.version import Version

from b2b_ops.dbt_runner import dbt_executable
from b2b_ops.defs.dbt_project import DBT_PROJECT, MANIFEST, TRANSLATOR, relation_of
from b2b_ops.incremental import (
    EVENT_DAYS,
    STAGED_EVENTS,
    STAGED_TRIALS,
    TRIAL_DAYS,
    day_ranges,
    pending_event_days,
    record_processed,
    record_trial_windows,
    write_changed_trials,
    write_day_ranges,
)
from b2b_ops.landing import connect
from b2b_ops.runs import is_full_refresh
from b2b_ops.settings import Settings, dbt_run_target_path
from b2b_ops.spark_tables import expose_spark_tables

SEGMENT_MODELS = "stg_ml__account_clusters account_segments"
# The models whose rows are days of events: incremental by day.
EVENT_DAY_MODELS = f"{EVENT_DAYS} {TRIAL_DAYS}"


class WarehouseDbt(DbtCliResource):
    """dagster-dbt's dbt resource without two costs it pays around every dbt
    run for features this project does not use: it runs `dbt --version` to
    tell dbt Core from the Fusion engine, and it loads dbt's macros into an
    adapter in the Dagster process, only needed to fetch row counts or column
    metadata after a run. Together about 10 s of every refresh on 2 cores
    (cProfile of a refresh: 5 adapter starts and one version check). The dbt
    run itself is unchanged: the same subprocess, the same events."""

    @cached_property
    def _cli_version(self) -> Version:
        # The dbt executable is the one installed beside this Python.
        return Version(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        return None


def dbt_resource() -> DbtCliResource:
    return WarehouseDbt(
        project_dir=DBT_PROJECT,
        dbt_executable=dbt_executable(),
        # The log goes to the run and the log file; colour codes only clutter it.
        # dbt's own debug log file and its JSON artifacts (manifest, run
        # results) are read by nothing here and cost about 10 s of CPU per
        # refresh of the hand-made fixture (12 MB of debug log); dbt still
        # writes partial_parse.msgpack, which the next run of a refresh reuses.
        global_config_flags=["--no-use-colors", "--no-write-json", "--log-level-file", "none"],
    )


def _dbt_build(
    context: AssetExecutionContext,
    dbt: DbtCliResource,
    settings: Settings,
    full_refresh: bool = False,
) -> Iterator[Any]:
    arguments = [
        "build",
        "--exclude-resource-type",
        "unit_test",
        # A run splits the warehouse's models in two around the event-day
        # models; a test whose models are in both halves runs with the second
        # (dbt's default would run it with the first, before all exist).
        "--indirect-selection",
        "buildable",
        "--vars",
        json.dumps(settings.vars_for_dbt()),
        "--target",
        settings.dbt_target,
    ]
    # Spark's Parquet tables cannot delete rows: incremental models build whole there.
    if full_refresh or is_full_refresh(context) or settings.is_spark:
        arguments.append("--full-refresh")
    target = dbt_run_target_path(context.run.run_id)
    yield from dbt.cli(arguments, context=context, target_path=target).stream()
    if settings.is_spark:
        expose_spark_tables(settings.warehouse_path, settings.spark_path, settings.duckdb_config)


@dbt_assets(
    manifest=MANIFEST,
    project=DBT_PROJECT,
    dagster_dbt_translator=TRANSLATOR,
    exclude=f"{SEGMENT_MODELS} {EVENT_DAY_MODELS}",
    name="dbt_warehouse",
)
def dbt_warehouse(
    context: AssetExecutionContext, dbt: DbtCliResource, settings: Settings
) -> Iterator[Any]:
    """Seeds, staging, quarantine, intermediate and mart models, with their tests."""
    yield from _dbt_build(context, dbt, settings)


def requested_days(context: AssetExecutionContext) -> list[dt.date]:
    window = context.partition_time_window
    first, end = window.start.date(), window.end.date()
    return [first + dt.timedelta(days=offset) for offset in range((end - first).days)]


def event_days_assets(partitions: DailyPartitionsDefinition) -> AssetsDefinition:
    """The event-day models as one asset set, one partition per day."""

    @dbt_assets(
        manifest=MANIFEST,
        project=DBT_PROJECT,
        dagster_dbt_translator=TRANSLATOR,
        select=EVENT_DAY_MODELS,
        name="event_days",
        partitions_def=partitions,
    )
    def event_days(
        context: AssetExecutionContext, dbt: DbtCliResource, settings: Settings
    ) -> Iterator[Any]:
        """Account-day and trial-day activity: recomputes the days the run
        targets and every other day whose events changed since it last ran
        (late rows, a redelivered file, a duplicate or orphan decided again);
        those days are recorded as materialized too. The trial-day model also
        recomputes every row of a trial whose window changed. A full refresh
        rebuilds both whole."""
        if settings.is_spark:
            context.log.info("event days: rebuilding every day (the spark target builds whole)")
            yield from _dbt_build(context, dbt, settings)
            return
        requested = requested_days(context)
        with connect(settings.warehouse_path, settings.duckdb_config) as connection:
            pending = pending_event_days(
                connection, relation_of(STAGED_EVENTS), relation_of(EVENT_DAYS)
            )
            why_trials = write_changed_trials(
                connection, relation_of(STAGED_TRIALS), relation_of(TRIAL_DAYS)
            )
            why_rebuild = (
                "full refresh" if is_full_refresh(context) else pending.why_rebuild or why_trials
            )
            days = sorted(set(requested) | pending.days)
            ranges = day_ranges(days)
            write_day_ranges(connection, [] if why_rebuild else ranges)
        context.log.info(
            f"event days: rebuilding every day ({why_rebuild})"
            if why_rebuild
            else f"event days: recomputing {len(days)} day(s) in {len(ranges)} range(s): "
            f"{[[first.isoformat(), last.isoformat()] for first, last in ranges]}"
        )
        yield from _dbt_build(context, dbt, settings, full_refresh=bool(why_rebuild))
        with connect(settings.warehouse_path, settings.duckdb_config) as connection:
            record_processed(connection, EVENT_DAYS, pending.landing_seq)
            record_trial_windows(connection, relation_of(STAGED_TRIALS))
        if why_rebuild:
            return
        keys = set(partitions.get_partition_keys())
        for day in sorted(pending.days - set(requested)):
            if day.isoformat() in keys:
                for asset_key in context.selected_asset_keys:
                    context.log_event(
                        AssetMaterialization(asset_key=asset_key, partition=day.isoformat())
                    )

    return event_days


@dbt_assets(
    manifest=MANIFEST,
    project=DBT_PROJECT,
    dagster_dbt_translator=TRANSLATOR,
    select=SEGMENT_MODELS,
    name="dbt_segments",
)
def dbt_segments(
    context: AssetExecutionContext, dbt: DbtCliResource, settings: Settings
) -> Iterator[Any]:
    """The models that read the segmentation output back (after it is written)."""
    yield from _dbt_build(context, dbt, settings)
