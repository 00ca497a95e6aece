"""The Dagster definitions, built from the settings.

Data flows one way: landing files -> dbt (staging, intermediate, marts; the
event-day models partitioned by day) -> segmentation (K-means, written back
for dbt) -> dbt's segment models -> the published copy. Each step is an
asset module here; the Great Expectations suites are asset checks on the
landing tables and the marts; one job, `refresh`, runs it all, started by
two schedules and a sensor.
"""

from __future__ import annotations

from dagster import Definitions

from b2b_ops.defs.checks import expectation_checks
from b2b_ops.defs.dbt import dbt_resource, dbt_segments, dbt_warehouse, event_days_assets
from b2b_ops.defs.jobs import refresh_job
from b2b_ops.defs.landing import land_files
from b2b_ops.defs.publishing import published_marts
from b2b_ops.defs.schedules import build_schedules
from b2b_ops.defs.segments import account_clusters
from b2b_ops.defs.sensors import log_refresh_failures, new_landing_files
from b2b_ops.quality.suites import load_suites
from b2b_ops.runs import event_day_partitions
from b2b_ops.settings import Settings, resolved


def build_definitions(settings: Settings) -> Definitions:
    """Everything Dagster loads, with `settings` as the resource every asset,
    check and sensor receives."""
    values = resolved(settings)
    event_days = event_days_assets(event_day_partitions(values.partitions_start))
    return Definitions(
        assets=[
            land_files,
            dbt_warehouse,
            event_days,
            account_clusters,
            dbt_segments,
            published_marts,
        ],
        # The Great Expectations suites: blocking ones stop the publish.
        asset_checks=expectation_checks(
            [land_files, dbt_warehouse, dbt_segments], load_suites(values.suites_path)
        ),
        jobs=[refresh_job],
        schedules=build_schedules(values),
        sensors=[new_landing_files, log_refresh_failures],
        resources={"settings": settings, "dbt": dbt_resource()},
    )
