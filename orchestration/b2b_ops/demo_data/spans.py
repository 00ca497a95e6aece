"""Paid spans of accounts: [first paid day, churn or as-of) and [reactivation, as-of)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from b2b_ops.demo_data.common import Timeline


def paid_spans(
    timeline: Timeline, accounts: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Account row, first day and end day (exclusive) of every paid span."""
    first_paid = accounts["first_paid"].to_numpy()
    react = accounts["react_day"].to_numpy()
    owner = np.concatenate([np.arange(len(accounts)), np.arange(len(accounts))])
    start = np.concatenate([first_paid, react])
    end = np.concatenate([accounts["paid_end"].to_numpy(), np.full(len(react), timeline.as_of_day)])
    keep = start >= 0
    return owner[keep], start[keep], end[keep]


def size_factor(accounts: pd.DataFrame, log_mean: float, power: float) -> np.ndarray:
    """Relative account size from potential ARR, clipped so no account is silent or huge."""
    return np.clip(accounts["potential_usd"].to_numpy() / np.exp(log_mean), 0.3, 6.0) ** power
