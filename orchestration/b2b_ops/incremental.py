"""Which event days a refresh must recompute, and how far it got.

The account-day model (int_account_daily_activity) is incremental by day: a
run deletes the days it is given and inserts them again from the staged
events. The base model of product/events is rebuilt whole every run (a
table), so what changed since the account-day model last ran is read from
the ledger of landed files (raw._landing_files) and from the staged events
themselves:

- new deliveries of product/events: the days of their rows. A new
  file never changes an older row's fate: first wins, and a new file comes
  after every file landed before it, so its duplicates are its own rows.
- a removed or replaced delivery of product/events: the account-day model is
  rebuilt whole. Its rows leave, so a duplicate they hid elsewhere (in any
  day) may be staged now; this is rare (a redelivered file).
- an account staged or orphaned anew (its CRM row arrived or left: orphan_key
  is decided per account): the days of its staged events, or of its rows in
  the account-day model.

How far the account-day model got is a landing sequence number (the ledger's
delivery ids and removal numbers share one sequence), kept in
raw._refresh_state once the model has run.

The trial-day model (int_trial_daily_activity) recomputes the same days, and
also every row of a trial whose window changed: trials come from a full
export, so the trials a run changes are the difference between the staged
trials and the copy of them the model was last built from
(raw._trial_windows, written once the model has run).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from b2b_ops.landing import LEDGER, RAW_SCHEMA, REFRESH_STATE

EVENTS_TABLE = "product/events"
RAW_EVENTS = f"{RAW_SCHEMA}.product__events"
STAGED_EVENTS = "stg_product__events"
EVENT_DAYS = "int_account_daily_activity"
TRIAL_DAYS = "int_trial_daily_activity"
STAGED_TRIALS = "stg_product__trials"
# The trials a run of the trial-day model recomputes whole, read by the
# macro is_in_changed_trials() (macros/utils/event_days.sql) at run time.
CHANGED_TRIALS = f"{RAW_SCHEMA}._changed_trials"
# The trial windows the trial-day model was last built from.
TRIAL_WINDOWS = f"{RAW_SCHEMA}._trial_windows"
TRIAL_WINDOW_COLUMNS = "trial_id, account_id, started_at, ends_at"
# The days a run of the account-day model recomputes, read by the macro
# event_day_ranges() (macros/utils/event_days.sql) at run time.
DAY_RANGES = f"{RAW_SCHEMA}._event_day_ranges"
# Beyond this many days to recompute, the account-day model is rebuilt
# whole: one scan of the events instead of a long list of days.
MOST_PENDING_DAYS = 62


@dataclass(frozen=True)
class PendingDays:
    days: frozenset[dt.date]
    # The landing sequence number the account-day model will have processed
    # up to once this run succeeds.
    landing_seq: int
    # Why the model is rebuilt whole instead, or "" when it is not.
    rebuild_reason: str = ""

    @property
    def why_rebuild(self) -> str:
        """Why the model is rebuilt whole, or "" when only the days are recomputed."""
        if self.rebuild_reason:
            return self.rebuild_reason
        if len(self.days) > MOST_PENDING_DAYS:
            return f"{len(self.days)} days changed, more than {MOST_PENDING_DAYS}"
        return ""


def processed_seq(connection: duckdb.DuckDBPyConnection, consumer: str) -> int | None:
    rows = connection.execute(
        f"select landing_seq from {REFRESH_STATE} where consumer = ?", [consumer]
    ).fetchall()
    return rows[0][0] if rows else None


def current_seq(connection: duckdb.DuckDBPyConnection) -> int:
    """The landing sequence number of the last delivery landed or removed."""
    [(seq,)] = connection.execute(
        f"select coalesce(greatest(max(delivery_id), max(removed_seq)), 0) from {LEDGER}"
    ).fetchall()
    return seq


def relation_exists(connection: duckdb.DuckDBPyConnection, relation: str) -> bool:
    schema, name = relation.split(".")
    return bool(
        connection.execute(
            "select 1 from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, name],
        ).fetchall()
    )


def pending_event_days(
    connection: duckdb.DuckDBPyConnection, staged_relation: str, days_relation: str
) -> PendingDays:
    """The days whose account-day rows are stale (see the module's text)."""
    seq = current_seq(connection)
    done = processed_seq(connection, EVENT_DAYS)
    if done is None or not relation_exists(connection, days_relation):
        return PendingDays(frozenset(), seq, "first run")
    [(removed,)] = connection.execute(
        f"select count(*) from {LEDGER} where source_table = ? and removed_seq > ?",
        [EVENTS_TABLE, done],
    ).fetchall()
    if removed:
        return PendingDays(frozenset(), seq, f"{removed} delivery file(s) of events replaced")
    # Days as staging reads them (timestamps in UTC: connect() sets the
    # session's zone); a row whose time does not parse has no day.
    rows = connection.execute(
        f"""
        with staged_accounts as (
            select distinct account_id from {staged_relation} where account_id is not null
        ),
        counted_accounts as (
            select distinct account_id from {days_relation}
        )
        select cast(try_cast(nullif(trim(occurred_at), '') as timestamptz) as date)
        from {RAW_EVENTS}
        where _delivery_id > $done
        union
        select cast(occurred_at as date) from {staged_relation}
        where account_id not in (select account_id from counted_accounts)
        union
        select activity_on from {days_relation}
        where account_id not in (select account_id from staged_accounts)
        """,
        {"done": done},
    ).fetchall()
    return PendingDays(frozenset(row[0] for row in rows if row[0] is not None), seq)


def record_processed(connection: duckdb.DuckDBPyConnection, consumer: str, seq: int) -> None:
    connection.execute(
        f"insert or replace into {REFRESH_STATE} values (?, ?, ?)",
        [consumer, seq, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
    )


def write_day_ranges(
    connection: duckdb.DuckDBPyConnection, ranges: list[tuple[dt.date, dt.date]]
) -> None:
    """The [first, last] day ranges the next run of the account-day model recomputes."""
    connection.execute(f"create or replace table {DAY_RANGES} (first_day date, last_day date)")
    if ranges:
        connection.executemany(f"insert into {DAY_RANGES} values (?, ?)", ranges)


def day_ranges(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive days as [first, last] ranges, in order."""
    ranges: list[tuple[dt.date, dt.date]] = []
    for day in sorted(set(days)):
        if ranges and day == ranges[-1][1] + dt.timedelta(days=1):
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def write_changed_trials(
    connection: duckdb.DuckDBPyConnection, staged_trials: str, trial_days: str
) -> str:
    """Write the trials whose window changed since the trial-day model last
    ran (raw._changed_trials); return why the model must be rebuilt whole
    instead, or "" when it need not be."""
    connection.execute(f"create or replace table {CHANGED_TRIALS} (trial_id varchar)")
    if not relation_exists(connection, TRIAL_WINDOWS):
        return "trial windows not recorded yet"
    if not relation_exists(connection, trial_days):
        return "first run"
    # A trial is changed when its row is in one copy and not the other: a
    # new or changed window is in the staged trials only, a gone or changed
    # one in the recorded copy only.
    connection.execute(
        f"""
        insert into {CHANGED_TRIALS}
        select distinct trial_id from (
            (select {TRIAL_WINDOW_COLUMNS} from {staged_trials}
             except select {TRIAL_WINDOW_COLUMNS} from {TRIAL_WINDOWS})
            union all
            (select {TRIAL_WINDOW_COLUMNS} from {TRIAL_WINDOWS}
             except select {TRIAL_WINDOW_COLUMNS} from {staged_trials})
        )
        """
    )
    return ""


def record_trial_windows(connection: duckdb.DuckDBPyConnection, staged_trials: str) -> None:
    """The trial windows the trial-day model has now been built from."""
    connection.execute(
        f"create or replace table {TRIAL_WINDOWS} as "
        f"select {TRIAL_WINDOW_COLUMNS} from {staged_trials}"
    )
