"""Summary lines for acquisition and growth: CAC and LTV/CAC by channel and
the referral share for the last full quarter, the strongest module-to-module
lift, and each experiment's result."""

from __future__ import annotations

import datetime as dt

import duckdb

from b2b_ops.summary.common import money, percent, quarter_name

TABLES = (
    "marts.mart_unit_economics",
    "marts.mart_referrals",
    "marts.mart_upsell_propensity",
    "marts.mart_ab_tests",
)
# A lift resting on a handful of later buyers is noise; the summary names the
# strongest pair only among pairs with at least this many.
MIN_LATER_BUYERS_FOR_SUMMARY = 20


def last_full_quarter(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """First day of the last quarter that ended before the as-of month's
    quarter, and the first day of its last month (the as-of quarter is still
    running, as the as-of month is in the core summary)."""
    quarter_start = dt.date(as_of.year, 3 * ((as_of.month - 1) // 3) + 1, 1)
    previous_year, previous_month = (quarter_start.year, quarter_start.month - 3)
    if previous_month < 1:
        previous_year, previous_month = previous_year - 1, previous_month + 12
    start = dt.date(previous_year, previous_month, 1)
    return start, dt.date(previous_year, previous_month + 2, 1)


def channel_lines(connection: duckdb.DuckDBPyConnection, start: dt.date) -> list[str]:
    # The mart's quarter row: CAC = the quarter's acquisition cost (spend plus
    # referral rebates) / its new customers, not an average of monthly CACs;
    # LTV is the one at the quarter's last month.
    rows = connection.execute(
        """
        select
            acquisition_channel,
            cast(acquisition_cost as double),
            new_customers,
            cast(cac as double),
            cast(ltv_to_cac as double)
        from marts.mart_unit_economics
        where period_kind = 'quarter' and period_start = ?
        order by acquisition_channel = 'all', acquisition_channel
        """,
        [start],
    ).fetchall()
    lines = [f"  {'channel':<22}{'cost':>12}{'new':>6}{'CAC':>10}{'LTV/CAC':>9}"]
    for channel, cost, new_customers, cac, ltv_to_cac in rows:
        ratio = "n/a" if ltv_to_cac is None else f"{ltv_to_cac:.1f}"
        lines.append(
            f"  {channel:<22}{money(cost):>12}{new_customers:>6,}{money(cac):>10}{ratio:>9}"
        )
    return lines


def referral_line(
    connection: duckdb.DuckDBPyConnection, start: dt.date, last_month: dt.date
) -> str:
    referred, new_customers, rebates = connection.execute(
        "select sum(new_customers_from_referrals), sum(new_customers), sum(rebates_owed) "
        "from marts.mart_referrals where month between ? and ?",
        [start, last_month],
    ).fetchone()
    share = referred / new_customers if new_customers else None
    return (
        f"  referrals: {percent(share)} of new customers ({referred or 0} of {new_customers or 0}),"
        f" rebates owed {money(float(rebates or 0))}"
    )


def upsell_line(connection: duckdb.DuckDBPyConnection) -> str | None:
    row = connection.execute(
        "select from_module, to_module, conversion_rate, base_rate, lift, later_buyers, adopters "
        "from marts.mart_upsell_propensity where lift is not null and later_buyers >= ? "
        "order by lift desc, from_module, to_module limit 1",
        [MIN_LATER_BUYERS_FOR_SUMMARY],
    ).fetchone()
    if row is None:
        return None
    from_module, to_module, rate, base_rate, lift, later_buyers, adopters = row
    return (
        f"Strongest upsell path: {from_module} -> {to_module}: {percent(rate)} later buy it"
        f" ({later_buyers} of {adopters}) vs {percent(base_rate)} without, lift {lift:.1f}"
    )


def experiment_lines(connection: duckdb.DuckDBPyConnection) -> list[str]:
    lines = []
    for row in connection.execute(
        "select experiment_id, variant, lift_vs_control, p_value, ci_lower, ci_upper, "
        "is_significant, has_sample_ratio_mismatch, confidence_level from marts.mart_ab_tests "
        "where not is_control order by experiment_id, variant"
    ).fetchall():
        experiment, variant, lift, p_value, ci_lower, ci_upper, significant, mismatch, level = row
        p_text = "n/a" if p_value is None else f"{p_value:.4f}"
        interval = (
            "n/a" if ci_lower is None else f"[{100 * ci_lower:+.2f}, {100 * ci_upper:+.2f}] points"
        )
        verdict = "significant" if significant else "not significant"
        if mismatch:
            verdict += ", SAMPLE RATIO MISMATCH: do not trust"
        lines.append(
            f"  {experiment} {variant}: lift {percent(lift)}, p = {p_text},"
            f" {percent(level, 0)} CI of the difference {interval}; {verdict}"
        )
    return lines


def lines(connection: duckdb.DuckDBPyConnection, as_of: dt.date) -> list[str]:
    start, last_month = last_full_quarter(as_of)
    result = [f"Acquisition {quarter_name(start)} (reporting currency)"]
    result += channel_lines(connection, start)
    result.append(referral_line(connection, start, last_month))
    upsell = upsell_line(connection)
    if upsell:
        result.append(upsell)
    experiments = experiment_lines(connection)
    if experiments:
        result += ["Experiments (variant vs control, all sends to date)", *experiments]
    return result
