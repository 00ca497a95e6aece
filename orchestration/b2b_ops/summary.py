"""The short summary printed after a refresh: accounts by tier and stage, MRR
and its movements for the last full month, NRR, quarantined rows by reason."""

from __future__ import annotations

import datetime as dt

import duckdb

from b2b_ops import summary_growth, summary_health, summary_playbook
from b2b_ops.settings import Settings

MOVEMENTS = ("new", "expansion", "contraction", "churn", "reactivation")
STAGES = ("prospect", "trial", "paying", "loyal", "churned")
TIERS = ("high", "mid", "low")


def last_full_month(as_of: dt.date) -> dt.date:
    first_of_month = as_of.replace(day=1)
    return (first_of_month - dt.timedelta(days=1)).replace(day=1)


def _rows(
    connection: duckdb.DuckDBPyConnection, sql: str, parameters: list | None = None
) -> list[tuple]:
    return connection.execute(sql, parameters or []).fetchall()


def tier_stage_table(connection: duckdb.DuckDBPyConnection) -> list[str]:
    counts = {
        (tier, stage): count
        for tier, stage, count in _rows(
            connection,
            "select value_tier, lifecycle_stage, count(*) from marts.dim_accounts group by all",
        )
    }
    lines = [f"{'tier':<6}" + "".join(f"{stage:>10}" for stage in STAGES) + f"{'total':>10}"]
    for tier in TIERS:
        row = [counts.get((tier, stage), 0) for stage in STAGES]
        lines.append(f"{tier:<6}" + "".join(f"{count:>10,}" for count in row) + f"{sum(row):>10,}")
    totals = [sum(counts.get((tier, stage), 0) for tier in TIERS) for stage in STAGES]
    lines.append(
        f"{'total':<6}" + "".join(f"{count:>10,}" for count in totals) + f"{sum(totals):>10,}"
    )
    return lines


def mrr_lines(connection: duckdb.DuckDBPyConnection, month: dt.date) -> list[str]:
    sums = dict(
        _rows(
            connection,
            "select movement, sum(abs(mrr_change)) from marts.fct_mrr_movements "
            "where month = ? group by movement",
            [month],
        )
    )
    opening, closing = _rows(
        connection,
        "select coalesce(sum(previous_mrr), 0), coalesce(sum(mrr), 0) "
        "from marts.fct_mrr_movements where month = ?",
        [month],
    )[0]
    lines = [
        f"MRR {month:%Y-%m} (reporting currency, constant FX)",
        f"  opening       {opening:>14,.2f}",
    ]
    for movement in MOVEMENTS:
        sign = "-" if movement in ("contraction", "churn") else "+"
        lines.append(f"  {sign} {movement:<12}{float(sums.get(movement) or 0):>14,.2f}")
    lines.append(f"  closing       {closing:>14,.2f}")
    retention = _rows(
        connection,
        "select net_revenue_retention_12m, gross_revenue_retention_12m, monthly_churn_rate "
        "from marts.mart_churn_rates where month = ?",
        [month],
    )
    if retention:
        nrr, grr, churn = retention[0]
        lines.append(
            "  NRR (12 months) "
            + _percent(nrr)
            + "   GRR (12 months) "
            + _percent(grr)
            + "   logo churn this month "
            + _percent(churn)
        )
    return lines


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"


def quarantine_lines(connection: duckdb.DuckDBPyConnection) -> list[str]:
    landed, staged, quarantined = _rows(
        connection,
        "select sum(rows_landed), sum(rows_staged), sum(rows_quarantined) "
        "from quarantine.landing_reconciliation",
    )[0]
    lines = [
        f"Landed {landed or 0:,} rows: {staged or 0:,} staged, {quarantined or 0:,} quarantined"
    ]
    for reason, count, tables in _rows(
        connection,
        "select quarantine_reason, count(*), count(distinct source_table) "
        "from quarantine.quarantined_rows group by all order by quarantine_reason",
    ):
        lines.append(
            f"  {reason:<20}{count:>10,} rows in {tables} table{'s' if tables > 1 else ''}"
        )
    if quarantined:
        lines.append("  (each row with its file, position and text: quarantine.quarantined_rows)")
    absent = _rows(connection, "select source_table from raw._landing_loads where is_absent")
    for (source_table,) in absent:
        lines.append(f"  {source_table} was absent: read as empty")
    return lines


def segment_lines(connection: duckdb.DuckDBPyConnection) -> list[str]:
    rows = _rows(
        connection,
        "select cluster_label, count(*), any_value(cluster_count), any_value(silhouette) "
        "from marts.account_segments group by cluster_label order by count(*) desc",
    )
    if not rows:
        return []
    k, silhouette = rows[0][2], rows[0][3]
    header = f"Account segments (K-means, k = {k}" + (
        f", silhouette {silhouette:.2f})" if silhouette is not None else ")"
    )
    return [header, *(f"  {label:<52}{count:>8,}" for label, count, _, _ in rows)]


def summary_text(warehouse_path, as_of: dt.date) -> str:
    with duckdb.connect(str(warehouse_path), read_only=True) as connection:
        sections = [
            [f"b2b-ops warehouse {warehouse_path}, as of {as_of}"],
            ["Accounts by value tier and lifecycle stage", *tier_stage_table(connection)],
            mrr_lines(connection, last_full_month(as_of)),
            segment_lines(connection),
            summary_health.summary_lines(connection, as_of),
            summary_growth.summary_lines(connection, as_of),
            summary_playbook.summary_lines(connection, as_of),
            quarantine_lines(connection),
        ]
    return "\n\n".join("\n".join(section) for section in sections if section)


def print_summary(settings: Settings) -> None:
    print(summary_text(settings.warehouse_path, settings.as_of_date))
