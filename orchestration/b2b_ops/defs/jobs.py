"""One job, `refresh`, does everything a refresh does. It runs in one process,
one step at a time, because DuckDB allows one writer. Its event-day models
are partitioned by day, so every run targets a day (or a range of days)."""

from dagster import AssetSelection, define_asset_job, in_process_executor

refresh_job = define_asset_job(
    name="refresh",
    selection=AssetSelection.all(),
    executor_def=in_process_executor,
    description="Land new files, update and test every model, segment accounts, publish the marts.",
)
