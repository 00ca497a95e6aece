"""CRM opportunities: the sales records behind every subscription, plus lost and open deals.

closed_won rows mirror the subscriptions: new_business for a first (or
win-back) core subscription, cross_sell for an add-on, upsell for a core
upgrade, renewal on each anniversary. Amounts are annual (12 x MRR) in the
account's currency.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from b2b_ops.demo_data import fmt
from b2b_ops.demo_data.billing import ADD_ON, FIRST, PLAN_CHANGE, REACTIVATION
from b2b_ops.demo_data.common import DAY, NONE, Timeline, office_seconds
from b2b_ops.demo_data.config import (
    CURRENCIES,
    MODULE_ARR_WEIGHT,
    MODULES,
    OPPORTUNITY_STAGES,
    OPPORTUNITY_TYPES,
    TABLE_COLUMNS,
)
from b2b_ops.demo_data.money import currency_of_country, to_local_cents

NEW_BUSINESS, UPSELL, CROSS_SELL, RENEWAL = range(4)
OPEN, WON, LOST = range(3)
SALES_CYCLE_DAYS = (5, 40)  # opportunity created -> closed
RENEWAL_NOTICE_DAYS = 60  # renewal opportunities open this long before the anniversary
LOST_TRIAL_SHARE = 0.6  # unconverted trials that had a (lost) new_business deal
LOST_CROSS_SELL_SHARE = 0.25
OPEN_CROSS_SELL_SHARE = 0.12


def opportunity_frame(
    rng: np.random.Generator, timeline: Timeline, accounts: pd.DataFrame, subs: pd.DataFrame
) -> pd.DataFrame:
    parts = [
        _won(rng, accounts, subs),
        _renewals(rng, timeline, accounts, subs),
        _lost_trials(rng, timeline, accounts),
        _other_cross_sell(rng, timeline, accounts),
    ]
    frame = pd.concat(parts, ignore_index=True)
    return frame.sort_values(["created_s", "account_row"], kind="stable").reset_index(drop=True)


def _frame(
    account_row: np.ndarray,
    kind: int | np.ndarray,
    module: int | np.ndarray,
    cents: np.ndarray,
    stage: int | np.ndarray,
    created_s: np.ndarray,
    closed_s: np.ndarray,
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account_row": account_row,
            "kind": kind,
            "module": module,
            "cents": cents,
            "stage": stage,
            "created_s": created_s,
            "closed_s": closed_s,
        }
    )


def _won(rng: np.random.Generator, accounts: pd.DataFrame, subs: pd.DataFrame) -> pd.DataFrame:
    """One closed_won deal per subscription that a sale created (not downgrades)."""
    kind = subs["kind"].to_numpy()
    upgrade = (kind == PLAN_CHANGE) & (
        subs["mrr_cents"].to_numpy() > subs["previous_cents"].to_numpy()
    )
    chosen = np.isin(kind, [FIRST, ADD_ON, REACTIVATION]) | upgrade
    won = subs[chosen]
    n = len(won)
    start = won["start"].to_numpy()
    account_row = won["account_row"].to_numpy()
    # Closed up to three days before the subscription starts (after the
    # account exists: a first payment is at least five days after creation).
    closed_s = (start - rng.integers(0, 4, n)) * DAY + office_seconds(rng, n)
    cycle = rng.integers(SALES_CYCLE_DAYS[0] * DAY, SALES_CYCLE_DAYS[1] * DAY, n)
    created_s = np.maximum(accounts["created_s"].to_numpy()[account_row], closed_s - cycle)
    sub_kind = won["kind"].to_numpy()
    deal_kind = np.select(
        [sub_kind == ADD_ON, sub_kind == PLAN_CHANGE], [CROSS_SELL, UPSELL], NEW_BUSINESS
    )
    mrr = won["mrr_cents"].to_numpy()
    monthly = np.where(deal_kind == UPSELL, mrr - won["previous_cents"].to_numpy(), mrr)
    return _frame(
        account_row, deal_kind, won["module"].to_numpy(), 12 * monthly, WON, created_s, closed_s
    )


def _mrr_cents_on(subs: pd.DataFrame, account_row: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Each account's total local MRR (cents) running on the given day."""
    asks = pd.DataFrame(
        {"ask": np.arange(len(account_row)), "account_row": account_row, "day": day}
    )
    joined = asks.merge(subs[["account_row", "start", "end", "mrr_cents"]], on="account_row")
    running = (joined["start"] <= joined["day"]) & (
        (joined["end"] < 0) | (joined["end"] > joined["day"])
    )
    total = joined[running].groupby("ask")["mrr_cents"].sum()
    return total.reindex(np.arange(len(account_row)), fill_value=0).to_numpy().astype(np.int64)


def _renewals(
    rng: np.random.Generator, timeline: Timeline, accounts: pd.DataFrame, subs: pd.DataFrame
) -> pd.DataFrame:
    """Yearly renewals in the first paid span; churners lose theirs."""
    paying = accounts[accounts["first_paid"] >= 0]
    row = paying.index.to_numpy()
    first_paid = paying["first_paid"].to_numpy()
    churn = paying["churn_day"].to_numpy()
    parts = []
    for year in (1, 2):
        anniversary = first_paid + 365 * year
        opened = anniversary - RENEWAL_NOTICE_DAYS
        # Won: the anniversary passed while paying, and (for a churner) well before churn.
        won = (anniversary < timeline.as_of_day) & (
            (churn < 0) | (anniversary < churn - RENEWAL_NOTICE_DAYS)
        )
        # Open: still paying, anniversary ahead, renewal already opened.
        still_open = (
            (churn < 0) & (anniversary >= timeline.as_of_day) & (opened < timeline.as_of_day)
        )
        for mask, stage in ((won, WON), (still_open, OPEN)):
            n = int(mask.sum())
            if n == 0:
                continue
            created_s = opened[mask] * DAY + office_seconds(rng, n)
            closed_day = anniversary[mask] - rng.integers(1, 21, n)
            closed_s = np.where(stage == WON, closed_day * DAY + office_seconds(rng, n), NONE)
            value_day = np.minimum(anniversary[mask], timeline.as_of_day) - 1
            cents = 12 * _mrr_cents_on(subs, row[mask], value_day)
            parts.append(_frame(row[mask], RENEWAL, 0, cents, stage, created_s, closed_s))
    churned = churn >= 0
    n = int(churned.sum())
    created_s = (
        churn[churned] - rng.integers(30, RENEWAL_NOTICE_DAYS + 1, n)
    ) * DAY + office_seconds(rng, n)
    closed_s = (churn[churned] - rng.integers(1, 11, n)) * DAY + office_seconds(rng, n)
    cents = 12 * _mrr_cents_on(subs, row[churned], churn[churned] - 1)
    parts.append(_frame(row[churned], RENEWAL, 0, cents, LOST, created_s, closed_s))
    return pd.concat(parts, ignore_index=True)


def _potential_cents(
    accounts: pd.DataFrame, account_row: np.ndarray, module: np.ndarray
) -> np.ndarray:
    """Annual list value of a module for an account, in local cents."""
    weight = np.array([MODULE_ARR_WEIGHT[name] for name in MODULES])[module]
    usd = accounts["potential_usd"].to_numpy()[account_row] * weight
    return to_local_cents(usd, currency_of_country(accounts["country"].to_numpy()[account_row]))


def _lost_trials(
    rng: np.random.Generator, timeline: Timeline, accounts: pd.DataFrame
) -> pd.DataFrame:
    """Many unconverted trials had a new_business deal that was lost after the trial."""
    had_deal = rng.random(len(accounts)) < LOST_TRIAL_SHARE
    chosen = np.flatnonzero((accounts["first_paid"].to_numpy() < 0) & had_deal)
    n = len(chosen)
    start_s = accounts["trial_start_s"].to_numpy()[chosen]
    days = accounts["trial_days"].to_numpy()[chosen]
    created_s = start_s + rng.integers(DAY, DAY * days)
    # Trials end at least 13 days before as-of, so closing 1-12 days later is in the past.
    closed_s = start_s + days * DAY + rng.integers(DAY, 12 * DAY, n)
    module = np.zeros(n, dtype=np.int64)
    cents = _potential_cents(accounts, chosen, module)
    return _frame(chosen, NEW_BUSINESS, module, cents, LOST, created_s, closed_s)


def _other_cross_sell(
    rng: np.random.Generator, timeline: Timeline, accounts: pd.DataFrame
) -> pd.DataFrame:
    """Lost cross-sell attempts during the paid span, and open ones at as-of."""
    first_paid = accounts["first_paid"].to_numpy()
    end = accounts["paid_end"].to_numpy()
    span = np.where(first_paid >= 0, end - first_paid, 0)
    lost = np.flatnonzero((span >= 31) & (rng.random(len(accounts)) < LOST_CROSS_SELL_SHARE))
    closed_day = (
        first_paid[lost] + 30 + np.floor(rng.random(len(lost)) * (span[lost] - 30)).astype(np.int64)
    )
    closed_s = closed_day * DAY + office_seconds(rng, len(lost))
    created_s = closed_s - rng.integers(SALES_CYCLE_DAYS[0] * DAY, 30 * DAY, len(lost))
    lost_module = rng.integers(1, len(MODULES), len(lost))
    never_churned = (first_paid >= 0) & (accounts["churn_day"].to_numpy() < 0)
    active = never_churned | (accounts["react_day"].to_numpy() >= 0)
    still_open = np.flatnonzero(active & (rng.random(len(accounts)) < OPEN_CROSS_SELL_SHARE))
    n_open = len(still_open)
    open_created = (timeline.as_of_day - rng.integers(1, 51, n_open)) * DAY + office_seconds(
        rng, n_open
    )
    open_module = rng.integers(1, len(MODULES), n_open)
    lost_cents = _potential_cents(accounts, lost, lost_module)
    open_cents = _potential_cents(accounts, still_open, open_module)
    return pd.concat(
        [
            _frame(lost, CROSS_SELL, lost_module, lost_cents, LOST, created_s, closed_s),
            _frame(
                still_open,
                CROSS_SELL,
                open_module,
                open_cents,
                OPEN,
                open_created,
                np.full(n_open, NONE),
            ),
        ],
        ignore_index=True,
    )


def opportunities_table(accounts: pd.DataFrame, deals: pd.DataFrame) -> pa.Table:
    n = len(deals)
    account_row = deals["account_row"].to_numpy()
    closed_s = deals["closed_s"].to_numpy()
    currency = currency_of_country(accounts["country"].to_numpy()[account_row])
    columns = {
        "opportunity_id": fmt.key_ids("crm/opportunities", np.arange(1, n + 1)),
        "account_id": fmt.key_ids("crm/accounts", account_row + 1),
        "opportunity_type": fmt.labels(OPPORTUNITY_TYPES, deals["kind"].to_numpy()),
        "product_module": fmt.labels(MODULES, deals["module"].to_numpy()),
        "amount": fmt.money(deals["cents"].to_numpy()),
        "currency": fmt.labels(CURRENCIES, currency),
        "stage": fmt.labels(OPPORTUNITY_STAGES, deals["stage"].to_numpy()),
        "created_at": fmt.timestamps(deals["created_s"].to_numpy()),
        "closed_at": fmt.timestamps(closed_s, closed_s >= 0),
    }
    return fmt.table(columns, TABLE_COLUMNS["crm/opportunities"])
