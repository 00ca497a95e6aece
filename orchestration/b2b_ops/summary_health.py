"""Summary lines for account health and early warning: how well each churn
flag and each risk level predicted churn on the warehouse's own history
(marts.mart_churn_signal_backtest)."""

from __future__ import annotations

import datetime as dt

import duckdb

FLAGS = ("flag_no_login", "flag_ticket_rise", "flag_nps_drop", "any_flag")
RISK_LEVELS = ("high", "medium", "low")
# The flags are read at one horizon to keep the summary short; 60 days is the
# middle of the three the backtest scores (all three are in the mart).
SUMMARY_HORIZON_DAYS = 60


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"


def _days(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} d"


def _backtest_exists(connection: duckdb.DuckDBPyConnection) -> bool:
    # The summary also runs on warehouses built before the health marts
    # existed (or whose build stopped early): say nothing rather than fail.
    found = connection.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'marts' and table_name = 'mart_churn_signal_backtest'"
    ).fetchone()
    return bool(found and found[0])


def flag_lines(connection: duckdb.DuckDBPyConnection) -> list[str]:
    rows = {
        name: (signalled, precision, recall, lead)
        for name, signalled, precision, recall, lead in connection.execute(
            "select signal_name, signalled_snapshot_count, precision_rate, recall_rate, median_lead_days "
            "from marts.mart_churn_signal_backtest where horizon_days = ?",
            [SUMMARY_HORIZON_DAYS],
        ).fetchall()
    }
    lines = [f"  {'signal':<18}{'flagged':>9}{'precision':>11}{'recall':>9}{'lead':>7}"]
    for name in FLAGS + tuple(f"risk_{level}" for level in RISK_LEVELS[:1]):
        if name in rows:
            signalled, precision, recall, lead = rows[name]
            lines.append(
                f"  {name:<18}{signalled:>9,}{_percent(precision):>11}{_percent(recall):>9}{_days(lead):>7}"
            )
    return lines


def risk_rate_lines(connection: duckdb.DuckDBPyConnection) -> list[str]:
    rates = {
        (name, horizon): precision
        for name, horizon, precision in connection.execute(
            "select signal_name, horizon_days, precision_rate from marts.mart_churn_signal_backtest "
            "where signal_kind = 'risk_level'"
        ).fetchall()
    }
    horizons = sorted({horizon for _, horizon in rates})
    lines = [f"  {'risk level':<18}" + "".join(f"{f'{h} days':>10}" for h in horizons)]
    for level in RISK_LEVELS:
        lines.append(
            f"  {level:<18}"
            + "".join(f"{_percent(rates.get((f'risk_{level}', h))):>10}" for h in horizons)
        )
    return lines


def summary_lines(connection: duckdb.DuckDBPyConnection, as_of: dt.date) -> list[str]:
    if not _backtest_exists(connection):
        return []
    high_risk_today = connection.execute(
        "select count(*) from marts.fct_account_health where as_of_date = ? and risk_level = 'high'",
        [as_of],
    ).fetchone()
    return [
        f"Churn warning backtest (weekly snapshots; churn within {SUMMARY_HORIZON_DAYS} days)",
        *flag_lines(connection),
        "Churn rate by risk level (churned within N days of a weekly snapshot)",
        *risk_rate_lines(connection),
        f"  high-risk accounts on {as_of}: {high_risk_today[0] if high_risk_today else 0} (marts.mart_csm_worklist)",
    ]
