"""Sensors: a refresh when the landing files change, and a log line per failed refresh."""

import hashlib
from pathlib import Path

from dagster import (
    DefaultSensorStatus,
    RunFailureSensorContext,
    RunRequest,
    SensorEvaluationContext,
    SkipReason,
    run_failure_sensor,
    sensor,
)

from b2b_ops.defs.jobs import refresh_job
from b2b_ops.settings import Settings


def landing_fingerprint(landing_dir: Path) -> str:
    """A digest of every landing file's name, size and modification time."""
    digest = hashlib.sha256()
    for path in sorted(path for path in landing_dir.rglob("*") if path.is_file()):
        status = path.stat()
        digest.update(
            f"{path.relative_to(landing_dir)}|{status.st_size}|{status.st_mtime_ns}\n".encode()
        )
    return digest.hexdigest()


@sensor(
    name="new_landing_files",
    job=refresh_job,
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.STOPPED,
    description="Starts a refresh when files in the landing folder are added or changed.",
)
def new_landing_files(context: SensorEvaluationContext, settings: Settings):
    landing_dir = settings.landing_path
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
