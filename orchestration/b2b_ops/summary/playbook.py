"""Summary lines for the playbook: the latest complete quarter's KPI
scorecard (KPI, actual, target, on track) and the count of next actions by
kind at the as-of date."""

from __future__ import annotations

import datetime as dt

import duckdb

from b2b_ops.summary.common import money, percent, quarter_name

TABLES = ("marts.mart_kpi_scorecard", "marts.mart_account_next_actions")
# KPIs shown as amounts in the reporting currency; NPS as points; the rest
# are 0..1 rates shown in percent.
AMOUNT_KPIS = ("cac", "high_value_ltv")
POINT_KPIS = ("nps",)


def _value(kpi: str, value: float | None, applies_to: str | None = "value") -> str:
    if value is None:
        return "n/a"
    if applies_to == "change_rate":
        return f"{100 * value:+.1f} % chg"
    if kpi in AMOUNT_KPIS:
        return money(value)
    if kpi in POINT_KPIS:
        return f"{value:.1f}"
    return percent(value)


def scorecard_lines(connection: duckdb.DuckDBPyConnection) -> list[str]:
    rows = connection.execute(
        "select period_start, kpi, kpi_label, actual_value, change_rate, target_value, "
        "comparison, applies_to, is_on_track from marts.mart_kpi_scorecard "
        "where period_kind = 'quarter' order by kpi_order, kpi"
    ).fetchall()
    if not rows:
        return ["Playbook KPIs: no complete quarter yet"]
    start = rows[0][0]
    lines = [
        f"Playbook KPIs {quarter_name(start)}",
        f"  {'KPI':<40}{'actual':>14}{'change':>10}{'target':>16}  on track",
    ]
    for _, kpi, label, actual, change_rate, target, comparison, applies_to, on_track in rows:
        sign = ">=" if comparison == "at_least" else "<="
        target_text = "none" if target is None else f"{sign} {_value(kpi, target, applies_to)}"
        change_text = "n/a" if change_rate is None else f"{100 * change_rate:+.1f} %"
        verdict = "n/a" if on_track is None else ("yes" if on_track else "NO")
        lines.append(
            f"  {label[:39]:<40}{_value(kpi, actual):>14}{change_text:>10}{target_text:>16}  {verdict}"
        )
    return lines


def action_lines(connection: duckdb.DuckDBPyConnection) -> list[str]:
    rows = connection.execute(
        "select action, owner_kind, count(*), count(distinct account_id) "
        "from marts.mart_account_next_actions group by action, owner_kind "
        "order by min(priority), action"
    ).fetchall()
    accounts = connection.execute(
        "select count(distinct account_id) from marts.mart_account_next_actions"
    ).fetchone()[0]
    lines = [f"Next actions: {sum(row[2] for row in rows):,} for {accounts:,} accounts"]
    for action, owner_kind, count, _ in rows:
        lines.append(f"  {action:<36}{owner_kind:<11}{count:>8,}")
    return lines


def lines(connection: duckdb.DuckDBPyConnection, as_of: dt.date) -> list[str]:
    return scorecard_lines(connection) + action_lines(connection)
