"""The Dagster assets: landing tables, every dbt model (tests as checks), the
K-means segmentation that dbt reads back, and the published copy."""

import datetime as dt
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    Config,
    FreshnessPolicy,
    MaterializeResult,
    MetadataValue,
    asset,
    multi_asset,
)
from dagster_dbt import (
    DagsterDbtTranslator,
    DbtCliResource,
    DbtProject,
    dbt_assets,
    get_asset_key_for_model,
)

from b2b_ops import settings as run_settings
from b2b_ops.dbt_runner import dbt_executable
from b2b_ops.landing import load_landing, read_table_specs
from b2b_ops.publishing import publish
from b2b_ops.segmentation import FEATURES, segment_accounts, stability

DBT_PROJECT = DbtProject(
    project_dir=run_settings.PROJECT_DIR,
    profiles_dir=run_settings.PROJECT_DIR,
    target_path=Path(os.environ.get("DBT_TARGET_PATH", "target")),
)
SEGMENT_MODELS = "stg_ml__account_clusters account_segments"
CLUSTERS_KEY = AssetKey(["ml", "account_clusters"])


def parse_dbt_project() -> None:
    """dagster-dbt builds the asset graph from dbt's manifest: parse so it
    matches the models on disk (about 4 seconds)."""
    subprocess.run(
        [
            dbt_executable(),
            "parse",
            "--project-dir",
            str(DBT_PROJECT.project_dir),
            "--profiles-dir",
            str(DBT_PROJECT.profiles_dir),
            "--target-path",
            str(DBT_PROJECT.target_path),
        ],
        check=True,
        cwd=DBT_PROJECT.project_dir,
        capture_output=True,
    )


parse_dbt_project()
MANIFEST: dict[str, Any] = json.loads(DBT_PROJECT.manifest_path.read_text())


class FolderGroups(DagsterDbtTranslator):
    """Asset groups follow the dbt folders: staging, intermediate, marts, quarantine; seeds are reference."""

    def get_group_name(self, dbt_resource_props: dict[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "default"


def current_settings() -> run_settings.Settings:
    """Settings at run time, from the environment (the CLI and the schedules set it)."""
    settings = run_settings.from_environment()
    # dbt's profile reads the warehouse path from the environment.
    os.environ["B2B_OPS_WAREHOUSE"] = str(settings.warehouse_path)
    return settings


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
def land_files(context: AssetExecutionContext) -> Iterator[MaterializeResult]:
    """Check every landing file's structure, then land all of them in one transaction."""
    settings = current_settings()
    for result in load_landing(settings.landing_dir, settings.warehouse_path):
        yield MaterializeResult(
            asset_key=AssetKey([result.spec.system, result.spec.table]),
            metadata={
                "rows_landed": result.rows_landed,
                "file": str(result.file_path) if result.file_path else "absent: read as empty",
            },
        )


def _dbt_build(context: AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    settings = current_settings()
    arguments = [
        "build",
        "--full-refresh",
        "--exclude-resource-type",
        "unit_test",
        "--vars",
        json.dumps(settings.vars_for_dbt()),
    ]
    yield from dbt.cli(arguments, context=context).stream()


@dbt_assets(
    manifest=MANIFEST,
    project=DBT_PROJECT,
    dagster_dbt_translator=FolderGroups(),
    exclude=SEGMENT_MODELS,
    name="dbt_warehouse",
)
def dbt_warehouse(context: AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    """Seeds, staging, quarantine, intermediate and mart models, with their tests."""
    yield from _dbt_build(context, dbt)


@dbt_assets(
    manifest=MANIFEST,
    project=DBT_PROJECT,
    dagster_dbt_translator=FolderGroups(),
    select=SEGMENT_MODELS,
    name="dbt_segments",
)
def dbt_segments(context: AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    """The models that read the segmentation output back (after it is written)."""
    yield from _dbt_build(context, dbt)


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
    context: AssetExecutionContext, config: SegmentationConfig
) -> MaterializeResult:
    settings = current_settings()
    with duckdb.connect(str(settings.warehouse_path)) as connection:
        features = connection.execute(FEATURES_SQL, {"as_of": settings.as_of_date}).df()
        has_previous = connection.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'ml' and table_name = 'account_clusters'"
        ).fetchall()[0][0]
        previous = (
            connection.execute("select account_id, cluster_id from ml.account_clusters").df()
            if has_previous
            else pd.DataFrame(columns=["account_id", "cluster_id"])
        )
        result = segment_accounts(features, config.k_min, config.k_max, k=config.k or None)
        clusters = features.merge(result.assignments, on="account_id").assign(
            model_run_id=context.run_id,
            features_used=",".join(FEATURES),
            k=result.k,
            silhouette=result.silhouette,
            trained_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        )
        connection.execute("create schema if not exists ml")
        connection.register("clusters", clusters)
        connection.execute("create or replace table ml.account_clusters as select * from clusters")
        connection.unregister("clusters")
    ari = stability(previous, result.assignments) if len(previous) else None
    return MaterializeResult(
        metadata={
            "k": result.k,
            "silhouette": MetadataValue.float(result.silhouette)
            if result.silhouette is not None
            else None,
            "cluster_sizes": MetadataValue.json(result.cluster_sizes),
            "cluster_labels": MetadataValue.json(
                result.assignments.groupby("cluster_id")["cluster_label"]
                .first()
                .astype(str)
                .to_dict()
            ),
            "adjusted_rand_index_vs_previous": MetadataValue.float(ari)
            if ari is not None
            else None,
            "accounts": len(clusters),
        }
    )


def mart_keys() -> list[AssetKey]:
    """Every mart, in either dbt asset definition."""
    translator = FolderGroups()
    return [
        translator.get_asset_key(node)
        for node in MANIFEST["nodes"].values()
        if node["resource_type"] == "model" and node["fqn"][1] == "marts"
    ]


@asset(
    deps=mart_keys(),
    group_name="publishing",
    description="The marts copied to a read-only DuckDB file for BI tools, swapped in atomically.",
)
def published_marts(context: AssetExecutionContext) -> MaterializeResult:
    settings = current_settings()
    tables = publish(settings.warehouse_path, settings.published_path)
    return MaterializeResult(
        metadata={"path": str(settings.published_path), "tables": MetadataValue.json(tables)}
    )
