"""Dirty mode: append defective copies of clean rows, one defect per row.

Clean rows are never edited: each defective row is a copy of a random clean
row of the same table with exactly one thing broken, so the staging layer
quarantines it for exactly one reason and the planted truth is untouched.
Copies get a fresh key (`acc_dirty_000017`) unless the defect is about the
key itself, so they never collide with a clean key or with each other.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from b2b_ops.demo_data import fmt
from b2b_ops.demo_data.common import DAY
from b2b_ops.demo_data.config import ID_FORMAT

KINDS: tuple[str, ...] = (
    "missing_key",
    "duplicate_key",
    "unparseable_date",
    "unparseable_number",
    "out_of_range",
    "unknown_currency",
    "orphan_key",
    "future_timestamp",
)
JUNK_DATES: tuple[str, ...] = ("not-a-date", "2024-13-45", "31/02/2024")
JUNK_NUMBERS: tuple[str, ...] = ("abc", "12,5.3", "1.2.3")
JUNK_CURRENCIES: tuple[str, ...] = ("XYZ", "ABC", "QQQ")
FUTURE_DAY = (dt.date(2099, 1, 1) - dt.date(1970, 1, 1)).days
FRESH_WIDTH = 6


@dataclass(frozen=True)
class DirtySpec:
    key: str  # blanked for missing_key; for tables with an id, the id column
    recorded_at: str  # the column broken by unparseable_date / future_timestamp
    recorded_at_is_date: bool = False
    number: str | None = None
    out_of_range: str | None = None  # a value outside the number column's range
    currency: str | None = None
    orphan: tuple[str, str] | None = None  # first foreign key column, parent table
    future: bool = True  # whether future_timestamp applies
    has_id: bool = True  # False: the key is (spend_date, campaign_id, channel)

    def kinds(self) -> list[str]:
        applicable = {
            "missing_key": True,
            "duplicate_key": True,
            "unparseable_date": True,
            "unparseable_number": self.number is not None,
            "out_of_range": self.number is not None,
            "unknown_currency": self.currency is not None,
            "orphan_key": self.orphan is not None,
            "future_timestamp": self.future,
        }
        return [kind for kind in KINDS if applicable[kind]]


SPECS: dict[str, DirtySpec] = {
    "crm/accounts": DirtySpec(
        "account_id", "updated_at", number="employee_count", out_of_range="-5"
    ),
    "crm/contacts": DirtySpec("contact_id", "created_at", orphan=("account_id", "crm/accounts")),
    "crm/leads": DirtySpec("lead_id", "created_at", orphan=("campaign_id", "marketing/campaigns")),
    "crm/opportunities": DirtySpec(
        "opportunity_id",
        "created_at",
        number="amount",
        out_of_range="-100",
        currency="currency",
        orphan=("account_id", "crm/accounts"),
    ),
    "billing/subscriptions": DirtySpec(
        "subscription_id",
        "started_on",
        recorded_at_is_date=True,
        number="mrr_amount",
        out_of_range="-50",
        currency="currency",
        orphan=("account_id", "crm/accounts"),
        future=False,
    ),
    "billing/invoices": DirtySpec(
        "invoice_id",
        "issued_at",
        number="amount",
        out_of_range="-10",
        currency="currency",
        orphan=("account_id", "crm/accounts"),
    ),
    "product/trials": DirtySpec("trial_id", "started_at", orphan=("account_id", "crm/accounts")),
    "product/events": DirtySpec(
        "event_id",
        "occurred_at",
        number="duration_seconds",
        out_of_range="-1",
        orphan=("account_id", "crm/accounts"),
    ),
    "support/tickets": DirtySpec(
        "ticket_id",
        "created_at",
        number="csat_score",
        out_of_range="9",
        orphan=("account_id", "crm/accounts"),
    ),
    "survey/nps_responses": DirtySpec(
        "response_id",
        "responded_at",
        number="score",
        out_of_range="11",
        orphan=("account_id", "crm/accounts"),
    ),
    "marketing/campaigns": DirtySpec(
        "campaign_id", "started_on", recorded_at_is_date=True, future=False
    ),
    "marketing/spend": DirtySpec(
        "channel",
        "spend_date",
        recorded_at_is_date=True,
        number="amount",
        out_of_range="-20",
        currency="currency",
        orphan=("campaign_id", "marketing/campaigns"),
        has_id=False,
    ),
    "marketing/email_sends": DirtySpec(
        "send_id", "sent_at", orphan=("campaign_id", "marketing/campaigns")
    ),
    "cs/activities": DirtySpec(
        "activity_id", "performed_at", orphan=("account_id", "crm/accounts")
    ),
}


def planned_counts(table: str, clean_rows: int, rate: float) -> dict[str, int]:
    """Rows to inject per applicable kind: max(1, round(rate * rows / kinds)); none at rate 0."""
    kinds = SPECS[table].kinds()
    if rate <= 0 or clean_rows == 0:
        return {kind: 0 for kind in kinds}
    # floor(x + 0.5): round half up, not Python's round-half-to-even.
    per_kind = max(1, int(np.floor(rate * clean_rows / len(kinds) + 0.5)))
    return {kind: per_kind for kind in kinds}


def split_counts(
    rng: np.random.Generator, counts: dict[str, int], chunk_rows: list[int]
) -> list[dict[str, int]]:
    """Share each kind's rows among chunks in proportion to their clean rows."""
    weights = np.array(chunk_rows, dtype=float) / max(sum(chunk_rows), 1)
    per_kind = {kind: rng.multinomial(count, weights) for kind, count in counts.items()}
    return [
        {kind: int(split[index]) for kind, split in per_kind.items()}
        for index in range(len(chunk_rows))
    ]


class Injector:
    """Appends defective rows to one table (possibly chunk by chunk) and counts them."""

    def __init__(self, table: str, history_start_day: int) -> None:
        self.table = table
        self.spec = SPECS[table]
        self.history_start_day = history_start_day
        self.injected: Counter[str] = Counter()
        self._fresh = 0  # fresh keys issued so far in this table

    def inject(
        self, rng: np.random.Generator, clean: pa.Table, counts: dict[str, int]
    ) -> tuple[pa.Table, np.ndarray]:
        """The clean rows with the defective rows shuffled in (a copy after
        its original), and which rows of the result are injected."""
        if clean.num_rows == 0 or sum(counts.values()) == 0:
            return clean, np.zeros(clean.num_rows, dtype=bool)
        parts: list[pa.Table] = []
        sources: list[np.ndarray] = []
        duplicate: list[np.ndarray] = []
        for kind in self.spec.kinds():
            n = counts.get(kind, 0)
            if n == 0:
                continue
            source = rng.integers(0, clean.num_rows, n)
            parts.append(self._break(kind, clean.take(pa.array(source))))
            sources.append(source)
            duplicate.append(np.full(n, kind == "duplicate_key"))
            self.injected[kind] += n
        source = np.concatenate(sources)
        is_duplicate = np.concatenate(duplicate)
        # Slot s means "just before clean row s" (s = n: at the end). A
        # duplicate goes somewhere after the row it copies, so the first
        # occurrence in the file is always the clean one.
        n_clean = clean.num_rows
        low = np.where(is_duplicate, source + 1, 0)
        slot = low + np.floor(rng.random(len(source)) * (n_clean + 1 - low)).astype(np.int64)
        position = np.concatenate([2 * np.arange(n_clean) + 1, 2 * slot])
        tiebreak = np.concatenate([np.zeros(n_clean), rng.random(len(slot))])
        order = np.lexsort((tiebreak, position))
        combined = pa.concat_tables([clean] + parts)
        return combined.take(pa.array(order)), order >= n_clean

    def _fresh_numbers(self, n: int) -> np.ndarray:
        numbers = np.arange(self._fresh + 1, self._fresh + n + 1)
        self._fresh += n
        return numbers

    def _set(self, rows: pa.Table, column: str, values: pa.Array) -> pa.Table:
        return rows.set_column(rows.schema.get_field_index(column), column, values)

    def _break(self, kind: str, rows: pa.Table) -> pa.Table:
        spec = self.spec
        n = rows.num_rows
        if kind == "missing_key":
            return self._set(rows, spec.key, fmt.blank(n))
        if kind == "duplicate_key":
            return rows
        numbers = self._fresh_numbers(n)
        cycle = numbers % 3
        if spec.has_id:
            prefix, _ = ID_FORMAT[self.table]
            rows = self._set(rows, spec.key, fmt.ids(f"{prefix}_dirty", numbers, FRESH_WIDTH))
        else:
            # No id column: a spend date before the history starts is a key
            # that no clean row (and no other copy) has.
            rows = self._set(rows, "spend_date", fmt.dates(self.history_start_day - numbers))
        if kind == "unparseable_date":
            junk = np.array(JUNK_DATES, dtype=object)[cycle]
            if not spec.has_id:
                junk = (
                    junk + "-" + numbers.astype(str).astype(object)
                )  # the junk date is part of the key
            return self._set(rows, spec.recorded_at, fmt.text(junk))
        if kind == "unparseable_number":
            return self._set(
                rows, spec.number, fmt.text(np.array(JUNK_NUMBERS, dtype=object)[cycle])
            )
        if kind == "out_of_range":
            return self._set(
                rows, spec.number, fmt.text(np.full(n, spec.out_of_range, dtype=object))
            )
        if kind == "unknown_currency":
            return self._set(
                rows, spec.currency, fmt.text(np.array(JUNK_CURRENCIES, dtype=object)[cycle])
            )
        if kind == "orphan_key":
            column, parent = spec.orphan
            prefix, _ = ID_FORMAT[parent]
            return self._set(rows, column, fmt.ids(f"{prefix}_orphan", numbers, FRESH_WIDTH))
        if kind == "future_timestamp":
            # 2099-01-01; without an id the date is part of the key, so each
            # spend copy gets its own day from 2099-01-01 on.
            day = np.full(n, FUTURE_DAY) if spec.has_id else FUTURE_DAY + numbers - numbers.min()
            values = fmt.dates(day) if spec.recorded_at_is_date else fmt.timestamps(day * DAY)
            return self._set(rows, spec.recorded_at, values)
        raise ValueError(f"unknown defect kind {kind}")
