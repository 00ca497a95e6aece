"""One job, `refresh`, does everything a refresh does. It runs in one process,
one step at a time, because DuckDB allows one writer."""

from dagster import AssetSelection, define_asset_job, in_process_executor

refresh_job = define_asset_job(
    name="refresh",
    selection=AssetSelection.all(),
    executor_def=in_process_executor,
    description="Land the files, build and test every model, segment accounts, publish the marts.",
)
