"""The schedules that start `refresh`, their crons from the settings. They
start stopped. Each run targets the previous day's event partition; any
other day whose events changed is recomputed in the same run."""

from __future__ import annotations

import datetime as dt

from dagster import (
    DefaultScheduleStatus,
    RunRequest,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    schedule,
)

from b2b_ops.defs.jobs import refresh_job
from b2b_ops.runs import clamp_to_partitions, event_day_partitions
from b2b_ops.settings import Settings


def previous_day_schedule(
    name: str,
    cron: str,
    settings: Settings,
    description: str,
    tags: dict[str, str] | None = None,
) -> ScheduleDefinition:
    partitions = event_day_partitions(settings.partitions_start)

    @schedule(
        name=name,
        job=refresh_job,
        cron_schedule=cron,
        execution_timezone="UTC",
        default_status=DefaultScheduleStatus.STOPPED,
        description=description,
        tags=tags or {},
    )
    def _previous_day(context: ScheduleEvaluationContext) -> RunRequest:
        day = context.scheduled_execution_time.date() - dt.timedelta(days=1)
        return RunRequest(partition_key=clamp_to_partitions(day, partitions).isoformat())

    return _previous_day


def build_schedules(settings: Settings) -> list[ScheduleDefinition]:
    """daily_refresh and quarterly_retiering (settings resolved: crons are plain text)."""
    return [
        previous_day_schedule(
            "daily_refresh",
            settings.daily_refresh_cron,
            settings,
            "The daily refresh (cron: B2B_OPS_DAILY_REFRESH_CRON, default 06:00 UTC): lands new "
            "deliveries, updates the incremental models, rebuilds the rest.",
        ),
        previous_day_schedule(
            "quarterly_retiering",
            settings.quarterly_retiering_cron,
            settings,
            "A refresh on the first day of each quarter, when value tiers are re-assigned.",
            tags={"purpose": "quarterly_retiering"},
        ),
    ]
