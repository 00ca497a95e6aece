"""Support tickets: a steady trickle while paying, three times as many before a planted churn."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from b2b_ops.demo_data import fmt
from b2b_ops.demo_data.common import DAY, Timeline, office_seconds
from b2b_ops.demo_data.config import (
    TABLE_COLUMNS,
    TICKET_CATEGORIES,
    TICKET_CATEGORY_WEIGHTS,
    TICKET_PRIORITIES,
    TICKET_STATUSES,
    Planted,
)
from b2b_ops.demo_data.crm import pick_contacts
from b2b_ops.demo_data.spans import paid_spans, size_factor

PRIORITY_WEIGHTS = (0.30, 0.45, 0.18, 0.07)
OUTAGE = TICKET_CATEGORIES.index("outage")
# Median hours to first response by priority (low, normal, high, urgent).
FIRST_RESPONSE_HOURS = np.array([12.0, 6.0, 2.0, 0.5])
SOLVE_HOURS = 24.0  # median time from first response to solved
CSAT_SHARE = 0.40  # solved tickets that get a rating
CSAT_NORMAL = (0.03, 0.05, 0.12, 0.35, 0.45)  # scores 1..5
CSAT_BEFORE_CHURN = (0.20, 0.25, 0.30, 0.15, 0.10)
CLOSED_AFTER_DAYS = 7  # solved tickets are closed after a week (mostly)


def tickets_table(
    rng: np.random.Generator,
    timeline: Timeline,
    planted: Planted,
    accounts: pd.DataFrame,
    contacts: pd.DataFrame,
) -> pa.Table:
    owner, start, end = paid_spans(timeline, accounts)
    daily = (
        planted.tickets_per_paid_month
        / 30.0
        * size_factor(accounts, planted.potential_arr_log_mean, 0.5)
    )
    count = rng.poisson(daily[owner] * (end - start))
    span = np.repeat(np.arange(len(owner)), count)
    account_row = owner[span]
    day = start[span] + np.floor(rng.random(len(span)) * (end - start)[span]).astype(np.int64)
    # Planted churners: extra tickets in the 8 weeks before churn, so the
    # rate there is churn_ticket_rate_factor times the normal rate.
    churner = np.flatnonzero(accounts["shows_churn_signs"].to_numpy())
    churn = accounts["signal_day"].to_numpy()[churner]
    window_start = np.maximum(
        accounts["first_paid"].to_numpy()[churner], churn - planted.churn_window_days
    )
    # An upcoming churner's window runs past the as-of date: tickets only up to it.
    window_end = np.minimum(churn, timeline.as_of_day)
    extra = rng.poisson(
        daily[churner] * (planted.churn_ticket_rate_factor - 1.0) * (window_end - window_start)
    )
    extra_row = np.repeat(churner, extra)
    window_days = np.repeat(window_end - window_start, extra)
    offset = np.floor(rng.random(len(extra_row)) * window_days).astype(np.int64)
    extra_day = np.repeat(window_start, extra) + offset
    account_row = np.concatenate([account_row, extra_row])
    day = np.concatenate([day, extra_day])
    order = np.lexsort((account_row, day))
    account_row, day = account_row[order], day[order]
    return _ticket_columns(rng, timeline, planted, accounts, contacts, account_row, day)


def _ticket_columns(
    rng: np.random.Generator,
    timeline: Timeline,
    planted: Planted,
    accounts: pd.DataFrame,
    contacts: pd.DataFrame,
    account_row: np.ndarray,
    day: np.ndarray,
) -> pa.Table:
    n = len(day)
    created_s = day * DAY + office_seconds(rng, n)
    category = rng.choice(len(TICKET_CATEGORIES), size=n, p=np.array(TICKET_CATEGORY_WEIGHTS))
    priority = rng.choice(len(TICKET_PRIORITIES), size=n, p=np.array(PRIORITY_WEIGHTS))
    priority = np.where(category == OUTAGE, np.where(rng.random(n) < 0.6, 3, 2), priority)
    response_hours = FIRST_RESPONSE_HOURS[priority] * rng.lognormal(0.0, 0.8, n)
    response_s = created_s + (3600 * response_hours).astype(np.int64) + 60
    solved_s = response_s + (3600 * SOLVE_HOURS * rng.lognormal(0.0, 1.0, n)).astype(np.int64) + 60
    as_of_s = timeline.as_of_second
    responded = response_s < as_of_s
    solved = solved_s < as_of_s
    # Status follows the clock: no answer yet -> new; answered, not solved ->
    # open or pending; solved a week before as-of -> mostly closed.
    waiting = np.where(rng.random(n) < 0.6, 1, 2)
    closed = solved & (solved_s < as_of_s - CLOSED_AFTER_DAYS * DAY) & (rng.random(n) < 0.8)
    status = np.where(~responded, 0, np.where(~solved, waiting, np.where(closed, 4, 3)))
    churn = accounts["signal_day"].to_numpy()[account_row]
    planted_churner = accounts["shows_churn_signs"].to_numpy()[account_row]
    before_churn = planted_churner & (day >= churn - planted.churn_window_days) & (day < churn)
    score = 1 + np.where(
        before_churn,
        rng.choice(5, size=n, p=np.array(CSAT_BEFORE_CHURN)),
        rng.choice(5, size=n, p=np.array(CSAT_NORMAL)),
    )
    rated = solved & (rng.random(n) < CSAT_SHARE)
    contact_row = pick_contacts(rng, contacts, len(accounts), account_row)
    columns = {
        "ticket_id": fmt.key_ids("support/tickets", np.arange(1, n + 1)),
        "account_id": fmt.key_ids("crm/accounts", account_row + 1),
        "requester_contact_id": fmt.key_ids("crm/contacts", contact_row + 1),
        "category": fmt.labels(TICKET_CATEGORIES, category),
        "priority": fmt.labels(TICKET_PRIORITIES, priority),
        "status": fmt.labels(TICKET_STATUSES, status),
        "created_at": fmt.timestamps(created_s),
        "first_response_at": fmt.timestamps(response_s, responded),
        "solved_at": fmt.timestamps(solved_s, solved),
        "csat_score": fmt.integers(score, rated),
    }
    return fmt.table(columns, TABLE_COLUMNS["support/tickets"])
