"""cs/activities: what the CS team did about the worklist, with a planted effect per kind.

Churn is decided by the plan before any activity exists, and every other
table is drawn from it. Activities are drawn last, from their own random
stream, and depend on the plan only through each item's outcome Y (the
account churns within activity_effect_horizon_days after the item's
landmark) and the account's CSM owner on the day the item appears, which
picks the menu (config.ACTIVITY_MENUS). Within a menu, P(kind | Y = 0) is
the kind's share and P(kind | Y = 1) is proportional to share x planted odds
ratio, so the odds of churn of items that got kind k over untouched items
are the planted odds ratio: the same data a policy would make in which
action k multiplies the odds of churn by it. The kinds are dealt like cards
rather than drawn one by one: among the items of a menu that churn (and
among those that do not), each kind goes to exactly its share of them
(rounded), to items chosen at random. Across the items the ratio is then
exact instead of off by the luck of the draw, and within any group of items
the warehouse can form from the other tables (risk level, tier, signal,
owner...) it holds on average. No churn day moves, so the other tables stay
byte-identical with or without activities.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from b2b_ops.demo_data import fmt
from b2b_ops.demo_data.common import DAY, NONE, Timeline, child_rng, expand, office_seconds
from b2b_ops.demo_data.config import (
    ACTIVITY_BY_CSM,
    ACTIVITY_CHANNELS,
    ACTIVITY_MENUS,
    CSM_OWNERS,
    TABLE_COLUMNS,
    Planted,
)

NOTES = (
    "Walked through the monthly numbers",
    "Agreed next steps with the team",
    "Sent the usage summary",
    "Customer asked about the roadmap",
    "Reviewed open tickets together",
    "Scheduled a follow-up",
)
# Offsets from the due day, weighted towards before it: most items are done
# on time, some late, so follow-through shows both.
DAY_OFFSETS = np.arange(-6, 7)
DAY_OFFSET_WEIGHTS = np.where(DAY_OFFSETS <= 0, 1.5, 1.0)


def cycle_items(timeline: Timeline, planted: Planted, accounts: pd.DataFrame) -> pd.DataFrame:
    """Every monthly cycle item the worklist can score: due day d on a paying
    day, listed from d - (window - 1), its landmark (listing day + action
    window) strictly before the as-of date; `churned` is its outcome Y."""
    interval = planted.activity_cycle_interval_days
    first_paid = accounts["first_paid"].to_numpy()
    paying = np.flatnonzero(first_paid >= 0)
    cycles = (timeline.as_of_day - first_paid[paying]) // interval + 1
    parent, rank = expand(cycles)
    row = paying[parent]
    due = first_paid[row] + interval * rank
    appeared = due - (planted.activity_worklist_window_days - 1)
    landmark = appeared + planted.activity_action_window_days
    paid_end = accounts["paid_end"].to_numpy()[row]
    react = accounts["react_day"].to_numpy()[row]
    in_first_span = due < paid_end
    pays = in_first_span | ((react >= 0) & (due >= react))
    # Only the first span ends in churn: no reactivated account leaves again.
    churn_day = np.where(
        accounts["churn_day"].to_numpy()[row] >= 0,
        accounts["churn_day"].to_numpy()[row],
        accounts["upcoming_churn_day"].to_numpy()[row],
    )
    churn_day = np.where(in_first_span, churn_day, NONE)
    still_paying_at_landmark = (churn_day < 0) | (churn_day > landmark)
    keep = (
        pays
        & still_paying_at_landmark
        & (appeared >= timeline.start_day)
        & (landmark < timeline.as_of_day)
    )
    horizon_end = landmark + planted.activity_effect_horizon_days
    return pd.DataFrame(
        {
            "row": row[keep],
            "due": due[keep],
            "span_start": np.where(in_first_span, first_paid[row], react)[keep],
            "churned": ((churn_day > landmark) & (churn_day <= horizon_end))[keep],
        }
    )


def deal_kinds(
    rng: np.random.Generator, churned: np.ndarray, menu: dict[str, tuple[float, float, str]]
) -> np.ndarray:
    """One kind of the menu per item, given its outcome: among the items that
    churn, and among those that do not, each kind gets its exact share of
    them (largest remainder), and which items get it is random."""
    shares = np.array([share for share, _, _ in menu.values()])
    odds_ratios = np.array([ratio for _, ratio, _ in menu.values()])
    kinds = np.array(list(menu), dtype=object)
    dealt = np.empty(len(churned), dtype=object)
    for outcome, weights in ((False, shares), (True, shares * odds_ratios)):
        rows = np.flatnonzero(churned == outcome)
        wanted = weights / weights.sum() * len(rows)
        counts = np.floor(wanted).astype(np.int64)
        largest_remainders = np.argsort(counts - wanted, kind="stable")
        counts[largest_remainders[: len(rows) - counts.sum()]] += 1
        dealt[rows] = rng.permutation(np.repeat(kinds, counts))
    return dealt


def owners_at(versions: pa.Table, account_row: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """The CSM owner (or "") in the CRM version valid at each instant."""
    history = pd.DataFrame(
        {
            "row": pd.Series(versions["account_id"].to_pylist()).str[4:].astype(np.int64) - 1,
            "updated": _epoch_seconds(versions["updated_at"].to_pylist()),
            "owner": pd.Series(versions["csm_owner_id"].to_pylist()).fillna(""),
        }
    ).sort_values("updated")
    asked = pd.DataFrame(
        {"order": np.arange(len(account_row)), "row": account_row, "updated": seconds}
    ).sort_values("updated")
    found = pd.merge_asof(asked, history, on="updated", by="row", direction="backward")
    return found.sort_values("order")["owner"].fillna("").to_numpy(dtype=object)


def _epoch_seconds(timestamps: list[str]) -> np.ndarray:
    """Seconds since the epoch of `YYYY-MM-DDTHH:MM:SSZ` texts, whatever
    resolution pandas parses them to."""
    parsed = pd.to_datetime(pd.Series(timestamps), utc=True, format="ISO8601")
    return ((parsed - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)).to_numpy(np.int64)


def activities_table(
    seed: int,
    timeline: Timeline,
    planted: Planted,
    accounts: pd.DataFrame,
    versions: pa.Table,
    people: pa.Table,
) -> pa.Table:
    """One row per activity, time-ordered, with the contract's columns."""
    items = cycle_items(timeline, planted, accounts)
    # The owner in the CRM version valid at the end of the day the item appeared.
    appeared = items["due"].to_numpy() - (planted.activity_worklist_window_days - 1)
    has_csm = owners_at(versions, items["row"].to_numpy(), (appeared + 1) * DAY - 1) != ""
    policy = child_rng(seed, "cs/activities", "policy")
    choice = np.empty(len(items), dtype=object)
    for menu, rows in (("csm", has_csm), ("automated", ~has_csm)):
        choice[rows] = deal_kinds(policy, items["churned"].to_numpy()[rows], ACTIVITY_MENUS[menu])
    acted = choice != "none"
    rng = child_rng(seed, "cs/activities", "details")
    # Unprompted activities, independent of everything: they only take
    # random items out of the untouched group.
    unprompted = rng.random(len(items)) < planted.activity_unprompted_share
    frame = pd.concat(
        [
            items[acted].assign(kind=choice[acted]),
            items[unprompted].assign(
                kind=rng.choice(np.array(["other", "escalation"], dtype=object), unprompted.sum())
            ),
        ],
        ignore_index=True,
    )
    n = len(frame)
    offsets = rng.choice(DAY_OFFSETS, n, p=DAY_OFFSET_WEIGHTS / DAY_OFFSET_WEIGHTS.sum())
    day = np.maximum(frame["due"].to_numpy() + offsets, frame["span_start"].to_numpy())
    seconds = day * DAY + office_seconds(rng, n)
    frame = frame.assign(seconds=seconds).sort_values("seconds", kind="stable")
    account_row = frame["row"].to_numpy()
    kind = frame["kind"].to_numpy(dtype=object)
    seconds = frame["seconds"].to_numpy()

    owner = owners_at(versions, account_row, seconds)
    by_csm = np.isin(kind, ACTIVITY_BY_CSM)
    # A pooled CSM covers accounts that have no owner of their own.
    pooled = np.array([f"csm_{k:02d}" for k in range(1, CSM_OWNERS + 1)], dtype=object)
    performed_by = np.where(owner != "", owner, rng.choice(pooled, n))
    channel = np.array(
        [
            ACTIVITY_CHANNELS[k][draw % len(ACTIVITY_CHANNELS[k])]
            for k, draw in zip(kind, rng.integers(0, 2, n), strict=True)
        ],
        dtype=object,
    )
    guess = np.where(owner != "", "csm_checkin_due", "usage_report_due")
    due_text = np.asarray(frame["due"].to_numpy().astype("datetime64[D]").astype(str), dtype=object)
    account_id = np.asarray(fmt.key_ids("crm/accounts", account_row + 1).to_pylist(), dtype=object)
    item_id = guess + ":" + account_id + ":" + due_text
    names_item = rng.random(n) < planted.activity_item_id_share
    notes = np.array(NOTES, dtype=object)[rng.integers(0, len(NOTES), n)]
    notes = _with_contact_names(rng, notes, account_row, people)
    columns = {
        "activity_id": fmt.key_ids("cs/activities", np.arange(1, n + 1)),
        "account_id": fmt.key_ids("crm/accounts", account_row + 1),
        "activity_kind": fmt.text(kind),
        "performed_at": fmt.timestamps(seconds),
        "performed_by": fmt.text(performed_by, by_csm),
        "channel": fmt.text(channel),
        "worklist_item_id": fmt.text(item_id, names_item),
        "notes": fmt.text(notes),
    }
    return fmt.table(columns, TABLE_COLUMNS["cs/activities"])


def _with_contact_names(
    rng: np.random.Generator, notes: np.ndarray, account_row: np.ndarray, people: pa.Table
) -> np.ndarray:
    """About one note in ten names a contact of the account (PII stays in staging)."""
    contacts = pd.DataFrame(
        {
            "row": pd.Series(people["account_id"].to_pylist()).str[4:].astype(np.int64) - 1,
            "full_name": people["full_name"].to_pylist(),
        }
    ).drop_duplicates("row")
    name = pd.Series(account_row).map(contacts.set_index("row")["full_name"]).to_numpy(dtype=object)
    names_contact = (rng.random(len(notes)) < 0.1) & pd.notna(name)
    return np.where(names_contact, "Spoke with " + name.astype(str) + ". " + notes, notes)


def effect_rows(planted: Planted) -> list[tuple[object, ...]]:
    """The planted answer, one row per action kind (activity_effects.csv)."""
    return [
        (
            kind,
            work_item,
            ratio,
            planted.activity_effect_horizon_days,
            share,
            "none" if ratio == 1.0 else "helps",
        )
        for menu in ACTIVITY_MENUS.values()
        for kind, (share, ratio, work_item) in menu.items()
        if kind != "none"
    ]
