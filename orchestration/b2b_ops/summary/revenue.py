"""MRR and its movements for the last full month, with 12-month NRR and GRR."""

from __future__ import annotations

import datetime as dt

import duckdb

from b2b_ops.summary.common import comma_lines, last_full_month, percent, rows

TABLES = ("marts.fct_mrr_movements", "marts.mart_churn_rates")
MOVEMENTS = ("new", "expansion", "reactivation", "contraction", "churn")
DECREASES = ("contraction", "churn")


def lines(connection: duckdb.DuckDBPyConnection, as_of: dt.date) -> list[str]:
    month = last_full_month(as_of)
    sums = dict(
        rows(
            connection,
            "select movement, sum(abs(mrr_change)) from marts.fct_mrr_movements "
            "where month = ? group by movement",
            [month],
        )
    )
    opening, closing = rows(
        connection,
        "select coalesce(sum(previous_mrr), 0), coalesce(sum(mrr), 0) "
        "from marts.fct_mrr_movements where month = ?",
        [month],
    )[0]
    movements = [
        f"{'-' if movement in DECREASES else '+'} {movement} {float(sums.get(movement) or 0):,.2f}"
        for movement in MOVEMENTS
    ]
    result = [
        f"MRR {month:%Y-%m} (reporting currency, constant FX): "
        f"opening {opening:,.2f} -> closing {closing:,.2f}",
        *comma_lines(movements, "  "),
    ]
    retention = rows(
        connection,
        "select net_revenue_retention_12m, gross_revenue_retention_12m, monthly_churn_rate "
        "from marts.mart_churn_rates where month = ?",
        [month],
    )
    if retention:
        nrr, grr, churn = retention[0]
        result.append(
            f"  NRR (12 months) {percent(nrr)}   GRR (12 months) {percent(grr)}"
            f"   logo churn this month {percent(churn)}"
        )
    return result
