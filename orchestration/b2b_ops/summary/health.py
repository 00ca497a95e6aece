"""Account health and early warning: how well each churn flag and each risk
level predicted churn on the warehouse's own history
(marts.mart_churn_signal_backtest), and today's high-risk accounts."""

from __future__ import annotations

import datetime as dt

import duckdb

from b2b_ops.summary.common import days, percent, rows

TABLES = ("marts.mart_churn_signal_backtest", "marts.fct_account_health")
FLAGS = ("flag_no_login", "flag_ticket_rise", "flag_nps_drop", "any_flag", "risk_high")
RISK_LEVELS = ("high", "medium", "low")
# The flags are read at one horizon to keep the summary short; 60 days is the
# middle of the three the backtest scores (all three are in the mart).
SUMMARY_HORIZON_DAYS = 60


def flag_lines(connection: duckdb.DuckDBPyConnection) -> list[str]:
    by_signal = {
        name: (signalled, precision, recall, lead)
        for name, signalled, precision, recall, lead in rows(
            connection,
            "select signal_name, signalled_snapshot_count, precision_rate, recall_rate, "
            "median_lead_days from marts.mart_churn_signal_backtest where horizon_days = ?",
            [SUMMARY_HORIZON_DAYS],
        )
    }
    lines = [f"  {'signal':<18}{'flagged':>9}{'precision':>11}{'recall':>9}{'lead':>7}"]
    for name in FLAGS:
        if name in by_signal:
            signalled, precision, recall, lead = by_signal[name]
            lines.append(
                f"  {name:<18}{signalled:>9,}{percent(precision):>11}{percent(recall):>9}"
                f"{days(lead):>7}"
            )
    return lines


def risk_rate_lines(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """Each risk level's churn rate at every backtest horizon."""
    rates = {
        (name, horizon): rate
        for name, horizon, rate in rows(
            connection,
            "select signal_name, horizon_days, precision_rate "
            "from marts.mart_churn_signal_backtest where signal_kind = 'risk_level'",
        )
    }
    horizons = sorted({horizon for _, horizon in rates})
    if not horizons:
        return ["  Churn rate by risk level: no weekly snapshot to backtest yet"]
    by_level = ", ".join(
        f"{level} "
        + "/".join(percent(rates.get((f"risk_{level}", h))).rstrip(" %") for h in horizons)
        for level in RISK_LEVELS
    )
    return [
        f"  Churn rate by risk level, within {'/'.join(map(str, horizons))} days (%):",
        f"    {by_level}",
    ]


def lines(connection: duckdb.DuckDBPyConnection, as_of: dt.date) -> list[str]:
    high_risk_today, flagged_today = rows(
        connection,
        "select count(*) filter (where risk_level = 'high'), "
        "count(*) filter (where risk_level <> 'high' and flag_count > 0) "
        "from marts.fct_account_health where as_of_date = ?",
        [as_of],
    )[0]
    return [
        f"Churn warning backtest (weekly snapshots; churn within {SUMMARY_HORIZON_DAYS} days)",
        *flag_lines(connection),
        *risk_rate_lines(connection),
        f"  churn warnings on {as_of}: {high_risk_today} high-risk accounts, "
        f"{flagged_today} more with a churn flag (why: marts.mart_account_health_current; "
        "who acts: marts.mart_csm_worklist, marts.mart_account_next_actions)",
    ]
