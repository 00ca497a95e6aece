"""Ground truth: what was planted, for tests that check the models recover it.

The models never read these files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from b2b_ops.demo_data.common import Timeline
from b2b_ops.demo_data.config import (
    CHANNELS,
    CORE_FEATURES,
    EXPERIMENT_ID,
    INDUSTRIES,
    INDUSTRY_GROWTH,
    UNITS_PER_USD,
    Planted,
)
from b2b_ops.demo_data.writer import bool_text, day_text, write_csv_rows, write_json

ACCOUNT_COLUMNS = (
    "account_id",
    "industry",
    "acquisition_channel",
    "is_referred",
    "first_paid_on",
    "churned_on",
    "is_planted_churner",
    "reactivated_on",
    # Churn scheduled in the 8 weeks after as-of (not in the landing data),
    # and whether the warning signs show before as-of.
    "upcoming_churn_on",
    "shows_churn_signs_before_as_of",
)
TRIAL_COLUMNS = ("trial_id", "account_id", "has_planted_signal", "converted", "converted_on")
DEFECT_COLUMNS = ("table", "defect_kind", "rows_injected")
# The planted effect of each activity kind on churn (b2b_ops.demo_data.activities).
ACTIVITY_EFFECT_COLUMNS = (
    "activity_kind",
    "answers_work_item",
    "planted_odds_ratio",
    "horizon_days",
    "share_without_churn",
    "planted_effect",
)
TRUTH_FILES = (
    "accounts.csv",
    "trials.csv",
    "injected_defects.csv",
    "activity_effects.csv",
    "planted_parameters.json",
    "manifest.json",
)


def write_truth(
    truth_dir: Path,
    accounts: pd.DataFrame,
    defects: list[tuple[str, str, int]],
    parameters: dict[str, object],
    manifest: dict[str, object],
    activity_effects: list[tuple[object, ...]],
) -> None:
    """Write every ground-truth file (TRUTH_FILES)."""
    n = len(accounts)
    account_id = [f"acc_{k:06d}" for k in range(1, n + 1)]
    write_csv_rows(
        truth_dir / "accounts.csv",
        ACCOUNT_COLUMNS,
        zip(
            account_id,
            np.array(INDUSTRIES)[accounts["industry"].to_numpy()].tolist(),
            np.array(CHANNELS)[accounts["channel"].to_numpy()].tolist(),
            bool_text(accounts["is_referred"].to_numpy()),
            day_text(accounts["first_paid"].to_numpy()),
            day_text(accounts["churn_day"].to_numpy()),
            bool_text(accounts["planted_churner"].to_numpy()),
            day_text(accounts["react_day"].to_numpy()),
            day_text(accounts["upcoming_churn_day"].to_numpy()),
            bool_text(
                accounts["shows_churn_signs"].to_numpy()
                & (accounts["upcoming_churn_day"].to_numpy() >= 0)
            ),
            strict=True,
        ),
    )
    write_csv_rows(
        truth_dir / "trials.csv",
        TRIAL_COLUMNS,
        zip(
            [f"trial_{k:06d}" for k in range(1, n + 1)],
            account_id,
            bool_text(accounts["has_signal"].to_numpy()),
            bool_text(accounts["first_paid"].to_numpy() >= 0),
            day_text(accounts["first_paid"].to_numpy()),
            strict=True,
        ),
    )
    write_csv_rows(truth_dir / "injected_defects.csv", DEFECT_COLUMNS, defects)
    write_csv_rows(truth_dir / "activity_effects.csv", ACTIVITY_EFFECT_COLUMNS, activity_effects)
    write_json(truth_dir / "planted_parameters.json", parameters)
    write_json(truth_dir / "manifest.json", manifest)


def planted_parameters(
    planted: Planted,
    size: str,
    seed: int,
    as_of: dt.date,
    dirty_rate: float,
    timeline: Timeline,
    events_per_account: int,
) -> dict[str, object]:
    history_start = dt.date(1970, 1, 1) + dt.timedelta(days=timeline.start_day)
    return {
        "size": size,
        "seed": seed,
        "as_of": as_of.isoformat(),
        "dirty_rate": dirty_rate,
        "history_start": history_start.isoformat(),
        "events_per_account": events_per_account,
        "experiment_id": EXPERIMENT_ID,
        "core_features": list(CORE_FEATURES),
        "industry_growth": dict(INDUSTRY_GROWTH),
        "units_per_usd": dict(UNITS_PER_USD),
        **planted.as_dict(),
    }
