"""Random streams, the time line and small vector helpers shared by the table modules.

Days are integers (days since 1970-01-01) and instants are integer seconds
since the epoch, UTC: plain int64 arithmetic keeps every module vectorised.
A missing day or instant is -1 (all real values are positive).
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass

import numpy as np

from b2b_ops.demo_data.config import HISTORY_DAYS, LAST_ACCOUNT_CREATION_DAYS

DAY = 86_400  # seconds
NONE = -1  # missing day or instant
# Relative weekday activity, Monday first: B2B usage drops at weekends.
WEEKDAY_ACTIVITY = np.array([1.0, 1.0, 1.0, 1.0, 0.95, 0.30, 0.20])


def child_rng(seed: int, *names: str | int) -> np.random.Generator:
    """A generator for one named purpose, independent of every other purpose.

    The stream depends only on the seed and the names, so adding or changing
    one table never shifts the random numbers of another. crc32 is stable
    across runs and platforms, unlike hash().
    """
    key = [seed] + [zlib.crc32(name.encode()) if isinstance(name, str) else name for name in names]
    return np.random.default_rng(key)


@dataclass(frozen=True)
class Timeline:
    as_of_day: int  # the as-of date; every clean value is strictly before it
    start_day: int  # first day of history
    last_create_day: int  # last day an account may be created

    @classmethod
    def ending(cls, as_of: dt.date) -> Timeline:
        as_of_day = (as_of - dt.date(1970, 1, 1)).days
        return cls(
            as_of_day=as_of_day,
            start_day=as_of_day - HISTORY_DAYS,
            last_create_day=as_of_day - LAST_ACCOUNT_CREATION_DAYS,
        )

    @property
    def as_of_second(self) -> int:
        return self.as_of_day * DAY


def growing_days(
    rng: np.random.Generator, n: int, first: int, last: int, annual_growth: float
) -> np.ndarray:
    """n days in [first, last], denser later: the business grows year on year."""
    days = np.arange(first, last + 1)
    weights = (1.0 + annual_growth) ** ((days - first) / 365.0)
    return rng.choice(days, size=n, p=weights / weights.sum())


def uniform_days(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """One day per row, uniform in [low, high] (inclusive); rows need low <= high."""
    return low + np.floor(rng.random(len(low)) * (high - low + 1)).astype(np.int64)


def office_seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    """Time of day in seconds, mostly office hours, always inside the day."""
    hours = np.clip(rng.normal(13.0, 3.0, n), 0.5, 22.5)
    return (hours * 3600).astype(np.int64)


def month_index(days: np.ndarray) -> np.ndarray:
    """Months since 1970-01 for each day."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def month_first_day(months: np.ndarray) -> np.ndarray:
    """First day (days since epoch) of each month index."""
    return months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For rows with counts c_i: the parent row of each child and its 0-based rank."""
    parent = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    rank = np.arange(len(parent)) - np.repeat(starts, counts)
    return parent, rank
