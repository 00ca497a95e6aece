"""The K-means segmentation as an asset: it reads one dbt model made for it
(int_account_segment_features) and writes one typed table
(ml.account_clusters), which dbt reads back as a source."""

import datetime as dt

import duckdb
from dagster import AssetExecutionContext, AssetKey, Config, MaterializeResult, MetadataValue, asset
from dagster_dbt import get_asset_key_for_model

from b2b_ops.defs.dbt import dbt_warehouse
from b2b_ops.defs.dbt_project import relation_of
from b2b_ops.segments.kmeans import SegmentationResult, segment_accounts, stability
from b2b_ops.segments.output import (
    cluster_rows,
    declared_columns,
    previous_assignments,
    write_clusters,
)
from b2b_ops.settings import Settings
from b2b_ops.spark_tables import export_landed

CLUSTERS_KEY = AssetKey(["ml", "account_clusters"])


class SegmentationConfig(Config):
    """k = 0 chooses k by silhouette in [k_min, k_max]."""

    k: int = 0
    k_min: int = 3
    k_max: int = 6


FEATURES_MODEL = "int_account_segment_features"


def segmentation_metadata(
    result: SegmentationResult, accounts: int, ari: float | None
) -> dict[str, object]:
    """What the asset records about a run: k, fit, sizes, labels, stability, and why
    the accounts were not clustered as asked when they were not."""
    labels = result.assignments.groupby("cluster_id")["cluster_label"].first().astype(str).to_dict()
    return {
        "accounts": accounts,
        "k": result.k,
        "silhouette": MetadataValue.float(result.silhouette)
        if result.silhouette is not None
        else None,
        "cluster_sizes": MetadataValue.json(result.cluster_sizes),
        "cluster_labels": MetadataValue.json({str(key): value for key, value in labels.items()}),
        "adjusted_rand_index_vs_previous": MetadataValue.float(ari) if ari is not None else None,
        "reason": result.reason or "clustered as asked",
    }


@asset(
    key=CLUSTERS_KEY,
    deps=[get_asset_key_for_model([dbt_warehouse], FEATURES_MODEL)],
    group_name="segments",
    description="K-means segments of accounts on standardised RFM, value, usage and support features.",
)
def account_clusters(
    context: AssetExecutionContext, config: SegmentationConfig, settings: Settings
) -> MaterializeResult:
    columns = declared_columns()
    with duckdb.connect(str(settings.warehouse_path)) as connection:
        # In account_id order: K-means' result depends on the order of the rows.
        features = connection.execute(
            f"select * from {relation_of(FEATURES_MODEL)} order by account_id"
        ).df()
        previous = previous_assignments(connection)
        result = segment_accounts(features, config.k_min, config.k_max, k=config.k or None)
        trained_at = dt.datetime.now(dt.UTC)
        rows = cluster_rows(features, result, context.run.run_id, trained_at, columns)
        write_clusters(connection, rows, columns)
    if settings.is_spark:
        # On Spark the features above are a view over the Spark table; dbt
        # reads the result back from its Parquet copy (docs/spark.md).
        export_landed(settings.warehouse_path, settings.spark_path, ("ml",))
    if result.reason:
        context.log.warning(f"segmentation: {result.reason}")
    ari = stability(previous, result.assignments) if len(previous) else None
    return MaterializeResult(metadata=segmentation_metadata(result, len(rows), ari))
