"""The schedules that start `refresh`, their crons from the settings. They start stopped."""

from __future__ import annotations

from dagster import DefaultScheduleStatus, ScheduleDefinition

from b2b_ops.defs.jobs import refresh_job
from b2b_ops.settings import Settings


def build_schedules(settings: Settings) -> list[ScheduleDefinition]:
    """daily_refresh and quarterly_retiering (settings resolved: crons are plain text)."""
    return [
        ScheduleDefinition(
            name="daily_refresh",
            job=refresh_job,
            cron_schedule=settings.daily_refresh_cron,
            execution_timezone="UTC",
            default_status=DefaultScheduleStatus.STOPPED,
            description="The daily full refresh (cron: B2B_OPS_DAILY_REFRESH_CRON, default 06:00 UTC).",
        ),
        ScheduleDefinition(
            name="quarterly_retiering",
            job=refresh_job,
            cron_schedule=settings.quarterly_retiering_cron,
            execution_timezone="UTC",
            tags={"purpose": "quarterly_retiering"},
            default_status=DefaultScheduleStatus.STOPPED,
            description="A refresh on the first day of each quarter, when value tiers are re-assigned.",
        ),
    ]
