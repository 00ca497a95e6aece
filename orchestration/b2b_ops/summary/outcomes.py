"""Summary lines for "did it work?": worklist follow-through over the
FOLLOW_THROUGH_DAYS before the as-of date, and what each action kind is
worth (mart_action_effectiveness at its longest horizon), beside the odds
ratio the demo planted when its ground truth is given."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb

from b2b_ops.summary.common import percent, rows

TABLES = ("marts.mart_worklist_follow_through", "marts.mart_action_effectiveness")
FOLLOW_THROUGH_DAYS = 90
TRUTH_EFFECTS_FILE = "activity_effects.csv"
WARNING_TEXT = {
    "no_outcome_yet": "no outcome known yet",
    "too_few_accounts": "too few accounts to tell",
    "too_few_churns": "too few churns to tell",
    "groups_not_comparable": "groups not comparable",
}
DECIDED = ("on_time", "late", "not_acted")


def follow_through_lines(connection: duckdb.DuckDBPyConnection, as_of: dt.date) -> list[str]:
    start = as_of - dt.timedelta(days=FOLLOW_THROUGH_DAYS - 1)
    # Items known only to the week would look late or early by up to 6 days.
    counts = rows(
        connection,
        "select work_item, follow_through_status, count(*) "
        "from marts.mart_worklist_follow_through "
        "where due_on between ? and ? and appeared_on_precision = 'day' group by all",
        [start, as_of],
    )
    by_status: dict[str, int] = {}
    by_item: dict[str, dict[str, int]] = {}
    for work_item, status, count in counts:
        by_status[status] = by_status.get(status, 0) + count
        by_item.setdefault(work_item, {})[status] = count
    decided = sum(by_status.get(status, 0) for status in DECIDED)
    header = f"Worklist follow-through (items due {start}..{as_of}, day-precise)"
    if decided == 0:
        return [header, f"  no item decided yet ({by_status.get('open', 0)} open)"]
    rates = "  ".join(
        f"{status.replace('_', ' ')} {percent(by_status.get(status, 0) / decided)}"
        for status in DECIDED
    )
    on_time_by_item = "  ".join(
        f"{work_item} {percent(statuses.get('on_time', 0) / total, 0)}"
        for work_item, statuses in sorted(by_item.items())
        if (total := sum(statuses.get(status, 0) for status in DECIDED))
    )
    return [
        header,
        f"  {rates}  ({decided:,} items; {by_status.get('open', 0):,} open)",
        f"  on time by work item: {on_time_by_item}",
    ]


def planted_odds_ratios(truth_dir: Path | None) -> dict[tuple[str, str], float]:
    """(work item, kind) -> the odds ratio the demo planted, when there is ground truth."""
    path = truth_dir / TRUTH_EFFECTS_FILE if truth_dir else None
    if path is None or not path.exists():
        return {}
    with path.open(newline="") as handle:
        return {
            (row["answers_work_item"], row["activity_kind"]): float(row["planted_odds_ratio"])
            for row in csv.DictReader(handle)
        }


def effect_text(row: tuple) -> str:
    (acted_rate, control_rate, difference, low, high, odds_ratio, or_low, or_high) = row[3:11]
    warning, acted_churned, control_churned = row[11:14]
    if warning is not None:
        return f"{WARNING_TEXT[warning]} ({acted_churned} vs {control_churned} churned)"
    ratio = "OR n/a" if odds_ratio is None else f"OR {odds_ratio:.2f} ({or_low:.2f}-{or_high:.2f})"
    return (
        f"{percent(acted_rate)} vs {percent(control_rate)}  "
        f"{100 * difference:+.1f} pts ({100 * low:+.1f} to {100 * high:+.1f})  {ratio}"
    )


def effect_lines(connection: duckdb.DuckDBPyConnection, truth_dir: Path | None) -> list[str]:
    effects = rows(
        connection,
        "select work_item, activity_kind, horizon_days, acted_churn_rate, control_churn_rate, "
        "churn_rate_difference, churn_rate_difference_low, churn_rate_difference_high, "
        "odds_ratio, odds_ratio_low, odds_ratio_high, comparison_warning, "
        "acted_churned_count, control_churned_count from marts.mart_action_effectiveness "
        "where work_item <> 'all' and acted_item_count > 0 "
        "and horizon_days = (select max(horizon_days) from marts.mart_action_effectiveness) "
        "order by work_item, activity_kind",
    )
    if not effects:
        return []
    planted = planted_odds_ratios(truth_dir)
    lines = [
        f"What each action is worth (churn within {effects[0][2]} d, acted vs untouched "
        "look-alikes; docs/action-effects.md)"
    ]
    for row in effects:
        truth = planted.get((row[0], row[1]))
        suffix = "" if truth is None else f"  planted OR {truth:.2f}"
        lines.append(f"  {row[1]:<17}{row[0]:<18}{effect_text(row)}{suffix}")
    return lines


def lines(
    connection: duckdb.DuckDBPyConnection, as_of: dt.date, truth_dir: Path | None = None
) -> list[str]:
    if not rows(connection, "select 1 from marts.mart_action_effectiveness limit 1"):
        return ["CS activities: none landed; follow-through and action effects not measured"]
    return follow_through_lines(connection, as_of) + effect_lines(connection, truth_dir)
