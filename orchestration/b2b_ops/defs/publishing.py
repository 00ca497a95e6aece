"""The published copy: the marts (and the semantic layer's tables) as a
read-only DuckDB file and a Parquet set for BI tools, swapped in atomically."""

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from b2b_ops.defs.dbt_project import TRANSLATOR, mart_keys, model_nodes
from b2b_ops.publishing import STORAGE_VERSION, destination, publish
from b2b_ops.settings import Settings

# The semantic layer's models (models/semantic): its time spine and inputs.
SEMANTIC_SCHEMA = "semantic"


def semantic_keys() -> list[AssetKey]:
    return [TRANSLATOR.get_asset_key(node) for node in model_nodes(SEMANTIC_SCHEMA)]


@asset(
    deps=[*mart_keys(), *semantic_keys()],
    group_name="publishing",
    description="The marts copied to a read-only DuckDB file (storage "
    f"{STORAGE_VERSION}: DuckDB 0.10 and later open it) and to Parquet, swapped in atomically.",
)
def published_marts(context: AssetExecutionContext, settings: Settings) -> MaterializeResult:
    target = destination(settings.published_path, settings.as_of, settings.past_as_of == "replace")
    if target != settings.published_path:
        context.log.warning(
            f"as of {settings.as_of}, before the published copy's as-of date: published to "
            f"{target}, not over {settings.published_path} (B2B_OPS_PAST_AS_OF_PUBLISH=replace "
            "replaces it)"
        )
    tables = publish(settings.warehouse_path, target, settings.as_of, settings.is_spark)
    return MaterializeResult(
        metadata={
            "path": str(target),
            "parquet": str(target.parent / "parquet"),
            "tables": MetadataValue.json(tables),
        }
    )
