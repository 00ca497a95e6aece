"""The K-means segments: k, the silhouette, and each segment's size."""

from __future__ import annotations

import datetime as dt

import duckdb

from b2b_ops.summary.common import rows

TABLES = ("marts.account_segments",)


def lines(connection: duckdb.DuckDBPyConnection, as_of: dt.date) -> list[str]:
    segments = rows(
        connection,
        "select cluster_label, count(*), any_value(cluster_count), any_value(silhouette) "
        "from marts.account_segments group by cluster_label order by count(*) desc",
    )
    if not segments:
        return ["Account segments: none (no customer to cluster)"]
    k, silhouette = segments[0][2], segments[0][3]
    fit = f", silhouette {silhouette:.2f}" if silhouette is not None else ""
    return [
        f"Account segments (K-means, k = {k}{fit})",
        *(f"  {label:<52}{count:>8,}" for label, count, _, _ in segments),
    ]
