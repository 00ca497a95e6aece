"""Sensors: a refresh when landing files arrive or change, and a log line per
failed refresh."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import duckdb
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
from b2b_ops.landing import read_table_specs
from b2b_ops.runs import clamp_to_partitions, event_day_partitions
from b2b_ops.settings import Settings

# A file's state as the sensor remembers it: size and modification time.
FileStates = dict[str, list[int]]


def landing_files(landing_dir: Path) -> FileStates:
    """Every landing file's size and modification time, by path in the folder."""
    states = {}
    for path in sorted(path for path in landing_dir.rglob("*") if path.is_file()):
        status = path.stat()
        states[path.relative_to(landing_dir).as_posix()] = [status.st_size, status.st_mtime_ns]
    return states


def fingerprint(states: FileStates) -> str:
    return hashlib.sha256(json.dumps(states, sort_keys=True).encode()).hexdigest()


def changed_files(before: FileStates, now: FileStates) -> list[str]:
    return sorted(path for path, state in now.items() if before.get(path) != state)


def latest_event_day(landing_dir: Path, paths: list[str]) -> dt.date | None:
    """The latest day of the rows in the changed files of tables dated by a
    column (product/events), read from the files themselves: a sensor never
    opens the warehouse, which a running refresh holds."""
    dated = {f"{spec.system}/{spec.table}": spec.event_time for spec in read_table_specs()}
    latest = None
    with duckdb.connect() as connection:
        connection.execute("set TimeZone = 'UTC'")
        for path in paths:
            table = next((name for name in dated if path.startswith(name)), None)
            column = dated.get(table) if table else None
            if not column or not path.endswith((".csv", ".parquet")):
                continue
            file = str(landing_dir / path).replace("'", "''")
            reader = (
                f"read_parquet('{file}')"
                if path.endswith(".parquet")
                else f"read_csv('{file}', all_varchar = true)"
            )
            try:
                [(day,)] = connection.execute(
                    f"select max(cast(try_cast({column} as timestamptz) as date)) from {reader}"
                ).fetchall()
            except duckdb.Error:
                continue  # the refresh reports an unreadable file, with its name
            if day and (latest is None or day > latest):
                latest = day
    return latest


@sensor(
    name="new_landing_files",
    job=refresh_job,
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.STOPPED,
    description="Starts a refresh when files in the landing folder are added or changed; the run "
    "targets the latest event day they hold and recomputes every other day they touch.",
)
def new_landing_files(context: SensorEvaluationContext, settings: Settings):
    landing_dir = settings.landing_path
    if not landing_dir.is_dir():
        return SkipReason(f"landing folder {landing_dir} does not exist")
    now = landing_files(landing_dir)
    before: FileStates = json.loads(context.cursor) if context.cursor else {}
    changed = changed_files(before, now)
    if not changed:
        return SkipReason("no new or changed landing files")
    context.update_cursor(json.dumps(now, sort_keys=True))
    partitions = event_day_partitions(settings.partitions_start)
    day = latest_event_day(landing_dir, changed) or settings.as_of - dt.timedelta(days=1)
    return RunRequest(
        run_key=fingerprint(now),
        partition_key=clamp_to_partitions(day, partitions).isoformat(),
        tags={"purpose": "new_landing_files"},
    )


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
