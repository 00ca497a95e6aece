"""Every dbt model as an asset, dbt's data tests as asset checks. Two sets:
the warehouse, and the models that read the segmentation output back (they
run after it). Both runs of one refresh share a target folder, so the second
reuses the first's parse."""

import json
from collections.abc import Iterator
from typing import Any

from dagster import AssetExecutionContext
from dagster_dbt import DbtCliResource, dbt_assets

from b2b_ops.dbt_runner import dbt_executable
from b2b_ops.defs.dbt_project import DBT_PROJECT, MANIFEST, TRANSLATOR
from b2b_ops.settings import Settings

SEGMENT_MODELS = "stg_ml__account_clusters account_segments"


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(
        project_dir=DBT_PROJECT,
        dbt_executable=dbt_executable(),
        # The log goes to the run and the log file; colour codes only clutter it.
        global_config_flags=["--no-use-colors"],
    )


def _dbt_build(
    context: AssetExecutionContext, dbt: DbtCliResource, settings: Settings
) -> Iterator[Any]:
    arguments = [
        "build",
        "--full-refresh",
        "--exclude-resource-type",
        "unit_test",
        "--vars",
        json.dumps(settings.vars_for_dbt()),
    ]
    target = DBT_PROJECT.project_dir / DBT_PROJECT.target_path / f"refresh-{context.run.run_id[:8]}"
    yield from dbt.cli(arguments, context=context, target_path=target).stream()


@dbt_assets(
    manifest=MANIFEST,
    project=DBT_PROJECT,
    dagster_dbt_translator=TRANSLATOR,
    exclude=SEGMENT_MODELS,
    name="dbt_warehouse",
)
def dbt_warehouse(
    context: AssetExecutionContext, dbt: DbtCliResource, settings: Settings
) -> Iterator[Any]:
    """Seeds, staging, quarantine, intermediate and mart models, with their tests."""
    yield from _dbt_build(context, dbt, settings)


@dbt_assets(
    manifest=MANIFEST,
    project=DBT_PROJECT,
    dagster_dbt_translator=TRANSLATOR,
    select=SEGMENT_MODELS,
    name="dbt_segments",
)
def dbt_segments(
    context: AssetExecutionContext, dbt: DbtCliResource, settings: Settings
) -> Iterator[Any]:
    """The models that read the segmentation output back (after it is written)."""
    yield from _dbt_build(context, dbt, settings)
