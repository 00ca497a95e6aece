"""NPS responses: a quarterly survey of paying accounts' contacts, low before a planted churn."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from b2b_ops.demo_data import fmt, names
from b2b_ops.demo_data.common import (
    DAY,
    Timeline,
    expand,
    month_first_day,
    month_index,
    office_seconds,
)
from b2b_ops.demo_data.config import TABLE_COLUMNS, Planted
from b2b_ops.demo_data.crm import pick_contacts
from b2b_ops.demo_data.spans import paid_spans

SURVEY_DAY_IN_QUARTER = 14  # the survey goes out two weeks into each quarter
ANSWER_WITHIN_DAYS = 14
MIN_TENURE_DAYS = 30  # accounts are surveyed after their first month
MAX_ASKED_PER_ACCOUNT = 3
# Healthy accounts: mostly promoters and passives (scores 0..10).
NORMAL_SCORES = (0.01, 0.01, 0.01, 0.015, 0.015, 0.02, 0.03, 0.12, 0.21, 0.27, 0.29)


def nps_table(
    rng: np.random.Generator,
    timeline: Timeline,
    planted: Planted,
    accounts: pd.DataFrame,
    contacts: pd.DataFrame,
) -> pa.Table:
    owner, start, end = paid_spans(timeline, accounts)
    first_quarter = month_index(np.array([timeline.start_day])) // 3 * 3
    last_quarter = month_index(np.array([timeline.as_of_day - 1])) // 3 * 3
    survey_day = (
        month_first_day(np.arange(first_quarter[0], last_quarter[0] + 1, 3)) + SURVEY_DAY_IN_QUARTER
    )
    # Every (span, wave) where the account is paying and past its first month.
    span = np.repeat(np.arange(len(owner)), len(survey_day))
    wave_day = np.tile(survey_day, len(owner))
    surveyed = (wave_day >= start[span] + MIN_TENURE_DAYS) & (wave_day < end[span])
    span, wave_day = span[surveyed], wave_day[surveyed]
    contact_count = np.bincount(contacts["account_row"].to_numpy(), minlength=len(accounts))
    asked = np.minimum(contact_count[owner[span]], MAX_ASKED_PER_ACCOUNT)
    answers = rng.binomial(asked, planted.nps_response_rate_per_wave)
    parent, _ = expand(answers)
    account_row = owner[span[parent]]
    day = wave_day[parent] + rng.integers(0, ANSWER_WITHIN_DAYS, len(parent))
    keep = (day < end[span[parent]]) & (day < timeline.as_of_day)
    account_row, day = account_row[keep], day[keep]
    # Planted churners are asked once more in the weeks before they leave.
    asked_again = rng.random(len(accounts)) < planted.churn_window_nps_response_rate
    churner = np.flatnonzero(accounts["shows_churn_signs"].to_numpy() & asked_again)
    # An upcoming churner answers before the as-of date, the last day it can.
    last_day = np.minimum(accounts["signal_day"].to_numpy()[churner], timeline.as_of_day)
    extra_day = last_day - rng.integers(5, 51, len(churner))
    account_row = np.concatenate([account_row, churner])
    day = np.concatenate([day, extra_day])
    order = np.lexsort((account_row, day))
    account_row, day = account_row[order], day[order]
    n = len(day)
    churn = accounts["signal_day"].to_numpy()[account_row]
    planted_churner = accounts["shows_churn_signs"].to_numpy()[account_row]
    in_window = planted_churner & (day >= churn - planted.churn_window_days) & (day < churn)
    score = np.where(
        in_window,
        rng.integers(0, planted.churn_nps_max_score + 1, n),
        rng.choice(len(NORMAL_SCORES), size=n, p=np.array(NORMAL_SCORES)),
    )
    comment, has_comment = names.nps_comments(rng, score)
    contact_row = pick_contacts(rng, contacts, len(accounts), account_row)
    columns = {
        "response_id": fmt.key_ids("survey/nps_responses", np.arange(1, n + 1)),
        "account_id": fmt.key_ids("crm/accounts", account_row + 1),
        "contact_id": fmt.key_ids("crm/contacts", contact_row + 1),
        "score": fmt.integers(score),
        "comment": fmt.text(comment, has_comment),
        "responded_at": fmt.timestamps(day * DAY + office_seconds(rng, n)),
    }
    return fmt.table(columns, TABLE_COLUMNS["survey/nps_responses"])
