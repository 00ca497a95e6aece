"""Marketing: campaigns, daily spend, and e-mail sends (with the planted A/B test)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from b2b_ops.demo_data import fmt
from b2b_ops.demo_data.common import DAY, NONE, Timeline, expand, office_seconds
from b2b_ops.demo_data.config import (
    CHANNEL_CAC_USD,
    CHANNELS,
    COUNTRIES,
    COUNTRY_WEIGHTS,
    CURRENCIES,
    EMAIL_NURTURE,
    EXPERIMENT_ID,
    EXPERIMENT_VARIANTS,
    REFERRAL,
    TABLE_COLUMNS,
    Planted,
)
from b2b_ops.demo_data.money import currency_of_country, to_local_cents

CAMPAIGN_DAYS = (30, 120)  # length of one campaign flight
SPEND_GROWTH = 0.35  # spend grows with the business (same as lead volume)
CONTACT_SEND_SHARE = 0.25  # contacts reached by each nurture campaign
CONTACT_CONVERSION = 0.03
OPEN_RATE, CLICK_RATE = 0.35, 0.25  # for sends that do not convert
EXPERIMENT_SEND_SPACING_DAYS = 14


def build_campaigns(rng: np.random.Generator, timeline: Timeline) -> pd.DataFrame:
    """Back-to-back flights per paid channel, plus the referral programme and the experiment.

    `end_day` is the last day of the flight (inclusive), -1 while it runs on
    the as-of date. Every lead time maps to exactly one flight of its channel.
    """
    rows: list[tuple[int, int, int, str]] = []
    for channel in range(len(CHANNELS)):
        if channel == REFERRAL:
            continue
        day = timeline.start_day
        while day < timeline.as_of_day:
            length = int(rng.integers(CAMPAIGN_DAYS[0], CAMPAIGN_DAYS[1] + 1))
            end = day + length - 1
            rows.append((channel, day, end if end < timeline.as_of_day else NONE, ""))
            day = end + 1
    rows.append((REFERRAL, timeline.start_day, NONE, "Referral programme"))
    rows.append((EMAIL_NURTURE, timeline.start_day, NONE, "Nurture test: case study vs promo"))
    frame = pd.DataFrame(rows, columns=["channel", "start_day", "end_day", "fixed_name"])
    frame = frame.sort_values(["start_day", "channel"], kind="stable").reset_index(drop=True)
    weights = np.array(list(COUNTRY_WEIGHTS.values()))
    frame["country"] = rng.choice(len(weights), size=len(frame), p=weights / weights.sum())
    frame["is_experiment"] = frame["fixed_name"].str.startswith("Nurture test")
    frame["is_flight"] = frame["fixed_name"] == ""
    month = (
        frame["start_day"].to_numpy().astype("datetime64[D]").astype("datetime64[M]").astype(str)
    )
    title = np.array(
        [CHANNELS[c].replace("_", " ").capitalize() for c in frame["channel"]], dtype=object
    )
    country = np.array(COUNTRIES, dtype=object)[frame["country"].to_numpy()]
    flight_name = title + " " + month.astype(object) + " " + country
    frame["name"] = np.where(frame["is_flight"], flight_name, frame["fixed_name"])
    return frame


def campaign_rows_for_leads(
    campaigns: pd.DataFrame, channel: np.ndarray, day: np.ndarray
) -> np.ndarray:
    """The flight of the lead's channel running on the lead's day (referral: the programme)."""
    result = np.full(len(channel), NONE, dtype=np.int64)
    for code in np.unique(channel):
        rows = campaigns.index[
            (campaigns["channel"] == code) & ~campaigns["is_experiment"]
        ].to_numpy()
        starts = campaigns["start_day"].to_numpy()[rows]
        mine = channel == code
        position = np.searchsorted(starts, day[mine], side="right") - 1
        result[mine] = rows[np.maximum(position, 0)]
    return result


def campaigns_table(campaigns: pd.DataFrame) -> pa.Table:
    end = campaigns["end_day"].to_numpy()
    columns = {
        "campaign_id": fmt.key_ids("marketing/campaigns", np.arange(1, len(campaigns) + 1)),
        "campaign_name": fmt.text(campaigns["name"].to_numpy()),
        "channel": fmt.labels(CHANNELS, campaigns["channel"].to_numpy()),
        "started_on": fmt.dates(campaigns["start_day"].to_numpy()),
        "ended_on": fmt.dates(end, end >= 0),
    }
    return fmt.table(columns, TABLE_COLUMNS["marketing/campaigns"])


def spend_table(
    rng: np.random.Generator,
    timeline: Timeline,
    campaigns: pd.DataFrame,
    new_paying_by_channel: np.ndarray,
) -> pa.Table:
    """One row per flight day. The referral programme and the e-mail test cost nothing."""
    flights = campaigns[campaigns["is_flight"]]
    start = flights["start_day"].to_numpy()
    last = np.where(
        flights["end_day"].to_numpy() >= 0, flights["end_day"].to_numpy(), timeline.as_of_day - 1
    )
    parent, rank = expand(last - start + 1)
    day = start[parent] + rank
    channel = flights["channel"].to_numpy()[parent]
    # Budget per channel = its CAC x the paying customers it brought, spread
    # over its flight days with the business's growth and daily noise.
    growth = (1.0 + SPEND_GROWTH) ** ((day - timeline.start_day) / 365.0)
    cac = np.array([CHANNEL_CAC_USD.get(name, 0.0) for name in CHANNELS])
    budget = cac * new_paying_by_channel
    growth_total = np.bincount(channel, weights=growth, minlength=len(CHANNELS))
    share = growth / np.maximum(growth_total[channel], 1e-9)
    usd = budget[channel] * share * rng.lognormal(0.0, 0.25, len(day))
    currency = currency_of_country(flights["country"].to_numpy()[parent])
    cents = to_local_cents(usd, currency)
    columns = {
        "spend_date": fmt.dates(day),
        "campaign_id": fmt.key_ids("marketing/campaigns", flights.index.to_numpy()[parent] + 1),
        "channel": fmt.labels(CHANNELS, channel),
        "amount": fmt.money(cents),
        "currency": fmt.labels(CURRENCIES, currency),
    }
    return fmt.table(columns, TABLE_COLUMNS["marketing/spend"])


def _engagement(
    rng: np.random.Generator, sent_s: np.ndarray, converts: np.ndarray, as_of_s: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Opened, clicked and converted instants (-1 when not, or not yet by as-of)."""
    n = len(sent_s)
    opened = converts | (rng.random(n) < OPEN_RATE)
    clicked = converts | (opened & (rng.random(n) < CLICK_RATE))
    opened_s = sent_s + rng.integers(300, 2 * DAY, n)
    clicked_s = opened_s + rng.integers(10, 3600, n)
    converted_s = clicked_s + rng.integers(60, 3 * DAY, n)
    # Whatever would happen on or after the as-of date has not happened yet.
    opened_s = np.where(opened & (opened_s < as_of_s), opened_s, NONE)
    clicked_s = np.where(clicked & (clicked_s < as_of_s), clicked_s, NONE)
    converted_s = np.where(converts & (converted_s < as_of_s), converted_s, NONE)
    return opened_s, clicked_s, converted_s


def email_sends_table(
    rng: np.random.Generator,
    timeline: Timeline,
    planted: Planted,
    campaigns: pd.DataFrame,
    leads: pd.DataFrame,
    contacts: pd.DataFrame,
) -> pa.Table:
    """Experiment sends to non-referred leads, and nurture newsletters to contacts.

    `converted_at` is the e-mail's own call to action (a demo request), which
    is what the experiment measures; it is independent of the lead becoming
    an account, so the funnel's planted rates stay untouched.
    """
    experiment_row = int(np.flatnonzero(campaigns["is_experiment"].to_numpy())[0])
    # Experiment: each non-referred lead gets a variant (50/50) and up to
    # three e-mails two weeks apart, until it converts or the as-of date.
    pool = np.flatnonzero(leads["channel"].to_numpy() != REFERRAL)
    treatment = rng.random(len(pool)) < 0.5
    lead_parent, rank = expand(np.full(len(pool), planted.experiment_sends_per_lead))
    created_day = leads["created_s"].to_numpy()[pool][lead_parent] // DAY
    sent_s = (created_day + 1 + EXPERIMENT_SEND_SPACING_DAYS * rank) * DAY + office_seconds(
        rng, len(rank)
    )
    converted_lead_s = leads["converted_s"].to_numpy()[pool][lead_parent]
    keep = (sent_s < timeline.as_of_second) & ((converted_lead_s < 0) | (sent_s < converted_lead_s))
    lead_parent, sent_s = lead_parent[keep], sent_s[keep]
    variant = treatment[lead_parent].astype(np.int64)
    rate = np.where(
        variant == 1, planted.experiment_treatment_conversion, planted.experiment_control_conversion
    )
    converts = rng.random(len(sent_s)) < rate
    exp = pd.DataFrame(
        {
            "campaign_row": experiment_row,
            "variant": variant,
            "lead_row": pool[lead_parent],
            "contact_row": NONE,
            "sent_s": sent_s,
            "converts": converts,
        }
    )
    newsletters = _contact_sends(rng, timeline, campaigns, contacts)
    sends = pd.concat([exp, newsletters], ignore_index=True).sort_values("sent_s", kind="stable")
    opened_s, clicked_s, converted_s = _engagement(
        rng, sends["sent_s"].to_numpy(), sends["converts"].to_numpy(), timeline.as_of_second
    )
    n = len(sends)
    variant = sends["variant"].to_numpy()
    lead_row = sends["lead_row"].to_numpy()
    contact_row = sends["contact_row"].to_numpy()
    in_test = variant >= 0
    columns = {
        "send_id": fmt.key_ids("marketing/email_sends", np.arange(1, n + 1)),
        "campaign_id": fmt.key_ids("marketing/campaigns", sends["campaign_row"].to_numpy() + 1),
        "experiment_id": fmt.text(np.full(n, EXPERIMENT_ID, dtype=object), in_test),
        "variant": fmt.labels(EXPERIMENT_VARIANTS, np.maximum(variant, 0), in_test),
        "lead_id": fmt.key_ids("crm/leads", lead_row + 1, lead_row >= 0),
        "contact_id": fmt.key_ids("crm/contacts", contact_row + 1, contact_row >= 0),
        "sent_at": fmt.timestamps(sends["sent_s"].to_numpy()),
        "opened_at": fmt.timestamps(opened_s, opened_s >= 0),
        "clicked_at": fmt.timestamps(clicked_s, clicked_s >= 0),
        "converted_at": fmt.timestamps(converted_s, converted_s >= 0),
    }
    return fmt.table(columns, TABLE_COLUMNS["marketing/email_sends"])


def _contact_sends(
    rng: np.random.Generator, timeline: Timeline, campaigns: pd.DataFrame, contacts: pd.DataFrame
) -> pd.DataFrame:
    """Each nurture flight e-mails a quarter of the contacts that existed when it began."""
    parts = []
    flights = campaigns.index[(campaigns["channel"] == EMAIL_NURTURE) & campaigns["is_flight"]]
    contact_created = contacts["created_s"].to_numpy()
    for row in flights:
        start = int(campaigns.at[row, "start_day"])
        reached = rng.random(len(contacts)) < CONTACT_SEND_SHARE
        chosen = np.flatnonzero((contact_created < start * DAY) & reached)
        sent_s = (start + rng.integers(0, 14, len(chosen))) * DAY + office_seconds(rng, len(chosen))
        keep = sent_s < timeline.as_of_second
        parts.append(
            pd.DataFrame(
                {
                    "campaign_row": row,
                    "variant": NONE,
                    "lead_row": NONE,
                    "contact_row": chosen[keep],
                    "sent_s": sent_s[keep],
                    "converts": rng.random(int(keep.sum())) < CONTACT_CONVERSION,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)
