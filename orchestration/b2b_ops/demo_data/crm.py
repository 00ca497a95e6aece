"""CRM tables: accounts (with versions), contacts and leads."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from b2b_ops.demo_data import fmt, names
from b2b_ops.demo_data.common import DAY, Timeline, expand
from b2b_ops.demo_data.config import (
    BUYING_ROLES,
    CHANNELS,
    COUNTRIES,
    CSM_OWNERS,
    INDUSTRIES,
    PHONE_PREFIX,
    TABLE_COLUMNS,
)

VERSION_SHARES = (0.80, 0.12, 0.08)  # accounts with 1, 2 or 3 versions
DECISION_MAKER_SHARE = 0.85  # accounts with a decision maker among their contacts
CONTACT_DELAY_DAYS = 3  # contacts are entered within days of the account


def name_companies(rng: np.random.Generator, accounts: pd.DataFrame, leads: pd.DataFrame) -> None:
    """Company names for every lead and direct account, unique across both.

    A converted lead and its account carry the same name; the e-mail domain
    of the account's contacts is derived from it.
    """
    direct = np.flatnonzero(accounts["lead_row"].to_numpy() < 0)
    lead_country = rng.integers(0, len(COUNTRIES), len(leads))
    converted = leads["account_row"].to_numpy() >= 0
    lead_country[converted] = accounts["country"].to_numpy()[
        leads["account_row"].to_numpy()[converted]
    ]
    industry = np.concatenate(
        [leads["industry"].to_numpy(), accounts["industry"].to_numpy()[direct]]
    )
    country = np.concatenate([lead_country, accounts["country"].to_numpy()[direct]])
    company, domain = names.company_names(rng, industry, country)
    leads["company"] = company[: len(leads)]
    account_company = np.empty(len(accounts), dtype=object)
    account_domain = np.empty(len(accounts), dtype=object)
    from_lead = accounts["lead_row"].to_numpy() >= 0
    lead_row = accounts["lead_row"].to_numpy()[from_lead]
    account_company[from_lead] = company[lead_row]
    account_domain[from_lead] = domain[lead_row]
    account_company[direct] = company[len(leads) :]
    account_domain[direct] = domain[len(leads) :]
    accounts["company"] = account_company
    accounts["domain"] = account_domain


def accounts_table(
    rng: np.random.Generator, timeline: Timeline, accounts: pd.DataFrame
) -> pa.Table:
    """One row per account version; about a fifth of accounts have 2-3 versions."""
    versions = 1 + rng.choice(len(VERSION_SHARES), size=len(accounts), p=np.array(VERSION_SHARES))
    parent, rank = expand(versions)
    created = accounts["created_s"].to_numpy()[parent]
    # Later versions fall between one day after creation and one day before
    # as-of, in increasing order; adding the rank keeps them distinct.
    room = timeline.as_of_second - created - 2 * DAY
    offset = _sorted_within(parent, np.floor(rng.random(len(parent)) * room).astype(np.int64))
    updated = np.where(rank == 0, created, created + DAY + offset + rank)
    employees = accounts["employees"].to_numpy()[parent].copy()
    csm = accounts["csm"].to_numpy()[parent].copy()
    mid_or_high = accounts["potential_usd"].to_numpy()[parent] >= 50_000
    # Each later version starts from the one before (rows of an account are
    # contiguous): the headcount moves, the account may get another CSM, or
    # a mid/high account its first one. A CSM is never taken away.
    for version in range(1, len(VERSION_SHARES)):
        rows = np.flatnonzero(rank == version)
        employees[rows] = np.maximum(
            5, np.round(employees[rows - 1] * rng.uniform(0.85, 1.3, len(rows)))
        )
        previous = csm[rows - 1]
        draw = rng.random(len(rows))
        change = np.where(previous > 0, draw < 0.5, mid_or_high[rows] & (draw < 0.3))
        csm[rows] = np.where(change, rng.integers(1, CSM_OWNERS + 1, len(rows)), previous)
    csm_label = np.array([""] + [f"csm_{k:02d}" for k in range(1, CSM_OWNERS + 1)], dtype=object)
    columns = {
        "account_id": fmt.key_ids("crm/accounts", parent + 1),
        "account_name": fmt.text(accounts["company"].to_numpy()[parent]),
        "industry": fmt.labels(INDUSTRIES, accounts["industry"].to_numpy()[parent]),
        "country": fmt.labels(COUNTRIES, accounts["country"].to_numpy()[parent]),
        "employee_count": fmt.integers(employees),
        "acquisition_channel": fmt.labels(CHANNELS, accounts["channel"].to_numpy()[parent]),
        "csm_owner_id": fmt.text(csm_label[csm], csm > 0),
        "created_at": fmt.timestamps(created),
        "updated_at": fmt.timestamps(updated),
    }
    return fmt.table(columns, TABLE_COLUMNS["crm/accounts"])


def _sorted_within(group: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Values sorted ascending inside each group (groups are contiguous and ascending)."""
    return values[np.lexsort((values, group))]


def contact_frame(rng: np.random.Generator, accounts: pd.DataFrame) -> pd.DataFrame:
    """2-8 contacts per account (more for bigger companies), grouped by account.

    Columns: account_row, role, created_s, first, last; plus per-account
    offsets are recovered with `contact_offsets`.
    """
    n = len(accounts)
    employees = accounts["employees"].to_numpy()
    size = np.clip(np.log(employees) / np.log(5000.0), 0.05, 0.95)
    count = 2 + rng.binomial(6, size)
    parent, rank = expand(count)
    has_dm = (rng.random(n) < DECISION_MAKER_SHARE)[parent]
    # The first contact is the decision maker when there is one; the others
    # are mostly users, some influencers, and a few more decision makers.
    first_role = np.where(has_dm, 0, rng.choice([1, 2, 3], size=len(parent), p=[0.5, 0.3, 0.2]))
    later_role = np.where(
        has_dm,
        rng.choice(4, size=len(parent), p=[0.10, 0.50, 0.25, 0.15]),
        rng.choice([1, 2, 3], size=len(parent), p=[0.55, 0.28, 0.17]),
    )
    first, last = names.person_names(rng, len(parent))
    delay = rng.integers(0, CONTACT_DELAY_DAYS * DAY, len(parent))
    frame = pd.DataFrame(
        {
            "account_row": parent,
            "role": np.where(rank == 0, first_role, later_role),
            "created_s": accounts["created_s"].to_numpy()[parent] + delay,
            "first": first,
            "last": last,
        }
    )
    return frame


def contact_offsets(contacts: pd.DataFrame, n_accounts: int) -> tuple[np.ndarray, np.ndarray]:
    """First contact row and contact count per account (contacts are grouped by account)."""
    count = np.bincount(contacts["account_row"].to_numpy(), minlength=n_accounts)
    return np.cumsum(count) - count, count


def pick_contacts(
    rng: np.random.Generator, contacts: pd.DataFrame, n_accounts: int, account_row: np.ndarray
) -> np.ndarray:
    """A random contact row of each given account."""
    first, count = contact_offsets(contacts, n_accounts)
    return first[account_row] + np.floor(rng.random(len(account_row)) * count[account_row]).astype(
        np.int64
    )


def contacts_table(
    rng: np.random.Generator, accounts: pd.DataFrame, contacts: pd.DataFrame
) -> pa.Table:
    n = len(contacts)
    account_row = contacts["account_row"].to_numpy()
    first = contacts["first"].to_numpy()
    last = contacts["last"].to_numpy()
    local = pd.Series(first + "." + last).str.lower()
    # Two contacts of one account with the same name get name2@, name3@...
    repeat = local.groupby([account_row, local.to_numpy()]).cumcount().to_numpy()
    local = local.to_numpy() + np.where(repeat > 0, (repeat + 1).astype(str).astype(object), "")
    email = local + "@" + accounts["domain"].to_numpy()[account_row] + ".example"
    country = np.array(COUNTRIES, dtype=object)[accounts["country"].to_numpy()[account_row]]
    dial = np.array([PHONE_PREFIX[code] for code in country], dtype=object)
    phone = dial + "-555-01" + pd.Series(rng.integers(0, 100, n)).map("{:02d}".format).to_numpy()
    columns = {
        "contact_id": fmt.key_ids("crm/contacts", np.arange(1, n + 1)),
        "account_id": fmt.key_ids("crm/accounts", account_row + 1),
        "full_name": fmt.text(first + " " + last),
        "email": fmt.text(email),
        "phone": fmt.text(phone),
        "job_title": fmt.text(names.job_titles(rng, contacts["role"].to_numpy())),
        "buying_role": fmt.labels(BUYING_ROLES, contacts["role"].to_numpy()),
        "created_at": fmt.timestamps(contacts["created_s"].to_numpy()),
    }
    return fmt.table(columns, TABLE_COLUMNS["crm/contacts"])


def leads_table(leads: pd.DataFrame, lead_campaign_row: np.ndarray) -> pa.Table:
    n = len(leads)
    referrer = leads["referrer_row"].to_numpy()
    account_row = leads["account_row"].to_numpy()
    converted_s = leads["converted_s"].to_numpy()
    columns = {
        "lead_id": fmt.key_ids("crm/leads", np.arange(1, n + 1)),
        "company_name": fmt.text(leads["company"].to_numpy()),
        "industry": fmt.labels(INDUSTRIES, leads["industry"].to_numpy()),
        "acquisition_channel": fmt.labels(CHANNELS, leads["channel"].to_numpy()),
        "campaign_id": fmt.key_ids("marketing/campaigns", lead_campaign_row + 1),
        "referred_by_account_id": fmt.key_ids("crm/accounts", referrer + 1, referrer >= 0),
        "status": fmt.text(leads["status"].to_numpy()),
        "created_at": fmt.timestamps(leads["created_s"].to_numpy()),
        "converted_account_id": fmt.key_ids("crm/accounts", account_row + 1, account_row >= 0),
        "converted_at": fmt.timestamps(converted_s, converted_s >= 0),
    }
    return fmt.table(columns, TABLE_COLUMNS["crm/leads"])
