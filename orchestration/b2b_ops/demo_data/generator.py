"""generate(): build the plan, write the 14 landing tables and the ground truth."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import numpy as np

from b2b_ops.demo_data import (
    activities,
    billing,
    crm,
    marketing,
    opportunities,
    product,
    support,
    survey,
)
from b2b_ops.demo_data.common import DAY, Timeline, child_rng
from b2b_ops.demo_data.config import CHANNELS, EVENTS_PER_ACCOUNT, PLANTED, SIZES, TABLE_COLUMNS
from b2b_ops.demo_data.deliveries import hold_back
from b2b_ops.demo_data.funnel import build_funnel
from b2b_ops.demo_data.truth import TRUTH_FILES, planted_parameters, write_truth
from b2b_ops.demo_data.writer import FORMATS, LandingSink

SESSIONS_PER_CHUNK = 400_000  # about two million events per written chunk
DELIVERIES = ("none", "daily")


def generate(
    size: str,
    seed: int,
    as_of: dt.date,
    landing_dir: Path,
    truth_dir: Path,
    file_format: str = "csv",
    dirty_rate: float = 0.0,
    deliveries: str = "none",
    hold_back_days: int = 0,
    next_days_dir: Path | None = None,
    events_per_account: int = EVENTS_PER_ACCOUNT,
) -> dict[str, object]:
    """Generate the demo landing data and its ground truth; returns the manifest.

    deliveries="daily" writes product/events as daily delivery files
    (product/events/<YYYY-MM-DD>.<format>); hold_back_days > 0 then keeps
    the last days' files out of the landing folder, in next_days_dir
    (default: next_days/ beside it), to be delivered one by one
    (b2b_ops.demo_data.deliveries). events_per_account below the default
    makes a lighter demo of the same size: the same accounts, subscriptions,
    churn days, owners and every other table, only fewer product events, so
    health scores rest on less usage (the action-effect test's M demo)."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {sorted(SIZES)}, got {size!r}")
    if file_format not in FORMATS:
        raise ValueError(f"file format must be one of {FORMATS}, got {file_format!r}")
    if not 0.0 <= dirty_rate < 1.0:
        raise ValueError(f"dirty rate must be in [0, 1), got {dirty_rate}")
    if events_per_account < 1:
        raise ValueError(f"events per account must be at least 1, got {events_per_account}")
    if deliveries not in DELIVERIES:
        raise ValueError(f"deliveries must be one of {DELIVERIES}, got {deliveries!r}")
    if hold_back_days and deliveries != "daily":
        raise ValueError("holding days back needs daily deliveries (deliveries='daily')")
    landing_dir, truth_dir = Path(landing_dir), Path(truth_dir)
    timeline = Timeline.ending(as_of)
    planted = PLANTED
    daily = {"product/events": "occurred_at"} if deliveries == "daily" else {}
    sink = LandingSink(landing_dir, file_format, seed, dirty_rate, timeline.start_day, daily)

    started = time.perf_counter()
    campaigns = marketing.build_campaigns(child_rng(seed, "marketing/campaigns"), timeline)
    funnel = build_funnel(seed, timeline, planted, SIZES[size])
    accounts, leads = funnel.accounts, funnel.leads
    crm.name_companies(child_rng(seed, "crm/names"), accounts, leads)
    sink.write("marketing/campaigns", marketing.campaigns_table(campaigns), started)

    started = time.perf_counter()
    versions = crm.accounts_table(child_rng(seed, "crm/accounts", "versions"), timeline, accounts)
    sink.write("crm/accounts", versions, started)

    started = time.perf_counter()
    contacts = crm.contact_frame(child_rng(seed, "crm/contacts", "people"), accounts)
    people = crm.contacts_table(child_rng(seed, "crm/contacts", "details"), accounts, contacts)
    sink.write("crm/contacts", people, started)

    started = time.perf_counter()
    lead_campaign = marketing.campaign_rows_for_leads(
        campaigns, leads["channel"].to_numpy(), leads["created_s"].to_numpy() // DAY
    )
    sink.write("crm/leads", crm.leads_table(leads, lead_campaign), started)

    started = time.perf_counter()
    subs = billing.subscription_frame(accounts)
    deals = opportunities.opportunity_frame(
        child_rng(seed, "crm/opportunities"), timeline, accounts, subs
    )
    sink.write("crm/opportunities", opportunities.opportunities_table(accounts, deals), started)

    started = time.perf_counter()
    sink.write("billing/subscriptions", billing.subscriptions_table(subs), started)

    started = time.perf_counter()
    invoices = billing.invoices_table(child_rng(seed, "billing/invoices"), timeline, subs)
    sink.write("billing/invoices", invoices, started)

    started = time.perf_counter()
    sink.write("product/trials", product.trials_table(accounts), started)

    started = time.perf_counter()
    plan = product.plan_sessions(
        seed, timeline, planted, accounts, events_per_account * len(accounts)
    )
    sink.write_chunks(
        "product/events",
        product.event_chunks(seed, plan, product.ModuleUse.of(accounts), SESSIONS_PER_CHUNK),
        product.chunk_sizes(plan, SESSIONS_PER_CHUNK),
        product.events_schema(),
        started,
    )
    del plan

    started = time.perf_counter()
    tickets = support.tickets_table(
        child_rng(seed, "support/tickets"), timeline, planted, accounts, contacts
    )
    sink.write("support/tickets", tickets, started)

    started = time.perf_counter()
    survey_rng = child_rng(seed, "survey/nps_responses")
    responses = survey.nps_table(survey_rng, timeline, planted, accounts, contacts)
    sink.write("survey/nps_responses", responses, started)

    started = time.perf_counter()
    paying = accounts["first_paid"].to_numpy() >= 0
    new_paying = np.bincount(accounts["channel"].to_numpy()[paying], minlength=len(CHANNELS))
    spend = marketing.spend_table(
        child_rng(seed, "marketing/spend"), timeline, campaigns, new_paying
    )
    sink.write("marketing/spend", spend, started)

    started = time.perf_counter()
    sends = marketing.email_sends_table(
        child_rng(seed, "marketing/email_sends"), timeline, planted, campaigns, leads, contacts
    )
    sink.write("marketing/email_sends", sends, started)

    # Last, so that every table above is drawn exactly as without activities.
    started = time.perf_counter()
    cs_activities = activities.activities_table(seed, timeline, planted, accounts, versions, people)
    sink.write("cs/activities", cs_activities, started)

    if hold_back_days:
        next_days_dir = Path(next_days_dir or landing_dir.parent / "next_days")
        for table in daily:
            sink.tables[table]["held_back"] = hold_back(
                landing_dir, next_days_dir, table, hold_back_days, seed
            )

    parameters = planted_parameters(
        planted, size, seed, as_of, dirty_rate, timeline, events_per_account
    )
    manifest: dict[str, object] = {
        "size": size,
        "seed": seed,
        "as_of": as_of.isoformat(),
        "file_format": file_format,
        "dirty_rate": dirty_rate,
        "deliveries": deliveries,
        "paths_relative_to": "landing_dir for tables, truth_dir for truth files",
        "tables": {name: sink.tables[name] for name in TABLE_COLUMNS},
        "truth_files": list(TRUTH_FILES),
    }
    # Defects listed in the contract's table order, whatever the writing order.
    defects = sorted(sink.defect_rows(), key=lambda row: list(TABLE_COLUMNS).index(row[0]))
    write_truth(truth_dir, accounts, defects, parameters, manifest, activities.effect_rows(planted))
    return manifest
