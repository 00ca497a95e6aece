"""Billing: subscriptions from the account plans, and monthly invoices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from b2b_ops.demo_data import fmt
from b2b_ops.demo_data.common import DAY, NONE, Timeline, expand, month_first_day, month_index
from b2b_ops.demo_data.config import (
    ADD_ON_MODULES,
    CURRENCIES,
    INVOICE_STATUSES,
    MODULE_ARR_WEIGHT,
    MODULES,
    PLANS,
    TABLE_COLUMNS,
)
from b2b_ops.demo_data.money import currency_of_country, to_local_cents

# Kinds of subscription rows, used by the opportunities that explain them.
FIRST, PLAN_CHANGE, ADD_ON, REACTIVATION = 0, 1, 2, 3
VOID_SHARE, REFUND_SHARE = 0.015, 0.01
PAYMENT_DELAY_DAYS = 20  # invoices are paid within this many days


def subscription_frame(accounts: pd.DataFrame) -> pd.DataFrame:
    """One row per subscription, in subscription-number order.

    Columns: account_row, module, plan, mrr_usd, mrr_cents (local), currency,
    start, end (-1 while running), kind, previous_cents (plan changes only).
    """
    paying = accounts[accounts["first_paid"] >= 0]
    row = paying.index.to_numpy()
    first_paid = paying["first_paid"].to_numpy()
    churn = paying["churn_day"].to_numpy()  # -1 while paying: the subscription runs on
    core_usd = paying["potential_usd"].to_numpy() * MODULE_ARR_WEIGHT["core_platform"] / 12.0
    plan = paying["core_plan"].to_numpy()
    change_day = paying["core_change_day"].to_numpy()
    changed = change_day >= 0
    new_plan = np.clip(plan + paying["core_change"].to_numpy(), 0, len(PLANS) - 1)
    new_usd = core_usd * paying["core_change_factor"].to_numpy()
    parts = [
        # The first core subscription ends where a plan change starts the next one.
        _rows(row, 0, plan, core_usd, first_paid, np.where(changed, change_day, churn), FIRST),
        _rows(
            row[changed],
            0,
            new_plan[changed],
            new_usd[changed],
            change_day[changed],
            churn[changed],
            PLAN_CHANGE,
        ),
    ]
    for module in ADD_ON_MODULES:
        day = paying[f"day_{module}"].to_numpy()
        bought = day >= 0
        usd = paying["potential_usd"].to_numpy() * MODULE_ARR_WEIGHT[module] / 12.0
        code = MODULES.index(module)
        parts.append(
            _rows(row[bought], code, plan[bought], usd[bought], day[bought], churn[bought], ADD_ON)
        )
    # A reactivated account comes back on the core plan it left with.
    react = paying["react_day"].to_numpy()
    back = react >= 0
    last_plan = np.where(changed, new_plan, plan)
    last_usd = np.where(changed, new_usd, core_usd)
    running = np.full(int(back.sum()), NONE)
    parts.append(
        _rows(row[back], 0, last_plan[back], last_usd[back], react[back], running, REACTIVATION)
    )
    subs = pd.concat(parts, ignore_index=True)
    subs["currency"] = currency_of_country(
        accounts["country"].to_numpy()[subs["account_row"].to_numpy()]
    )
    subs["mrr_cents"] = to_local_cents(subs["mrr_usd"].to_numpy(), subs["currency"].to_numpy())
    subs = subs.sort_values(["start", "account_row", "module", "kind"], kind="stable").reset_index(
        drop=True
    )
    # For a plan change: the MRR of the core subscription it replaces.
    first_core = subs[(subs["kind"] == FIRST) & (subs["module"] == 0)].set_index("account_row")[
        "mrr_cents"
    ]
    subs["previous_cents"] = np.where(
        subs["kind"] == PLAN_CHANGE, subs["account_row"].map(first_core).fillna(0).to_numpy(), 0
    ).astype(np.int64)
    return subs


def _rows(
    account_row: np.ndarray,
    module: int,
    plan: np.ndarray,
    usd: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    kind: int,
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account_row": account_row,
            "module": module,
            "plan": plan,
            "mrr_usd": usd,
            "start": start,
            "end": end,
            "kind": kind,
        }
    )


def subscriptions_table(subs: pd.DataFrame) -> pa.Table:
    end = subs["end"].to_numpy()
    columns = {
        "subscription_id": fmt.key_ids("billing/subscriptions", np.arange(1, len(subs) + 1)),
        "account_id": fmt.key_ids("crm/accounts", subs["account_row"].to_numpy() + 1),
        "product_module": fmt.labels(MODULES, subs["module"].to_numpy()),
        "plan": fmt.labels(PLANS, subs["plan"].to_numpy()),
        "mrr_amount": fmt.money(subs["mrr_cents"].to_numpy()),
        "currency": fmt.labels(CURRENCIES, subs["currency"].to_numpy()),
        "started_on": fmt.dates(subs["start"].to_numpy()),
        "ended_on": fmt.dates(end, end >= 0),
    }
    return fmt.table(columns, TABLE_COLUMNS["billing/subscriptions"])


def invoices_table(rng: np.random.Generator, timeline: Timeline, subs: pd.DataFrame) -> pa.Table:
    """Billed monthly in advance: on the start day, then on each 1st while it runs."""
    start = subs["start"].to_numpy()
    end = np.where(subs["end"].to_numpy() >= 0, subs["end"].to_numpy(), timeline.as_of_day)
    count = 1 + np.maximum(0, month_index(end - 1) - month_index(start))
    parent, rank = expand(count)
    issue_day = np.where(
        rank == 0, start[parent], month_first_day(month_index(start[parent]) + rank)
    )
    n = len(parent)
    issued_s = issue_day * DAY + 6 * 3600 + rng.integers(0, 7200, n)
    paid_s = issued_s + rng.integers(3600, PAYMENT_DELAY_DAYS * DAY, n)
    draw = rng.random(n)
    is_void = draw < VOID_SHARE
    is_refund = ~is_void & (draw < VOID_SHARE + REFUND_SHARE)
    arrived = paid_s < timeline.as_of_second
    # A payment due after the as-of date has not arrived yet: the invoice is open.
    status = np.where(is_void, 2, np.where(~arrived, 1, np.where(is_refund, 3, 0)))
    has_paid_at = (status == 0) | (status == 3)
    columns = {
        "invoice_id": fmt.key_ids("billing/invoices", np.arange(1, n + 1)),
        "account_id": fmt.key_ids("crm/accounts", subs["account_row"].to_numpy()[parent] + 1),
        "subscription_id": fmt.key_ids("billing/subscriptions", parent + 1),
        "issued_at": fmt.timestamps(issued_s),
        "amount": fmt.money(subs["mrr_cents"].to_numpy()[parent]),
        "currency": fmt.labels(CURRENCIES, subs["currency"].to_numpy()[parent]),
        "status": fmt.labels(INVOICE_STATUSES, status),
        "paid_at": fmt.timestamps(paid_s, has_paid_at),
    }
    return fmt.table(columns, TABLE_COLUMNS["billing/invoices"])
