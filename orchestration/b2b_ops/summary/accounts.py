"""Accounts by value tier and lifecycle stage."""

from __future__ import annotations

import datetime as dt

import duckdb

from b2b_ops.summary.common import rows

TABLES = ("marts.dim_accounts",)
STAGES = ("prospect", "trial", "paying", "loyal", "churned")
TIERS = ("high", "mid", "low")


def lines(connection: duckdb.DuckDBPyConnection, as_of: dt.date) -> list[str]:
    counts = {
        (tier, stage): count
        for tier, stage, count in rows(
            connection,
            "select value_tier, lifecycle_stage, count(*) from marts.dim_accounts group by all",
        )
    }
    table = [f"{'tier':<6}" + "".join(f"{stage:>10}" for stage in STAGES) + f"{'total':>10}"]
    for tier in (*TIERS, "total"):
        row = [
            sum(counts.get((t, stage), 0) for t in (TIERS if tier == "total" else (tier,)))
            for stage in STAGES
        ]
        table.append(f"{tier:<6}" + "".join(f"{count:>10,}" for count in row) + f"{sum(row):>10,}")
    return ["Accounts by value tier and lifecycle stage", *table]
