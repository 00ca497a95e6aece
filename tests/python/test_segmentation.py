"""K-means segmentation on hand-made accounts whose clusters are obvious."""

from __future__ import annotations

import numpy as np
import pandas as pd

from b2b_ops.segmentation import FEATURES, segment_accounts, stability


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


def test_too_few_accounts_get_one_segment():
    accounts = three_obvious_groups(per_group=1)
    result = segment_accounts(accounts, k_min=3, k_max=6)
    assert result.k == 1
    assert set(result.assignments["cluster_label"]) == {"all accounts"}
