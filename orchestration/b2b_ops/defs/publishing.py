"""The published copy: the marts in a read-only file for BI tools, swapped in atomically."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from b2b_ops.defs.dbt_project import mart_keys
from b2b_ops.publishing import publish
from b2b_ops.settings import Settings


@asset(
    deps=mart_keys(),
    group_name="publishing",
    description="The marts copied to a read-only DuckDB file for BI tools, swapped in atomically.",
)
def published_marts(context: AssetExecutionContext, settings: Settings) -> MaterializeResult:
    tables = publish(settings.warehouse_path, settings.published_path)
    return MaterializeResult(
        metadata={"path": str(settings.published_path), "tables": MetadataValue.json(tables)}
    )
