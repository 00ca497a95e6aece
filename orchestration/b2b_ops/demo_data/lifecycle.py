"""The life of each account: attributes, trial, first payment, churn, reactivation, expansion.

One row per account in a DataFrame of plain numbers (days since the epoch,
-1 when something did not happen). Every table module reads this plan, so
the tables agree with each other and with the ground truth by construction.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from b2b_ops.demo_data.common import DAY, NONE, Timeline, month_first_day, month_index, uniform_days
from b2b_ops.demo_data.config import (
    ADD_ON_MODULES,
    COUNTRY_WEIGHTS,
    CSM_OWNERS,
    INDUSTRY_GROWTH,
    MODULE_ARR_WEIGHT,
    MODULES,
    PLAN_MRR_BOUNDS_USD,
    Planted,
)

# Trial behaviour patterns. Only SIGNAL has both a 7-day login streak and
# 5+ core feature uses; each other pattern misses at least one of the two.
SIGNAL, NO_STREAK_MANY_CORE, NO_STREAK_FEW_CORE, STREAK_FEW_CORE = 0, 1, 2, 3
NON_SIGNAL_PATTERN_WEIGHTS = (0.35, 0.35, 0.30)


def draw_accounts(
    rng: np.random.Generator,
    timeline: Timeline,
    planted: Planted,
    created_s: np.ndarray,
    industry: np.ndarray,
    channel: np.ndarray,
    is_referred: np.ndarray,
) -> pd.DataFrame:
    """The full plan for accounts created at `created_s` (seconds)."""
    frame = pd.DataFrame(
        {
            "created_s": created_s.astype(np.int64),
            "industry": industry.astype(np.int64),
            "channel": channel.astype(np.int64),
            "is_referred": is_referred.astype(bool),
        }
    )
    _attributes(rng, planted, frame)
    _trial(rng, planted, frame)
    _retention(rng, timeline, planted, frame)
    _expansion(rng, planted, frame)
    return frame


def _attributes(rng: np.random.Generator, planted: Planted, frame: pd.DataFrame) -> None:
    n = len(frame)
    weights = np.array(list(COUNTRY_WEIGHTS.values()))
    frame["country"] = rng.choice(len(weights), size=n, p=weights / weights.sum())
    growth = np.array(list(INDUSTRY_GROWTH.values()))[frame["industry"].to_numpy()]
    # Faster-growing industries buy a little bigger: the log-mean shifts with growth.
    log_mean = planted.potential_arr_log_mean + planted.industry_arr_growth_weight * (
        growth - growth.mean()
    )
    potential = np.exp(rng.normal(log_mean, planted.potential_arr_log_sd))
    frame["potential_usd"] = potential
    # Bigger contracts come from bigger companies: about 600 USD ARR per employee.
    employees = np.round(potential / (600.0 * rng.lognormal(0.0, 0.35, n)))
    frame["employees"] = np.maximum(5, employees).astype(np.int64)
    # A dedicated CSM for high-value accounts, some mid, few low.
    csm_probability = np.where(potential >= 100_000, 1.0, np.where(potential >= 50_000, 0.6, 0.1))
    has_csm = rng.random(n) < csm_probability
    frame["csm"] = np.where(has_csm, rng.integers(1, CSM_OWNERS + 1, n), 0)
    core_mrr = potential * MODULE_ARR_WEIGHT["core_platform"] / 12.0
    frame["core_plan"] = np.searchsorted(np.array(PLAN_MRR_BOUNDS_USD), core_mrr, side="right")


def _trial(rng: np.random.Generator, planted: Planted, frame: pd.DataFrame) -> None:
    n = len(frame)
    created = frame["created_s"].to_numpy()
    # The trial starts within two days of the account's creation.
    frame["trial_start_s"] = created + rng.integers(0, 2 * DAY, n)
    short, long = planted.trial_length_days
    frame["trial_days"] = np.where(rng.random(n) < planted.trial_long_share, long, short)
    # Most trials are of the core platform; the rest try one add-on module.
    frame["trial_module"] = np.where(rng.random(n) < 0.65, 0, rng.integers(1, len(MODULES), n))
    has_signal = rng.random(n) < planted.trial_signal_share
    other = 1 + rng.choice(3, size=n, p=np.array(NON_SIGNAL_PATTERN_WEIGHTS))
    frame["trial_pattern"] = np.where(has_signal, SIGNAL, other)
    frame["has_signal"] = has_signal
    rate = np.where(
        has_signal, planted.trial_conversion_with_signal, planted.trial_conversion_without_signal
    )
    converts = rng.random(n) < rate
    low, high = planted.conversion_lag_days
    start_day = frame["trial_start_s"].to_numpy() // DAY
    lag = rng.integers(low, high + 1, n)
    # Accounts are created early enough that start + 42 days is before as-of.
    frame["first_paid"] = np.where(converts, start_day + lag, NONE)


def _retention(
    rng: np.random.Generator, timeline: Timeline, planted: Planted, frame: pd.DataFrame
) -> None:
    n = len(frame)
    first_paid = frame["first_paid"].to_numpy()
    paying = first_paid >= 0
    # Constant hazard after a minimum tenure: exponential lifetime.
    mean_days = -365.0 / np.log(1.0 - planted.annual_churn_probability)
    lifetime = planted.min_paid_days_before_churn + np.ceil(rng.exponential(mean_days, n)).astype(
        np.int64
    )
    churn_day = first_paid + lifetime
    churned = paying & (churn_day < timeline.as_of_day)
    frame["churn_day"] = np.where(churned, churn_day, NONE)
    frame["paid_end"] = np.where(churned, churn_day, np.where(paying, timeline.as_of_day, NONE))
    frame["planted_churner"] = churned & (rng.random(n) < planted.planted_churner_share)
    low, high = planted.churn_last_login_gap_days
    frame["login_gap"] = np.where(frame["planted_churner"], rng.integers(low, high + 1, n), 0)
    # Reactivation leaves at least one full calendar month without a subscription:
    # the earliest restart is the first day of the second month after churn.
    earliest = month_first_day(month_index(np.where(churned, churn_day, timeline.start_day)) + 2)
    react = earliest + rng.integers(0, 91, n)
    reactivates = (
        churned & (rng.random(n) < planted.reactivation_share) & (react < timeline.as_of_day)
    )
    frame["react_day"] = np.where(reactivates, react, NONE)
    # Accounts that will churn in the 8 weeks after the as-of date already
    # show the warning signs before it while their subscriptions still run,
    # so the demo's Monday worklist has accounts to save. Drawn last, so
    # every earlier draw (and the data it makes) stays as it was.
    upcoming = paying & ~churned & (churn_day < timeline.as_of_day + planted.churn_window_days)
    shows_signs = upcoming & (rng.random(n) < planted.planted_churner_share)
    frame["upcoming_churn_day"] = np.where(upcoming, churn_day, NONE)
    frame["shows_churn_signs"] = frame["planted_churner"].to_numpy() | shows_signs
    frame["signal_day"] = np.where(churned | upcoming, churn_day, NONE)
    frame["login_gap"] = np.where(
        shows_signs, rng.integers(low, high + 1, n), frame["login_gap"].to_numpy()
    )


def _expansion(rng: np.random.Generator, planted: Planted, frame: pd.DataFrame) -> None:
    """Add-on purchases and the core plan change, all inside the first paid span."""
    n = len(frame)
    start = frame["first_paid"].to_numpy()
    end = frame["paid_end"].to_numpy()  # first day without subscription (or as-of)
    span = np.where(start >= 0, end - start, 0)
    days = {module: np.full(n, NONE, dtype=np.int64) for module in ADD_ON_MODULES}

    # Inventory needs room for the planted follow-up: bought no later than
    # 150 days before the span ends, so a later forecasting purchase (at most
    # 140 days after) is always seen before churn or as-of.
    can_inventory = span >= 30 + 150 + 1
    buys_inventory = can_inventory & (rng.random(n) < planted.inventory_buy_rate)
    inventory_day = uniform_days(rng, start + 30, np.maximum(start + 30, end - 150))
    days["inventory"] = np.where(buys_inventory, inventory_day, NONE)
    lag_low, lag_high = planted.scf_lag_days
    after_inventory = inventory_day + rng.integers(lag_low, lag_high + 1, n)
    follows = buys_inventory & (rng.random(n) < planted.inventory_to_scf_rate)
    base_day = uniform_days(rng, start + 30, np.maximum(start + 30, end - 1))
    base = ~buys_inventory & (span >= 31) & (rng.random(n) < planted.scf_base_rate)
    days["supply_chain_forecasting"] = np.where(
        follows, after_inventory, np.where(base, base_day, NONE)
    )

    for module, rate in (
        ("analytics", planted.analytics_buy_rate),
        ("billing_automation", planted.billing_automation_buy_rate),
        ("crm_integration", planted.crm_integration_buy_rate),
    ):
        day = uniform_days(rng, start + 15, np.maximum(start + 15, end - 1))
        buys = (span >= 16) & (rng.random(n) < rate)
        days[module] = np.where(buys, day, NONE)
    for module in ADD_ON_MODULES:
        frame[f"day_{module}"] = days[module]

    # The core subscription changes plan at most once: upgrade or downgrade.
    change_day = uniform_days(rng, start + 60, np.maximum(start + 60, end - 1))
    draw = rng.random(n)
    upgrade = (span >= 61) & (draw < planted.core_upgrade_rate)
    downgrade = (
        (span >= 61) & ~upgrade & (draw < planted.core_upgrade_rate + planted.core_downgrade_rate)
    )
    frame["core_change_day"] = np.where(upgrade | downgrade, change_day, NONE)
    frame["core_change"] = np.where(upgrade, 1, np.where(downgrade, -1, 0))
    factor = np.where(
        upgrade, rng.uniform(1.3, 1.7, n), np.where(downgrade, rng.uniform(0.6, 0.8, n), 1.0)
    )
    frame["core_change_factor"] = factor
