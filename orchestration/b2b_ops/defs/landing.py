"""The 14 landing tables as assets: every file checked, then the new and
changed ones landed into `raw` (every file on a full refresh), with the
ledger of landed files."""

import datetime as dt
from collections.abc import Iterator

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    FreshnessPolicy,
    MaterializeResult,
    multi_asset,
)

from b2b_ops.landing import describe, load_landing, read_table_specs
from b2b_ops.landing.loader import landed_text
from b2b_ops.runs import is_full_refresh
from b2b_ops.settings import Settings
from b2b_ops.spark_tables import export_landed


@multi_asset(
    name="land_files",
    specs=[
        AssetSpec(
            AssetKey([spec.system, spec.table]),
            group_name="landing",
            description=f"{spec.name} landed as text into raw.{spec.raw_table}",
            # A daily export: warn after a missed day, fail after a week.
            freshness_policy=FreshnessPolicy.time_window(
                fail_window=dt.timedelta(days=7), warn_window=dt.timedelta(hours=36)
            ),
        )
        for spec in read_table_specs()
    ],
)
def land_files(context: AssetExecutionContext, settings: Settings) -> Iterator[MaterializeResult]:
    """Check every landing file's structure, then land what is new in one transaction."""
    results = load_landing(
        settings.landing_path,
        settings.warehouse_path,
        duckdb_config=settings.duckdb_config,
        full_refresh=is_full_refresh(context),
    )
    if settings.is_spark:
        # Spark reads the landed rows as Parquet (dbt registers them: docs/spark.md).
        export_landed(settings.warehouse_path, settings.spark_path, ("raw",))
    for result in results:
        log = context.log.warning if result.is_absent or result.files_missing else context.log.info
        log(describe(result, settings.landing_path))
        yield MaterializeResult(
            asset_key=AssetKey([result.spec.system, result.spec.table]),
            metadata={
                "rows_landed": result.rows_landed,
                "rows": result.rows_current,
                "files_landed": len(result.files_landed),
                "landed": landed_text(result),
                "file": str(result.location) if result.location else "absent: read as empty",
            },
        )
