"""K-means account segments: standardised features, k chosen by silhouette,
labels read off the centroids, stability against the previous run.

Pure functions on pandas frames; the Dagster asset (b2b_ops.defs.segments)
reads the features from the warehouse and writes the result back for dbt.
Too few customers to cluster (none, one, or fewer than two per cluster)
still give a valid result: one segment for all (or none), with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.preprocessing import StandardScaler

FEATURES = (
    "r_score",
    "f_score",
    "m_score",
    "annual_arpu",
    "logins_last_30d",
    "usage_trend",
    "tickets_last_90d",
)
RANDOM_STATE = 42
# Silhouette is quadratic in rows: choosing k on a fixed-size sample keeps
# the choice in seconds at 50,000 accounts; the final fit uses every account.
SILHOUETTE_SAMPLE = 5_000
# A cluster of one account says nothing about a group: k clusters need at
# least this many accounts each, or every account goes in one segment.
MIN_ACCOUNTS_PER_CLUSTER = 2
ONE_SEGMENT_LABEL = "all accounts"


@dataclass(frozen=True)
class SegmentationResult:
    assignments: pd.DataFrame  # account_id, cluster_id, cluster_label
    k: int
    silhouette: float | None
    cluster_sizes: dict[str, int]
    centroids: pd.DataFrame  # one row per cluster, features in original units
    reason: str | None = None  # why the accounts were not clustered as asked, in words


def choose_k(scaled: np.ndarray, k_min: int, k_max: int) -> tuple[int, float | None]:
    """The k in [k_min, k_max] with the best silhouette (ties: the smaller k)."""
    if len(scaled) > SILHOUETTE_SAMPLE:
        rows = np.random.default_rng(RANDOM_STATE).choice(
            len(scaled), SILHOUETTE_SAMPLE, replace=False
        )
        scaled = scaled[np.sort(rows)]
    best_k, best_score = k_min, None
    for k in range(k_min, k_max + 1):
        if k >= len(scaled):
            break
        labels = KMeans(n_clusters=k, random_state=RANDOM_STATE, n_init=4).fit_predict(scaled)
        if len(set(labels)) < 2:
            continue
        score = float(silhouette_score(scaled, labels))
        if best_score is None or score > best_score + 1e-9:
            best_k, best_score = k, score
    return best_k, best_score


def level(z_score: float) -> str:
    """high / mid / low for a centroid half a standard deviation or more from the mean."""
    if z_score > 0.5:
        return "high"
    if z_score < -0.5:
        return "low"
    return "mid"


def describe_centroid(centroid: pd.Series, overall: pd.DataFrame) -> str:
    """Words for a cluster from where its centroid sits against all accounts
    (in standard deviations, so a mass of zero-revenue trials does not make
    every paying cluster "high")."""
    spread = overall[list(FEATURES)].std(ddof=0).replace(0, 1)
    z = (centroid[list(FEATURES)] - overall[list(FEATURES)].mean()) / spread
    value = "no revenue" if centroid["annual_arpu"] < 1 else f"{level(z['annual_arpu'])} value"
    if centroid["usage_trend"] < -0.15:
        usage = "declining usage"
    elif centroid["usage_trend"] > 0.15:
        usage = "growing usage"
    else:
        usage = f"{level(z['logins_last_30d'])} usage"
    words = [value, usage]
    if level(z["tickets_last_90d"]) == "high":
        words.append("many tickets")
    # RFM scores are 1-5 for accounts that paid in the window, 0 for the rest.
    if centroid["m_score"] < 0.5:
        words.append("not paying")
    elif level(z["r_score"]) == "low":
        words.append("lapsing payments")
    return ", ".join(words)


def one_segment(frame: pd.DataFrame, reason: str) -> SegmentationResult:
    """Every account in one segment (none for no account), saying why."""
    assignments = pd.DataFrame(
        {
            "account_id": frame["account_id"].astype(str),
            "cluster_id": pd.Series(0, index=frame.index, dtype="int64"),
            "cluster_label": pd.Series(ONE_SEGMENT_LABEL, index=frame.index, dtype="object"),
        }
    )
    sizes = {"0": len(frame)} if len(frame) else {}
    return SegmentationResult(
        assignments,
        int(len(frame) > 0),
        None,
        sizes,
        frame[list(FEATURES)].mean().to_frame().T,
        reason,
    )


def too_few_reason(accounts: int, distinct: int, k_min: int, k: int | None) -> str | None:
    """Why these accounts cannot be clustered into the k (or k_min) asked for, or None."""
    wanted = k or k_min
    needed = wanted * MIN_ACCOUNTS_PER_CLUSTER
    if accounts == 0:
        return "no customer to cluster (no account pays now or paid within the RFM window)"
    if accounts < needed:
        return (
            f"{accounts} customer{'s' if accounts > 1 else ''}: {wanted} clusters need at least "
            f"{needed} ({MIN_ACCOUNTS_PER_CLUSTER} each), so all are one segment"
        )
    if distinct < wanted:
        return (
            f"{accounts} customers with only {distinct} distinct feature "
            f"value{'s' if distinct > 1 else ''}: fewer than {wanted} clusters, so all are one segment"
        )
    return None


def segment_accounts(
    features: pd.DataFrame, k_min: int = 3, k_max: int = 6, k: int | None = None
) -> SegmentationResult:
    """Cluster accounts on the standardised FEATURES (missing values count as 0)."""
    frame = features.copy()
    frame[list(FEATURES)] = frame[list(FEATURES)].astype(float).fillna(0.0)
    distinct = len(frame[list(FEATURES)].drop_duplicates())
    reason = too_few_reason(len(frame), distinct, max(k_min, 2), k)
    if reason:
        return one_segment(frame, reason)
    scaled = StandardScaler().fit_transform(frame[list(FEATURES)])
    if k is None:
        k, _ = choose_k(scaled, k_min, k_max)
    model = KMeans(n_clusters=k, random_state=RANDOM_STATE, n_init=4).fit(scaled)
    frame["cluster_id"] = model.labels_
    centroids = frame.groupby("cluster_id")[list(FEATURES)].mean()
    labels = {cluster: describe_centroid(row, frame) for cluster, row in centroids.iterrows()}
    # Two clusters can read the same in words; number them so labels stay unique.
    seen: dict[str, int] = {}
    for cluster in sorted(labels):
        text = labels[cluster]
        seen[text] = seen.get(text, 0) + 1
        if seen[text] > 1:
            labels[cluster] = f"{text} ({seen[text]})"
    frame["cluster_label"] = frame["cluster_id"].map(labels)
    silhouette = None
    if len(set(model.labels_)) > 1:
        silhouette = float(
            silhouette_score(
                scaled,
                model.labels_,
                sample_size=min(SILHOUETTE_SAMPLE, len(scaled)),
                random_state=RANDOM_STATE,
            )
        )
    sizes = {
        str(cluster): int(size)
        for cluster, size in frame["cluster_id"].value_counts().sort_index().items()
    }
    return SegmentationResult(
        frame[["account_id", "cluster_id", "cluster_label"]], k, silhouette, sizes, centroids
    )


def stability(previous: pd.DataFrame, current: pd.DataFrame) -> float | None:
    """Adjusted Rand index of two assignments on the accounts present in both."""
    both = previous.merge(current, on="account_id", suffixes=("_previous", "_current"))
    if len(both) < 2:
        return None
    return float(adjusted_rand_score(both["cluster_id_previous"], both["cluster_id_current"]))
