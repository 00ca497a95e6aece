"""The Dagster code location: `dagster dev -m b2b_ops.definitions` (make ui).

One job, `refresh`, does everything a refresh does; `make demo`, `make build`,
the daily schedule, the quarterly re-tiering schedule and the landing-files
sensor all run it. It runs in one process, one step at a time, because
DuckDB allows one writer.
"""

import hashlib
import os

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    Definitions,
    RunFailureSensorContext,
    RunRequest,
    ScheduleDefinition,
    SensorEvaluationContext,
    SkipReason,
    define_asset_job,
    in_process_executor,
    run_failure_sensor,
    sensor,
)
from dagster_dbt import DbtCliResource

from b2b_ops import settings as run_settings
from b2b_ops.assets import (
    DBT_PROJECT,
    account_clusters,
    dbt_segments,
    dbt_warehouse,
    land_files,
    published_marts,
)
from b2b_ops.dbt_runner import dbt_executable
from b2b_ops.quality.checks import expectation_checks

refresh_job = define_asset_job(
    name="refresh",
    selection=AssetSelection.all(),
    executor_def=in_process_executor,
    description="Land the files, build and test every model, segment accounts, publish the marts.",
)

daily_refresh = ScheduleDefinition(
    name="daily_refresh",
    job=refresh_job,
    cron_schedule=os.environ.get("B2B_OPS_DAILY_REFRESH_CRON", "0 6 * * *"),
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.STOPPED,
    description="The daily full refresh (cron: B2B_OPS_DAILY_REFRESH_CRON, default 06:00 UTC).",
)

quarterly_retiering = ScheduleDefinition(
    name="quarterly_retiering",
    job=refresh_job,
    cron_schedule=os.environ.get("B2B_OPS_QUARTERLY_RETIERING_CRON", "0 5 1 1,4,7,10 *"),
    execution_timezone="UTC",
    tags={"purpose": "quarterly_retiering"},
    default_status=DefaultScheduleStatus.STOPPED,
    description="A refresh on the first day of each quarter, when value tiers are re-assigned.",
)


def landing_fingerprint(landing_dir: os.PathLike) -> str:
    """A digest of every landing file's name, size and modification time."""
    digest = hashlib.sha256()
    for root, _, files in sorted(os.walk(landing_dir)):
        for name in sorted(files):
            path = os.path.join(root, name)
            status = os.stat(path)
            digest.update(
                f"{os.path.relpath(path, landing_dir)}|{status.st_size}|{status.st_mtime_ns}\n".encode()
            )
    return digest.hexdigest()


@sensor(
    name="new_landing_files",
    job=refresh_job,
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.STOPPED,
    description="Starts a refresh when files in the landing folder are added or changed.",
)
def new_landing_files(context: SensorEvaluationContext):
    landing_dir = run_settings.from_environment().landing_dir
    if not landing_dir.is_dir():
        return SkipReason(f"landing folder {landing_dir} does not exist")
    fingerprint = landing_fingerprint(landing_dir)
    if fingerprint == context.cursor:
        return SkipReason("no new or changed landing files")
    context.update_cursor(fingerprint)
    return RunRequest(run_key=fingerprint, tags={"purpose": "new_landing_files"})


@run_failure_sensor(
    name="log_refresh_failures",
    monitored_jobs=[refresh_job],
    default_status=DefaultSensorStatus.STOPPED,
    description="Logs each failed refresh with the step (asset or dbt test) that failed and why.",
)
def log_refresh_failures(context: RunFailureSensorContext) -> None:
    for event in context.get_step_failure_events():
        error = event.event_specific_data.error if event.event_specific_data else None
        context.log.error(
            f"refresh run {context.dagster_run.run_id} failed at step {event.step_key}: "
            f"{error.message.strip() if error else event.message}"
        )


defs = Definitions(
    assets=[land_files, dbt_warehouse, account_clusters, dbt_segments, published_marts],
    # The Great Expectations suites: blocking ones stop the publish.
    asset_checks=expectation_checks([land_files, dbt_warehouse, dbt_segments]),
    jobs=[refresh_job],
    schedules=[daily_refresh, quarterly_retiering],
    sensors=[new_landing_files, log_refresh_failures],
    resources={"dbt": DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=dbt_executable())},
)
