"""Product: trials and usage events.

Events are planned as sessions first (one login, then a few more events),
for all accounts at once in numpy; the plan is small (about a fifth of the
events). Sessions are then expanded into events chunk by chunk, so even 50
million events never sit in memory as text at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from b2b_ops.demo_data import fmt
from b2b_ops.demo_data.common import (
    DAY,
    WEEKDAY_ACTIVITY,
    Timeline,
    child_rng,
    expand,
    office_seconds,
)
from b2b_ops.demo_data.config import (
    CORE_FEATURES,
    EVENT_TYPES,
    ID_FORMAT,
    MODULES,
    TABLE_COLUMNS,
    Planted,
)
from b2b_ops.demo_data.lifecycle import NO_STREAK_MANY_CORE, SIGNAL, STREAK_FEW_CORE

LOGIN, FEATURE_USE, PAGE_VIEW, EXPORT = range(len(EVENT_TYPES))
# What an event after the login is: a core feature, a module feature, a page
# view, an export. Trial sessions never pick a core feature at random, so a
# trial's core-feature count is exactly what its pattern planned.
REGULAR_MIX = np.cumsum([0.45, 0.25, 0.22, 0.08])
TRIAL_MIX = np.cumsum([0.0, 0.50, 0.35, 0.15])
CORE, MODULE = 0, 1
REGULAR_EXTRA_EVENTS = 4.0  # mean events after the login in a normal session
TRIAL_EXTRA_EVENTS = 2.0
TRIAL_SECOND_SESSION = 0.25  # chance of a second session on a trial login day
TRIAL_STREAK_DAYS = (7, 12)
TRIAL_OTHER_LOGIN = 0.30  # streak trials also log in on other days
NO_STREAK_LOGIN = 0.55  # no-streak trials log in on these days, never on every 4th
SESSION_STEP_SECONDS = (20, 240)  # time between events in a session
USERS_PER_EMPLOYEES = 15  # one product user per this many employees


@dataclass
class SessionPlan:
    account_row: np.ndarray
    day: np.ndarray
    time_of_day: np.ndarray  # seconds after midnight of the session's login
    core_uses: np.ndarray  # planned core feature uses (trial sessions)
    other_events: np.ndarray  # further events after the login
    is_trial: np.ndarray
    user: np.ndarray
    step: np.ndarray

    def events_per_session(self) -> np.ndarray:
        return 1 + self.core_uses.astype(np.int64) + self.other_events

    def take(self, rows: np.ndarray | slice) -> SessionPlan:
        return SessionPlan(**{name: values[rows] for name, values in vars(self).items()})


def trials_table(accounts: pd.DataFrame) -> pa.Table:
    """One trial per account, numbered like the account."""
    n = len(accounts)
    number = np.arange(1, n + 1)
    start = accounts["trial_start_s"].to_numpy()
    columns = {
        "trial_id": fmt.key_ids("product/trials", number),
        "account_id": fmt.key_ids("crm/accounts", number),
        "product_module": fmt.labels(MODULES, accounts["trial_module"].to_numpy()),
        "started_at": fmt.timestamps(start),
        "ends_at": fmt.timestamps(start + accounts["trial_days"].to_numpy() * DAY),
    }
    return fmt.table(columns, TABLE_COLUMNS["product/trials"])


def _users(accounts: pd.DataFrame) -> np.ndarray:
    return np.clip(accounts["employees"].to_numpy() // USERS_PER_EMPLOYEES, 2, 300)


def _trial_sessions(rng: np.random.Generator, accounts: pd.DataFrame) -> SessionPlan:
    """Sessions inside each trial window, shaped by the trial's pattern."""
    n = len(accounts)
    days = accounts["trial_days"].to_numpy()
    pattern = accounts["trial_pattern"].to_numpy()
    trial, offset = expand(days)
    # Streak trials: one run of 7-12 consecutive login days somewhere in the
    # trial, plus logins on some other days (which can only lengthen it).
    streak = rng.integers(TRIAL_STREAK_DAYS[0], np.minimum(TRIAL_STREAK_DAYS[1], days) + 1)
    streak_start = np.floor(rng.random(n) * (days - streak + 1)).astype(np.int64)
    in_streak = (offset >= streak_start[trial]) & (offset < streak_start[trial] + streak[trial])
    streaky = np.isin(pattern, [SIGNAL, STREAK_FEW_CORE])[trial]
    # No-streak trials never log in on every fourth day: runs stay <= 3 days.
    draw = rng.random(len(trial))
    broken = (offset % 4 != 3) & (draw < NO_STREAK_LOGIN)
    login = np.where(streaky, in_streak | (draw < TRIAL_OTHER_LOGIN), broken)
    never = np.bincount(trial, weights=login.astype(float), minlength=n) == 0
    login |= (offset == 0) & never[trial]  # every trial logs in at least on its first day
    cell = np.flatnonzero(login)
    cell_sessions = 1 + (rng.random(len(cell)) < TRIAL_SECOND_SESSION)
    session_cell, _ = expand(cell_sessions)
    cell = cell[session_cell]
    account_row = trial[cell]
    start_s = accounts["trial_start_s"].to_numpy()[account_row]
    start_time = start_s % DAY
    # On the first day, sessions come after the trial started (same day).
    after_start = (
        start_time + 60 + np.floor(rng.random(len(cell)) * np.maximum(0, DAY - 1 - start_time - 60))
    )
    first_day = offset[cell] == 0
    time_of_day = np.where(
        first_day, np.minimum(after_start, DAY - 1), office_seconds(rng, len(cell))
    )
    # Core feature uses per trial by pattern, spread over its sessions.
    few = rng.integers(0, 5, n)
    many = [rng.integers(5, 16, n), rng.integers(5, 11, n)]
    core_total = np.select([pattern == SIGNAL, pattern == NO_STREAK_MANY_CORE], many, few)
    sessions_per_trial = np.bincount(account_row, minlength=n)
    first_session = np.cumsum(sessions_per_trial) - sessions_per_trial
    use_trial, _ = expand(core_total)
    pick = np.floor(rng.random(len(use_trial)) * sessions_per_trial[use_trial]).astype(np.int64)
    use_session = first_session[use_trial] + pick
    core_uses = np.bincount(use_session, minlength=len(cell))
    users = np.minimum(_users(accounts), 5)[account_row]
    return SessionPlan(
        account_row=account_row.astype(np.int32),
        day=(start_s // DAY + offset[cell]).astype(np.int32),
        time_of_day=time_of_day.astype(np.int32),
        core_uses=core_uses.astype(np.int16),
        other_events=rng.poisson(TRIAL_EXTRA_EVENTS, len(cell)).astype(np.int16),
        is_trial=np.ones(len(cell), dtype=bool),
        user=(1 + np.floor(rng.random(len(cell)) * users)).astype(np.int32),
        step=rng.integers(*SESSION_STEP_SECONDS, len(cell)).astype(np.int16),
    )


def _activity_days(
    timeline: Timeline, planted: Planted, accounts: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Paid account-days after the trial: account row, day, relative intensity."""
    trial_end_day = accounts["trial_start_s"].to_numpy() // DAY + accounts["trial_days"].to_numpy()
    first_paid = accounts["first_paid"].to_numpy()
    react = accounts["react_day"].to_numpy()
    # Normal usage starts the day after the trial window's last (partial) day,
    # so it never adds logins or core uses to the trial's own measure.
    lo = np.concatenate([np.maximum(first_paid, trial_end_day + 1), react])
    hi = np.concatenate([accounts["paid_end"].to_numpy(), np.full(len(react), timeline.as_of_day)])
    owner = np.concatenate([np.arange(len(accounts)), np.arange(len(accounts))])
    valid = np.concatenate([first_paid, react]) >= 0
    length = np.where(valid, np.maximum(hi - lo, 0), 0)
    span, rank = expand(length)
    account_row = owner[span]
    day = lo[span] + rank
    # Bigger accounts use the product more (sub-linearly in contract size).
    median = np.exp(planted.potential_arr_log_mean)
    size = np.clip(accounts["potential_usd"].to_numpy() / median, 0.3, 6.0) ** 0.6
    weekday = (day + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    intensity = size[account_row] * WEEKDAY_ACTIVITY[weekday]
    # Planted churners: activity falls to a fraction in the 8 weeks before
    # churn and stops entirely after the last login.
    churn = accounts["signal_day"].to_numpy()[account_row]
    gap = accounts["login_gap"].to_numpy()[account_row]
    planted_churner = accounts["shows_churn_signs"].to_numpy()[account_row]
    in_window = planted_churner & (day >= churn - planted.churn_window_days) & (day < churn)
    silent = in_window & (day >= churn - gap)
    reduced = np.where(in_window, intensity * planted.churn_activity_factor, intensity)
    intensity = np.where(silent, 0.0, reduced)
    return account_row, day, intensity


def plan_sessions(
    seed: int, timeline: Timeline, planted: Planted, accounts: pd.DataFrame, events_target: int
) -> SessionPlan:
    """All sessions, trial and paid, in time order."""
    trial = _trial_sessions(child_rng(seed, "product/events", "trials"), accounts)
    rng = child_rng(seed, "product/events", "paid")
    account_row, day, intensity = _activity_days(timeline, planted, accounts)
    # Scale the daily session rate so the expected event total is the target.
    remaining = max(0.0, events_target - float(trial.events_per_session().sum()))
    rate = remaining / (1.0 + REGULAR_EXTRA_EVENTS) / max(float(intensity.sum()), 1e-9)
    sessions = rng.poisson(rate * intensity)
    cell, _ = expand(sessions)
    account_row, day = account_row[cell], day[cell]
    n = len(cell)
    users = _users(accounts)[account_row]
    paid = SessionPlan(
        account_row=account_row.astype(np.int32),
        day=day.astype(np.int32),
        time_of_day=office_seconds(rng, n).astype(np.int32),
        core_uses=np.zeros(n, dtype=np.int16),
        other_events=rng.poisson(REGULAR_EXTRA_EVENTS, n).astype(np.int16),
        is_trial=np.zeros(n, dtype=bool),
        user=(1 + np.floor(rng.random(n) * users)).astype(np.int32),
        step=rng.integers(*SESSION_STEP_SECONDS, n).astype(np.int16),
    )
    joined = {
        name: np.concatenate([values, getattr(paid, name)]) for name, values in vars(trial).items()
    }
    both = SessionPlan(**joined)
    order = np.lexsort((both.account_row, both.time_of_day, both.day))
    return both.take(order)


@dataclass
class ModuleUse:
    """Which module an account can use: the one on trial, and those it pays for."""

    trial_module: np.ndarray  # per account
    start: np.ndarray  # per account x module: first paid day, -1 if never bought
    end: np.ndarray  # per account: end of the first paid span (add-ons stop there)

    @classmethod
    def of(cls, accounts: pd.DataFrame) -> ModuleUse:
        add_ons = [accounts[f"day_{module}"].to_numpy() for module in MODULES[1:]]
        start = np.column_stack([accounts["first_paid"].to_numpy()] + add_ons)
        return cls(accounts["trial_module"].to_numpy(), start, accounts["paid_end"].to_numpy())

    def feature_module(
        self, account_row: np.ndarray, day: np.ndarray, is_trial: np.ndarray, pick: np.ndarray
    ) -> np.ndarray:
        """Module used by each module-feature event: in a trial the module on
        trial; when paying the picked module if the account has it that day,
        else the core platform (which every paying account has)."""
        start = self.start[account_row, pick]
        owned = (start >= 0) & (day >= start) & (day < self.end[account_row])
        return np.where(is_trial, self.trial_module[account_row], np.where(owned, pick, 0))


def event_chunks(
    seed: int, plan: SessionPlan, modules: ModuleUse, sessions_per_chunk: int
) -> Iterator[pa.Table]:
    """The events table, chunk by chunk, numbered in file order."""
    first_event = 0
    for index, start in enumerate(range(0, len(plan.day), sessions_per_chunk)):
        chunk = plan.take(slice(start, start + sessions_per_chunk))
        table = _events(
            child_rng(seed, "product/events", "chunk", index), chunk, modules, first_event
        )
        first_event += table.num_rows
        yield table


def chunk_sizes(plan: SessionPlan, sessions_per_chunk: int) -> list[int]:
    """Events per chunk, known before any chunk is built (for dirty injection)."""
    counts = plan.events_per_session()
    starts = range(0, len(counts), sessions_per_chunk)
    return [int(counts[start : start + sessions_per_chunk].sum()) for start in starts]


def events_schema() -> pa.Schema:
    return pa.schema([pa.field(name, pa.string()) for name in TABLE_COLUMNS["product/events"]])


def _events(
    rng: np.random.Generator, plan: SessionPlan, modules: ModuleUse, first_event: int
) -> pa.Table:
    session, position = expand(plan.events_per_session())
    n = len(session)
    is_trial = plan.is_trial[session]
    draw = rng.random(n)
    trial_kind = np.searchsorted(TRIAL_MIX, draw, side="right")
    free_kind = np.where(is_trial, trial_kind, np.searchsorted(REGULAR_MIX, draw, side="right"))
    free_kind = np.minimum(
        free_kind, len(REGULAR_MIX) - 1
    )  # a cumulative sum may end a hair below 1
    planned_core = (position >= 1) & (position <= plan.core_uses[session])
    kind = np.where(planned_core, CORE, free_kind)  # ignored for logins
    after_login = np.select([kind <= MODULE, kind == 2], [FEATURE_USE, PAGE_VIEW], EXPORT)
    event_type = np.where(position == 0, LOGIN, after_login)
    day = plan.day[session].astype(np.int64)
    account_row = plan.account_row[session].astype(np.int64)
    # Feature names: core features first, then module names.
    features = CORE_FEATURES + MODULES
    module = modules.feature_module(account_row, day, is_trial, rng.integers(0, len(MODULES), n))
    feature = np.where(
        kind == CORE, rng.integers(0, len(CORE_FEATURES), n), len(CORE_FEATURES) + module
    )
    feature_seconds = np.clip(rng.lognormal(np.log(90.0), 0.8, n), 5, 3600).astype(np.int64)
    duration = np.select(
        [event_type == LOGIN, event_type == FEATURE_USE, event_type == PAGE_VIEW],
        [rng.integers(1, 21, n), feature_seconds, rng.integers(2, 121, n)],
        rng.integers(5, 91, n),
    )
    occurred = (
        day * DAY + plan.time_of_day[session] + position * plan.step[session].astype(np.int64)
    )
    occurred = np.minimum(occurred, day * DAY + DAY - 1)  # a session never spills into the next day
    account_number = account_row + 1
    _, acc_width = ID_FORMAT["crm/accounts"]
    user_number = fmt.integers(plan.user[session])
    user_id = pc.binary_join_element_wise(fmt.ids("u", account_number, acc_width), user_number, "_")
    columns = {
        "event_id": fmt.key_ids("product/events", np.arange(first_event + 1, first_event + n + 1)),
        "account_id": fmt.key_ids("crm/accounts", account_number),
        "user_id": user_id,
        "event_type": fmt.labels(EVENT_TYPES, event_type),
        "feature": fmt.labels(features, feature, event_type == FEATURE_USE),
        "occurred_at": fmt.timestamps(occurred),
        "duration_seconds": fmt.integers(duration),
    }
    return fmt.table(columns, TABLE_COLUMNS["product/events"])
