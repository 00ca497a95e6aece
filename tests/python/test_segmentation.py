"""K-means segmentation on hand-made accounts whose clusters are obvious, and
the typed output it writes whatever the number of customers."""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd
import pytest

from b2b_ops.defs.segments import segmentation_metadata
from b2b_ops.segments.kmeans import FEATURES, ONE_SEGMENT_LABEL, segment_accounts, stability
from b2b_ops.segments.output import cluster_rows, declared_columns, write_clusters

TRAINED_AT = dt.datetime(2025, 6, 30, 6, 0, tzinfo=dt.UTC)


def three_obvious_groups(per_group: int = 40) -> pd.DataFrame:
    """Big growing payers, small steady payers, and lapsed accounts with
    falling usage and many tickets: far apart on every feature, with a
    little noise so they are not single points."""
    rng = np.random.default_rng(0)
    centres = {
        "big": dict(
            r_score=5,
            f_score=5,
            m_score=5,
            annual_arpu=250_000,
            logins_last_30d=300,
            usage_trend=0.5,
            tickets_last_90d=1,
        ),
        "small": dict(
            r_score=3,
            f_score=3,
            m_score=2,
            annual_arpu=90_000,
            logins_last_30d=60,
            usage_trend=0.0,
            tickets_last_90d=2,
        ),
        "lapsing": dict(
            r_score=1,
            f_score=1,
            m_score=1,
            annual_arpu=5_000,
            logins_last_30d=2,
            usage_trend=-0.8,
            tickets_last_90d=12,
        ),
    }
    rows = []
    for group, centre in centres.items():
        for index in range(per_group):
            row = {feature: centre[feature] * (1 + rng.normal(0, 0.03)) for feature in FEATURES}
            rows.append({"account_id": f"{group}_{index}", "group": group, **row})
    return pd.DataFrame(rows)


def test_recovers_obvious_clusters_and_picks_k_by_silhouette():
    accounts = three_obvious_groups()
    result = segment_accounts(accounts, k_min=2, k_max=5)
    assert result.k == 3
    joined = accounts.merge(result.assignments, on="account_id")
    # Each hand-made group lands in exactly one cluster, and no two share one.
    clusters_per_group = joined.groupby("group")["cluster_id"].nunique()
    assert clusters_per_group.tolist() == [1, 1, 1]
    assert joined.groupby("group")["cluster_id"].first().nunique() == 3
    assert result.silhouette > 0.8
    assert sorted(result.cluster_sizes.values()) == [40, 40, 40]


def test_labels_are_read_off_the_centroids():
    # Centroids in standard deviations from the mean of all 120 accounts:
    # ARR 250k / 90k / 5k -> z +1.3 / -0.2 / -1.1 (high, mid, low value);
    # logins 300 / 60 / 2 -> the small group's z -0.5 is mid usage; tickets
    # 12 vs 1 and 2 -> only the lapsing group has many; its recency score
    # 1 of 5/3/1 -> z -1.2, lapsing payments.
    accounts = three_obvious_groups()
    joined = accounts.merge(segment_accounts(accounts, k=3).assignments, on="account_id")
    label = joined.groupby("group")["cluster_label"].first()
    assert label["big"] == "high value, growing usage"
    assert label["small"] == "mid value, mid usage"
    assert label["lapsing"] == "low value, declining usage, many tickets, lapsing payments"


def test_accounts_without_revenue_or_payments_are_named_so():
    accounts = three_obvious_groups()
    trials = accounts[accounts["group"] == "small"].assign(
        group="trial",
        account_id=lambda frame: "trial_" + frame["account_id"],
        annual_arpu=0.0,
        r_score=0.0,
        f_score=0.0,
        m_score=0.0,
    )
    everyone = pd.concat([accounts, trials], ignore_index=True)
    joined = everyone.merge(segment_accounts(everyone, k=4).assignments, on="account_id")
    assert joined.loc[joined["group"] == "trial", "cluster_label"].iloc[0].startswith("no revenue")
    assert joined.loc[joined["group"] == "trial", "cluster_label"].iloc[0].endswith("not paying")


def test_same_input_same_segments_and_stability_of_one():
    accounts = three_obvious_groups()
    first = segment_accounts(accounts, k=3).assignments
    second = segment_accounts(accounts.sample(frac=1, random_state=1), k=3).assignments
    assert stability(first, second) == 1.0


def written(features: pd.DataFrame, result) -> tuple[list[tuple], list[tuple]]:
    """Write the result as the asset does, into an in-memory DuckDB: the table's
    (column, type) and its rows."""
    columns = declared_columns()
    rows = cluster_rows(features, result, "run-1", TRAINED_AT, columns)
    with duckdb.connect() as connection:
        write_clusters(connection, rows, columns)
        types = connection.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'ml' and table_name = 'account_clusters' order by ordinal_position"
        ).fetchall()
        table = connection.execute(
            "select * from ml.account_clusters order by account_id"
        ).fetchall()
    return types, table


def declared_types() -> list[tuple[str, str]]:
    """The declared columns with the type DuckDB gives each declared name
    (the source says `string`, a name Spark also reads; DuckDB stores it as
    VARCHAR)."""
    with duckdb.connect() as connection:
        return [
            (name, connection.execute(f"select typeof(cast(null as {data_type}))").fetchall()[0][0])
            for name, data_type in declared_columns()
        ]


def test_no_customer_writes_an_empty_typed_table_and_says_why():
    # No account pays now or paid within the RFM window: the features are empty.
    none = three_obvious_groups().iloc[0:0]
    result = segment_accounts(none)
    assert result.reason.startswith("no customer to cluster")
    assert (result.k, result.silhouette, result.cluster_sizes) == (0, None, {})
    types, table = written(none, result)
    assert types == declared_types() and table == []
    metadata = segmentation_metadata(result, 0, None)
    assert metadata["accounts"] == 0 and metadata["reason"] == result.reason


def test_one_customer_is_one_segment_and_says_why():
    one = three_obvious_groups(per_group=1).iloc[:1]
    result = segment_accounts(one)
    # k_min = 3 clusters need 3 x 2 = 6 customers; 1 is far fewer.
    assert (
        result.reason == "1 customer: 3 clusters need at least 6 (2 each), so all are one segment"
    )
    assert (result.k, result.cluster_sizes) == (1, {"0": 1})
    types, table = written(one, result)
    assert types == declared_types()
    assert [(row[0], row[1], row[2]) for row in table] == [("big_0", 0, ONE_SEGMENT_LABEL)]


@pytest.mark.parametrize(("accounts", "k"), [(5, None), (7, 4)])
def test_fewer_customers_than_two_per_cluster_are_one_segment(accounts, k):
    # 5 < 3 (k_min) x 2; 7 < 4 (the k asked for) x 2.
    few = three_obvious_groups(per_group=3).iloc[:accounts]
    result = segment_accounts(few, k=k)
    assert result.k == 1 and result.reason.startswith(f"{accounts} customers: ")
    assert set(result.assignments["cluster_label"]) == {ONE_SEGMENT_LABEL}
    types, table = written(few, result)
    assert types == declared_types() and len(table) == accounts


def test_customers_with_identical_features_are_one_segment():
    same = three_obvious_groups(per_group=4)
    same[list(FEATURES)] = 1.0
    result = segment_accounts(same)
    assert result.k == 1
    assert result.reason == (
        "12 customers with only 1 distinct feature value: fewer than 3 clusters, "
        "so all are one segment"
    )


def test_enough_customers_are_clustered_as_asked_and_written_typed():
    accounts = three_obvious_groups()
    result = segment_accounts(accounts, k=3)
    assert result.reason is None
    types, table = written(accounts, result)
    assert types == declared_types() and len(table) == 120
    assert segmentation_metadata(result, 120, 1.0)["reason"] == "clustered as asked"
