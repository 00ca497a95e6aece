"""Demo only: did the churn warning reach the churners the demo planted, and
how long before they left?

The marts never read the demo's ground truth (it is not landing data), so
this section reads it here, from the ground-truth folder the generator
writes beside its landing folder (settings.truth_dir_beside), and is shown
only when that folder exists. A churner is reached on a day when
fct_account_health has it with a churn flag or at high risk: the rules that
put an account on the CSM worklist (high risk, or a flag on a high-value
account) or into the automated re-engagement (a flag on a mid or low one).
Only the LOOKBACK_DAYS before the churn count, so an old unrelated warning
does not count as reaching it; a CSM reached it when it was high risk or
high value (the quarter's tier) on a warned day.
"""

from __future__ import annotations

import csv
import datetime as dt
import statistics
from dataclasses import dataclass
from pathlib import Path

import duckdb

from b2b_ops.summary.common import rows
from b2b_ops.summary.health import SUMMARY_HORIZON_DAYS

TABLES = ("marts.fct_account_health", "marts.fct_account_tiers")
# The same horizon the backtest lines of the summary read (60 days).
LOOKBACK_DAYS = SUMMARY_HORIZON_DAYS
TRUTH_ACCOUNTS_FILE = "accounts.csv"


@dataclass(frozen=True)
class Churner:
    account_id: str
    churn_on: dt.date


@dataclass(frozen=True)
class Reach:
    """One planted churner: when it was first warned in the lookback (None if
    never), and whether a CSM was among those who got the warning."""

    churner: Churner
    first_warned_on: dt.date | None
    reached_csm: bool

    @property
    def lead_days(self) -> int | None:
        if self.first_warned_on is None:
            return None
        return (self.churner.churn_on - self.first_warned_on).days


def planted_churners(truth_dir: Path, as_of: dt.date) -> tuple[list[Churner], list[Churner]]:
    """The churners the demo planted with warning signs: those that churned
    on or before the as-of date (is_planted_churner), and those that churn
    after it (upcoming_churn_on, showing the signs before the as-of date)."""
    with (truth_dir / TRUTH_ACCOUNTS_FILE).open(newline="") as handle:
        accounts = list(csv.DictReader(handle))
    churned = [
        Churner(row["account_id"], dt.date.fromisoformat(row["churned_on"]))
        for row in accounts
        if row["is_planted_churner"] == "true" and row["churned_on"]
    ]
    upcoming = [
        Churner(row["account_id"], dt.date.fromisoformat(row["upcoming_churn_on"]))
        for row in accounts
        if row.get("shows_churn_signs_before_as_of") == "true" and row.get("upcoming_churn_on")
    ]
    return (
        [churner for churner in churned if churner.churn_on <= as_of],
        [churner for churner in upcoming if churner.churn_on > as_of],
    )


def reaches(connection: duckdb.DuckDBPyConnection, churners: list[Churner]) -> list[Reach]:
    """Each churner's first warned day in the LOOKBACK_DAYS before its churn."""
    if not churners:
        return []
    found = {
        (account_id, churn_on): (first_warned_on, reached_csm)
        for account_id, churn_on, first_warned_on, reached_csm in rows(
            connection,
            """
            with churners as (
                select
                    unnest(?::varchar[]) as account_id,
                    unnest(?::date[]) as churn_on
            )
            select
                churners.account_id,
                churners.churn_on,
                min(health.as_of_date),
                bool_or(health.risk_level = 'high' or coalesce(tiers.value_tier = 'high', false))
            from churners
            inner join marts.fct_account_health as health
                on churners.account_id = health.account_id
                and health.as_of_date < churners.churn_on
                and health.as_of_date >= churners.churn_on - cast(? as integer)
                and (health.flag_count > 0 or health.risk_level = 'high')
            left join marts.fct_account_tiers as tiers
                on health.account_id = tiers.account_id
                and tiers.quarter_start = date_trunc('quarter', health.as_of_date)
            group by churners.account_id, churners.churn_on
            """,
            [
                [churner.account_id for churner in churners],
                [churner.churn_on for churner in churners],
                LOOKBACK_DAYS,
            ],
        )
    }
    return [
        Reach(churner, *found.get((churner.account_id, churner.churn_on), (None, False)))
        for churner in churners
    ]


def reach_line(label: str, results: list[Reach]) -> str:
    reached = [result for result in results if result.lead_days is not None]
    if not results:
        return f"  {label}: none planted"
    text = f"  {label}: {len(reached)} of {len(results)} reached"
    if not reached:
        return text
    by_csm = sum(result.reached_csm for result in reached)
    lead_days = [result.lead_days for result in reached]
    return (
        f"{text} ({by_csm} by a CSM, {len(reached) - by_csm} automated only), "
        f"first warned a median {statistics.median(lead_days):.0f} d before the churn "
        f"({min(lead_days)}-{max(lead_days)} d)"
    )


def lines(connection: duckdb.DuckDBPyConnection, as_of: dt.date, truth_dir: Path) -> list[str]:
    first_health_on = rows(connection, "select min(as_of_date) from marts.fct_account_health")[0][0]
    if first_health_on is None:
        return []
    churned, upcoming = planted_churners(truth_dir, as_of)
    # A churner counts only when the health history covers its whole lookback.
    churned = [
        churner
        for churner in churned
        if churner.churn_on - dt.timedelta(days=LOOKBACK_DAYS) >= first_health_on
    ]
    return [
        f"Planted churners the warning reached (demo ground truth in {truth_dir})",
        f"  reached = a churn flag or high risk in the {LOOKBACK_DAYS} days before the churn: "
        "on the CSM worklist or in an automated action",
        reach_line(f"churned by {as_of}", reaches(connection, churned)),
        reach_line(f"churning after {as_of}, by {as_of}", reaches(connection, upcoming)),
    ]
