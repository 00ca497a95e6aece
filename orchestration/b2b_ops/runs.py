"""What a run of `refresh` was asked to do, read off its tags: a full
refresh (tag b2b_ops/full_refresh=true: every file landed again, every
incremental model rebuilt), and the event days it targets (Dagster's
partition or partition range tags)."""

from __future__ import annotations

import datetime as dt

from dagster import AssetExecutionContext, DailyPartitionsDefinition

FULL_REFRESH_TAG = "b2b_ops/full_refresh"
PARTITION_TAG = "dagster/partition"
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def is_full_refresh(context: AssetExecutionContext) -> bool:
    return context.run.tags.get(FULL_REFRESH_TAG, "").strip().lower() == "true"


def event_day_partitions(start: dt.date) -> DailyPartitionsDefinition:
    """One partition per day of events, from `start` to today (UTC) included."""
    return DailyPartitionsDefinition(start_date=start.isoformat(), end_offset=1)


def clamp_to_partitions(day: dt.date, partitions: DailyPartitionsDefinition) -> dt.date:
    """The nearest day that has a partition."""
    keys = partitions.get_partition_keys()
    first, last = dt.date.fromisoformat(keys[0]), dt.date.fromisoformat(keys[-1])
    return min(max(day, first), last)


def range_tags(first: dt.date, last: dt.date) -> dict[str, str]:
    """The tags that make a run of `refresh` target the event days first..last."""
    return {RANGE_START_TAG: first.isoformat(), RANGE_END_TAG: last.isoformat()}
