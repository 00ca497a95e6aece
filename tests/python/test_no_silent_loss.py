"""No silent loss between marts, through a real build: a CRM account row
with a blank created_at stays in dim_accounts (the field null), and an
account whose only CRM row is quarantined but that pays is kept there too
(known to billing only), so its MRR agrees across the marts. The build
itself runs the singular test tests/assert_mrr_agrees_across_marts.sql and
the relationship tests to dim_accounts, all errors: it fails if an account
with MRR is missing.

The landing folder is the hand-made fixture (as of 2025-06-30) with two
changes worked in by hand: acc_3 (paying 5,000 + 2,000 USD) has a blank
created_at; acc_6, whose only CRM row is quarantined (employee_count
"many"), gets a 1,000 USD subscription from 2025-06-01 and a paid invoice."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

import builds
from conftest import HANDMADE_AS_OF, HANDMADE_LANDING, query, shared_build_fixture


def blank_created_at(accounts_csv: Path, account_id: str) -> None:
    """Blank the created_at (8th column) of the account's rows; no field here holds a comma."""
    lines = accounts_csv.read_text().splitlines()
    edited = []
    for line in lines:
        fields = line.split(",")
        if fields[0] == account_id:
            fields[7] = ""
        edited.append(",".join(fields))
    accounts_csv.write_text("\n".join(edited) + "\n")


def append_row(csv_file: Path, row: str) -> None:
    csv_file.write_text(csv_file.read_text().rstrip("\n") + "\n" + row + "\n")


def no_silent_loss_job(root: Path) -> builds.Job:
    """The hand-made fixture with the two changes above, built as of 2025-06-30."""
    landing = root / "landing"

    def write_landing() -> None:
        shutil.copytree(HANDMADE_LANDING, landing)
        blank_created_at(landing / "crm" / "accounts.csv", "acc_3")
        append_row(
            landing / "billing" / "subscriptions.csv",
            "sub_6,acc_6,core_platform,starter,1000,USD,2025-06-01,",
        )
        append_row(
            landing / "billing" / "invoices.csv",
            "inv_7,acc_6,sub_6,2025-06-01T00:00:00Z,1000,USD,paid,2025-06-02T00:00:00Z",
        )

    warehouse = root / "w.duckdb"
    step = builds.build_step(landing, HANDMADE_AS_OF, warehouse)
    return builds.Job("no_silent_loss", [step], {"warehouse": warehouse}, prepare=write_landing)


no_silent_loss_build = shared_build_fixture(no_silent_loss_job)


@pytest.fixture(scope="module")
def warehouse(no_silent_loss_build) -> Path:
    return no_silent_loss_build["warehouse"]


def test_a_blank_created_at_keeps_the_account_with_the_field_null(warehouse):
    rows = query(
        warehouse,
        "select created_on, lifecycle_stage, current_mrr_amount, is_known_to_crm "
        "from marts.dim_accounts where account_id = 'acc_3'",
    )
    assert [(c, s, float(m), k) for c, s, m, k in rows] == [(None, "paying", 7000.0, True)]
    # Its tier history starts in the quarter it was first seen: its CRM
    # version was written 2024-03-01 (before its first subscription,
    # 2024-04-01), so Q1 2024 to Q2 2025, six quarters, as with a created_at.
    quarters = query(
        warehouse,
        "select min(quarter_start), count(*) from marts.fct_account_tiers "
        "where account_id = 'acc_3'",
    )
    assert quarters == [(dt.date(2024, 1, 1), 6)]


def test_a_paying_account_whose_crm_row_is_quarantined_is_kept(warehouse):
    rows = query(
        warehouse,
        "select account_name, is_known_to_crm, lifecycle_stage, current_mrr_amount, "
        "first_paid_on, value_tier from marts.dim_accounts where account_id = 'acc_6'",
    )
    # Known to billing only: CRM fields null. Tiered on its first paid day
    # (2025-06-01, inside Q2): ARR 12 x 1,000 = 12,000 (low band), no
    # industry (growth unknown, low band): low.
    assert [(n, k, s, float(m), f, t) for n, k, s, m, f, t in rows] == [
        (None, False, "paying", 1000.0, dt.date(2025, 6, 1), "low")
    ]
    # Its CRM row is still in quarantine, with its reason: the row is
    # accounted for, and its revenue is not lost.
    assert query(
        warehouse,
        "select quarantine_reason from quarantine.quarantined_rows "
        "where source_table = 'crm/accounts' and record_key like 'acc_6|%'",
    ) == [("unparseable_number",)]


def test_mrr_agrees_between_movements_and_dim_accounts(warehouse):
    # June 2025 (the as-of month): acc_1 10,000, acc_3 7,000, acc_6 1,000.
    movements = query(
        warehouse,
        "select account_id, mrr from marts.fct_mrr_movements where month = '2025-06-01' "
        "and mrr > 0 order by account_id",
    )
    accounts = query(
        warehouse,
        "select account_id, current_mrr_amount from marts.dim_accounts "
        "where current_mrr_amount > 0 order by account_id",
    )
    expected = [("acc_1", 10000.0), ("acc_3", 7000.0), ("acc_6", 1000.0)]
    assert [(a, float(m)) for a, m in movements] == expected
    assert [(a, float(m)) for a, m in accounts] == expected
