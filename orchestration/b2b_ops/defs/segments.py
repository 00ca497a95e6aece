"""The K-means segmentation as an asset: features in, one typed table out
(ml.account_clusters), which dbt reads back as a source."""

import datetime as dt

import duckdb
from dagster import AssetExecutionContext, AssetKey, Config, MaterializeResult, MetadataValue, asset
from dagster_dbt import get_asset_key_for_model

from b2b_ops.defs.dbt import dbt_warehouse
from b2b_ops.segments.kmeans import SegmentationResult, segment_accounts, stability
from b2b_ops.segments.output import (
    cluster_rows,
    declared_columns,
    previous_assignments,
    write_clusters,
)
from b2b_ops.settings import Settings

CLUSTERS_KEY = AssetKey(["ml", "account_clusters"])


class SegmentationConfig(Config):
    """k = 0 chooses k by silhouette in [k_min, k_max]."""

    k: int = 0
    k_min: int = 3
    k_max: int = 6


FEATURES_SQL = """
with accounts as (
    select account_id, coalesce(annual_arpu, 0) as annual_arpu from marts.dim_accounts
),
rfm as (
    select account_id, r_score, f_score, m_score from marts.fct_rfm
),
activity as (
    select
        account_id,
        sum(case when activity_on > $as_of - 30 then login_count else 0 end) as logins_last_30d,
        sum(case when activity_on > $as_of - 30 then event_count else 0 end) as events_last_30d,
        sum(case when activity_on <= $as_of - 30 then event_count else 0 end) as events_prior_30d
    from intermediate.int_account_daily_activity
    where activity_on > $as_of - 60 and activity_on <= $as_of
    group by account_id
),
tickets as (
    select account_id, count(*) as tickets_last_90d
    from staging.stg_support__tickets
    where cast(created_at as date) > $as_of - 90 and cast(created_at as date) <= $as_of
    group by account_id
)
select
    accounts.account_id,
    coalesce(rfm.r_score, 0) as r_score,
    coalesce(rfm.f_score, 0) as f_score,
    coalesce(rfm.m_score, 0) as m_score,
    accounts.annual_arpu,
    coalesce(activity.logins_last_30d, 0) as logins_last_30d,
    least(1.0, greatest(-1.0,
        (coalesce(activity.events_last_30d, 0) - coalesce(activity.events_prior_30d, 0))
        / greatest(coalesce(activity.events_prior_30d, 0), 1)
    )) as usage_trend,
    coalesce(tickets.tickets_last_90d, 0) as tickets_last_90d
from accounts
left join rfm on accounts.account_id = rfm.account_id
left join activity on accounts.account_id = activity.account_id
left join tickets on accounts.account_id = tickets.account_id
-- Customers only: paying now or paid within the RFM window. Trials and
-- prospects have their own lifecycle stage and would swamp the clusters.
where accounts.annual_arpu > 0 or rfm.account_id is not null
order by accounts.account_id
"""


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
    deps=[
        get_asset_key_for_model([dbt_warehouse], model)
        for model in ("dim_accounts", "fct_rfm", "int_account_daily_activity")
    ],
    group_name="segments",
    description="K-means segments of accounts on standardised RFM, value, usage and support features.",
)
def account_clusters(
    context: AssetExecutionContext, config: SegmentationConfig, settings: Settings
) -> MaterializeResult:
    columns = declared_columns()
    with duckdb.connect(str(settings.warehouse_path)) as connection:
        features = connection.execute(FEATURES_SQL, {"as_of": settings.as_of}).df()
        previous = previous_assignments(connection)
        result = segment_accounts(features, config.k_min, config.k_max, k=config.k or None)
        trained_at = dt.datetime.now(dt.UTC)
        rows = cluster_rows(features, result, context.run_id, trained_at, columns)
        write_clusters(connection, rows, columns)
    if result.reason:
        context.log.warning(f"segmentation: {result.reason}")
    ari = stability(previous, result.assignments) if len(previous) else None
    return MaterializeResult(metadata=segmentation_metadata(result, len(rows), ari))
