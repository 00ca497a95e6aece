"""Leads and the accounts they become, including referrals by paying accounts.

Two waves, because a referred lead needs a referrer that is paying on the day
the lead arrives: first the non-referred leads and direct accounts with their
full life plan, then referred leads drawn from the days on which those
accounts were paying, and the accounts those leads become.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from b2b_ops.demo_data.common import DAY, NONE, Timeline, child_rng, growing_days, office_seconds
from b2b_ops.demo_data.config import (
    CHANNELS,
    INDUSTRY_GROWTH,
    LEAD_CHANNEL_WEIGHTS,
    OUTBOUND,
    REFERRAL,
    Planted,
)
from b2b_ops.demo_data.lifecycle import draw_accounts

BUSINESS_GROWTH = 0.35  # yearly growth of lead volume
CONVERSION_LAG_DAYS = (3, 40)  # lead created -> account created
# Converting leads created late convert after the last account-creation day
# and stay open; leads are drawn this much more often to still reach the target.
LATE_LEAD_ALLOWANCE = 0.88
OPEN_LEAD_DAYS = 90  # unconverted leads younger than this are still open
STALE_OPEN_SHARE = 0.15  # older unconverted leads still open (the rest disqualified)


@dataclass
class Funnel:
    accounts: pd.DataFrame  # one row per account, in account-number order
    leads: pd.DataFrame  # one row per lead, in lead-number order


def industry_weights() -> np.ndarray:
    """Account creation is weighted towards the faster-growing industries."""
    growth = np.array(list(INDUSTRY_GROWTH.values()))
    weights = 1.0 + 4.0 * growth
    return weights / weights.sum()


def build_funnel(seed: int, timeline: Timeline, planted: Planted, n_target: int) -> Funnel:
    base_leads = _base_leads(child_rng(seed, "crm/leads", "base"), timeline, planted, n_target)
    direct = _direct_accounts(
        child_rng(seed, "crm/accounts", "direct"), timeline, planted, n_target
    )
    converted = base_leads[base_leads["converted"]]
    created = np.concatenate([converted["converted_s"].to_numpy(), direct["created_s"].to_numpy()])
    base = draw_accounts(
        child_rng(seed, "crm/accounts", "base"),
        timeline,
        planted,
        created_s=created,
        industry=np.concatenate([converted["industry"].to_numpy(), direct["industry"].to_numpy()]),
        channel=np.concatenate([converted["channel"].to_numpy(), direct["channel"].to_numpy()]),
        is_referred=np.zeros(len(created), dtype=bool),
    )
    base["lead_uid"] = np.concatenate(
        [converted["lead_uid"].to_numpy(), np.full(len(direct), NONE)]
    )

    referral_rng = child_rng(seed, "crm/leads", "referral")
    referral_leads = _referral_leads(referral_rng, timeline, planted, n_target, base)
    referral_leads["lead_uid"] += len(base_leads)
    won = referral_leads[referral_leads["converted"]]
    referred = draw_accounts(
        child_rng(seed, "crm/accounts", "referred"),
        timeline,
        planted,
        created_s=won["converted_s"].to_numpy(),
        industry=won["industry"].to_numpy(),
        channel=np.full(len(won), REFERRAL),
        is_referred=np.ones(len(won), dtype=bool),
    )
    referred["lead_uid"] = won["lead_uid"].to_numpy()

    accounts = pd.concat([base, referred], ignore_index=True)
    accounts["account_uid"] = np.arange(len(accounts))
    # Account numbers follow creation time; the stable sort keeps ties in a fixed order.
    accounts = accounts.sort_values("created_s", kind="stable").reset_index(drop=True)
    leads = pd.concat([base_leads, referral_leads], ignore_index=True)
    leads = leads.sort_values("created_s", kind="stable").reset_index(drop=True)
    _link(accounts, leads)
    return Funnel(accounts=accounts, leads=leads)


def _lead_frame(
    rng: np.random.Generator,
    created_s: np.ndarray,
    channel: np.ndarray,
    rate: float,
    industry: np.ndarray,
    timeline: Timeline,
) -> pd.DataFrame:
    n = len(created_s)
    will_convert = rng.random(n) < rate
    low, high = CONVERSION_LAG_DAYS
    converted_s = created_s + rng.integers(low * DAY, (high + 1) * DAY, n)
    # An account must be created by the last creation day; later ones stay open.
    converted = will_convert & (converted_s // DAY <= timeline.last_create_day)
    age = timeline.as_of_day - created_s // DAY
    stale_open = rng.random(n) < STALE_OPEN_SHARE
    still_open = (age < OPEN_LEAD_DAYS) | stale_open
    status = np.where(converted, "converted", np.where(still_open, "open", "disqualified"))
    return pd.DataFrame(
        {
            "lead_uid": np.arange(n),
            "created_s": created_s,
            "channel": channel,
            "industry": industry,
            "converted": converted,
            "converted_s": np.where(converted, converted_s, NONE),
            "status": status,
            "referrer_uid": np.full(n, NONE),
        }
    )


def _base_leads(
    rng: np.random.Generator, timeline: Timeline, planted: Planted, n_target: int
) -> pd.DataFrame:
    share = 1.0 - planted.direct_account_share - planted.referred_account_share
    n = round(n_target * share / planted.lead_conversion_non_referred / LATE_LEAD_ALLOWANCE)
    days = growing_days(rng, n, timeline.start_day, timeline.as_of_day - 1, BUSINESS_GROWTH)
    created_s = np.sort(days * DAY + office_seconds(rng, n))
    names = list(LEAD_CHANNEL_WEIGHTS)
    weights = np.array(list(LEAD_CHANNEL_WEIGHTS.values()))
    codes = np.array([CHANNELS.index(name) for name in names])
    channel = codes[rng.choice(len(names), size=n, p=weights / weights.sum())]
    industry = rng.choice(len(INDUSTRY_GROWTH), size=n, p=industry_weights())
    return _lead_frame(
        rng, created_s, channel, planted.lead_conversion_non_referred, industry, timeline
    )


def _direct_accounts(
    rng: np.random.Generator, timeline: Timeline, planted: Planted, n_target: int
) -> pd.DataFrame:
    """Accounts that outbound sales created without a lead."""
    n = round(n_target * planted.direct_account_share)
    days = growing_days(rng, n, timeline.start_day, timeline.last_create_day, BUSINESS_GROWTH)
    return pd.DataFrame(
        {
            "created_s": days * DAY + office_seconds(rng, n),
            "industry": rng.choice(len(INDUSTRY_GROWTH), size=n, p=industry_weights()),
            "channel": np.full(n, OUTBOUND),
        }
    )


def _referral_leads(
    rng: np.random.Generator,
    timeline: Timeline,
    planted: Planted,
    n_target: int,
    base: pd.DataFrame,
) -> pd.DataFrame:
    """Referred leads, each on a day its referrer was paying.

    Drawing (referrer, day) uniformly over all paying account-days makes the
    volume of referrals follow the size of the paying base, so referrals
    make up a growing share of new customers.
    """
    first_paid = base["first_paid"].to_numpy()
    react = base["react_day"].to_numpy()
    owner = np.concatenate([np.arange(len(base)), np.arange(len(base))])
    span_start = np.concatenate([first_paid, react])
    span_end = np.concatenate([base["paid_end"].to_numpy(), np.full(len(base), timeline.as_of_day)])
    span_start = np.maximum(span_start, timeline.start_day + planted.referral_lead_earliest_day)
    length = np.where(np.concatenate([first_paid, react]) >= 0, span_end - span_start, 0)
    length = np.maximum(length, 0)
    # Late referred leads cannot convert before the last creation day (see
    # LATE_LEAD_ALLOWANCE); referrals are even denser late, hence the lower factor.
    n = round(n_target * planted.referred_account_share / planted.lead_conversion_referred / 0.80)
    if length.sum() == 0:
        n = 0
    pick = (
        rng.choice(len(length), size=n, p=length / length.sum())
        if n
        else np.zeros(0, dtype=np.int64)
    )
    day = span_start[pick] + np.floor(rng.random(n) * length[pick]).astype(np.int64)
    created_s = day * DAY + office_seconds(rng, n)
    order = np.argsort(created_s, kind="stable")
    created_s, referrer = created_s[order], owner[pick][order]
    # Half of the referred companies are in the referrer's industry.
    same = rng.random(n) < 0.5
    other = rng.choice(len(INDUSTRY_GROWTH), size=n, p=industry_weights())
    industry = np.where(same, base["industry"].to_numpy()[referrer], other)
    channel = np.full(n, REFERRAL)
    frame = _lead_frame(
        rng, created_s, channel, planted.lead_conversion_referred, industry, timeline
    )
    frame["referrer_uid"] = referrer  # base accounts' uids are their row numbers in `base`
    return frame


def _link(accounts: pd.DataFrame, leads: pd.DataFrame) -> None:
    """Replace internal uids with account and lead row numbers."""
    account_row_of_uid = np.empty(len(accounts), dtype=np.int64)
    account_row_of_uid[accounts["account_uid"].to_numpy()] = np.arange(len(accounts))
    referrer = leads["referrer_uid"].to_numpy()
    leads["referrer_row"] = np.where(
        referrer >= 0, account_row_of_uid[np.maximum(referrer, 0)], NONE
    )
    lead_row_of_uid = np.empty(len(leads), dtype=np.int64)
    lead_row_of_uid[leads["lead_uid"].to_numpy()] = np.arange(len(leads))
    lead_uid = accounts["lead_uid"].to_numpy()
    accounts["lead_row"] = np.where(lead_uid >= 0, lead_row_of_uid[np.maximum(lead_uid, 0)], NONE)
    converted_row = np.full(len(leads), NONE, dtype=np.int64)
    has_lead = accounts["lead_row"].to_numpy() >= 0
    converted_row[accounts["lead_row"].to_numpy()[has_lead]] = np.flatnonzero(has_lead)
    leads["account_row"] = converted_row
