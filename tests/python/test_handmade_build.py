"""`make build` from a landing folder written by hand (tests/fixtures/
landing_handmade), as of 2025-06-30. Every expected value below is worked out
by hand from those files; the comments say how."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from b2b_ops.settings import PROJECT_DIR, dbt_run_target_path
from conftest import HANDMADE_AS_OF, query

pytestmark = pytest.mark.slow


def test_lifecycle_stages_and_tiers(handmade_build):
    rows = query(
        handmade_build["warehouse"],
        "select account_id, lifecycle_stage, value_tier, annual_arpu, service_model "
        "from marts.dim_accounts order by account_id",
    )
    assert [(r[0], r[1], r[2], float(r[3]), r[4]) for r in rows] == [
        # 10,000 USD MRR -> ARR 120,000 (high band), but manufacturing grows
        # 4.5 % in 2025 (low band): the matrix says mid. Paying, not loyal:
        # its only referral (lead_2, 2024-02-01) is older than 365 days.
        ("acc_1", "paying", "mid", 120000.0, "automated"),
        # Its subscription ended 2025-03-01: churned; ARR 0 at 2025-04-01,
        # retail growth 3.5 % -> low.
        ("acc_2", "churned", "low", 0.0, "none"),
        # 5,000 + 2,000 USD (the 500 XYZ subscription is quarantined):
        # ARR 84,000 (mid band), technology 18.5 % (high): mid.
        ("acc_3", "paying", "mid", 84000.0, "automated"),
        # Trial only; healthcare 16.5 % (high) with ARR 0 (low): mid.
        ("acc_4", "trial", "mid", 0.0, "none"),
        # Neither trial nor payment; energy 10.5 % (mid), ARR 0: low.
        ("acc_5", "prospect", "low", 0.0, "none"),
        # acc_6's only row has employee_count "many": quarantined, so absent.
    ]


def test_mrr_movements_and_retention(handmade_build):
    warehouse = handmade_build["warehouse"]
    movements = query(
        warehouse,
        "select account_id, month, movement, mrr_change from marts.fct_mrr_movements "
        "where movement <> 'retained' order by month, account_id",
    )
    assert [(r[0], r[1].isoformat(), r[2], float(r[3])) for r in movements] == [
        ("acc_1", "2024-02-01", "new", 10000.0),
        ("acc_2", "2024-03-01", "new", 2000.0),
        ("acc_3", "2024-04-01", "new", 5000.0),
        ("acc_3", "2024-10-01", "expansion", 2000.0),
        # ended_on 2025-03-01 is the first day it no longer runs: March is
        # the first month-end without MRR.
        ("acc_2", "2025-03-01", "churn", -2000.0),
    ]
    # 12 months before May 2025 (May 2024): acc_1 10,000, acc_2 2,000,
    # acc_3 5,000 = 17,000. Now 10,000 + 0 + 7,000 = 17,000 -> NRR 1.0;
    # capped at the old MRR: 10,000 + 0 + 5,000 = 15,000 -> GRR 15/17.
    nrr, grr = query(
        warehouse,
        "select net_revenue_retention_12m, gross_revenue_retention_12m "
        "from marts.mart_churn_rates where month = '2025-05-01'",
    )[0]
    assert nrr == pytest.approx(1.0)
    assert grr == pytest.approx(15000 / 17000)


def test_bad_rows_are_quarantined_with_their_reason(handmade_build):
    rows = query(
        handmade_build["warehouse"],
        "select source_table, record_key, quarantine_reason from quarantine.quarantined_rows "
        "order by source_table, record_key",
    )
    # One bad row of each kind was written into the fixture by hand.
    assert rows == [
        ("billing/invoices", "inv_6", "duplicate_key"),
        ("billing/subscriptions", "sub_5", "unknown_currency"),
        ("crm/accounts", "acc_6|2025-06-01T00:00:00Z", "unparseable_number"),
        ("crm/contacts", "con_4", "orphan_key"),
        ("product/events", "evt_5", "future_timestamp"),
        ("survey/nps_responses", "nps_3", "out_of_range"),
    ]
    reconciliation = query(
        handmade_build["warehouse"],
        "select sum(rows_landed), sum(rows_staged), sum(rows_quarantined), "
        "bool_and(coalesce(is_reconciled, false)) from quarantine.landing_reconciliation",
    )
    # Data rows per file: accounts 7, contacts 4, leads 3, opportunities 1,
    # subscriptions 5, invoices 7, trials 1, events 5, tickets 1, nps 3,
    # campaigns 1, spend 2, email_sends 1 = 41 landed = 35 staged + 6.
    # cs/activities is absent: 0 landed = 0 staged + 0 quarantined, reconciled.
    assert reconciliation == [(41, 35, 6, True)]
    absent = query(
        handmade_build["warehouse"],
        "select rows_landed, rows_staged, rows_quarantined, is_reconciled "
        "from quarantine.landing_reconciliation where source_table = 'cs/activities'",
    )
    assert absent == [(0, 0, 0, True)]


def test_quarantine_keeps_the_original_text(handmade_build):
    raw_values = query(
        handmade_build["warehouse"],
        "select raw_values from quarantine.quarantined_rows where record_key = 'con_4'",
    )[0][0]
    assert json.loads(raw_values)["account_id"] == "acc_99"


def test_pii_does_not_reach_staging_or_marts(handmade_build):
    columns = query(
        handmade_build["warehouse"],
        "select table_schema, table_name, column_name from information_schema.columns "
        "where table_schema in ('staging', 'intermediate', 'marts') "
        "and column_name in ('full_name', 'email', 'phone', 'notes') "
        "and table_name not like 'base_%'",
    )
    assert columns == []


def test_summary_is_printed(handmade_build):
    out = handmade_build["stdout"]
    assert "Accounts by value tier and lifecycle stage" in out
    assert "MRR 2025-05" in out
    assert "NRR (12 months) 100.0 %" in out
    assert "unknown_currency" in out


def test_a_finished_refresh_leaves_no_dbt_folder_behind(handmade_build):
    # Each refresh's dbt runs share a folder (about 5 MB: the parse, compiled
    # SQL); kept, they piled up in target/ at every refresh (1.8 GB after a
    # day of test runs). The log file's name ends with the run's id.
    run_id = handmade_build["log"].stem.rsplit("-", 1)[-1]
    assert len(run_id) == 8
    assert not dbt_run_target_path(run_id).exists()
    assert dbt_run_target_path(run_id).parent.is_dir()


def test_dbt_unit_tests_pass(handmade_build):
    """The dbt unit tests (rules at their edges) need a built warehouse for
    their inputs' column types; they run against the handmade one."""
    dbt = str(Path(sys.executable).with_name("dbt"))
    result = subprocess.run(
        [
            dbt,
            "test",
            "--select",
            "test_type:unit",
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
            "--vars",
            json.dumps({"as_of_date": HANDMADE_AS_OF.isoformat()}),
        ],
        cwd=PROJECT_DIR,
        env={"B2B_OPS_WAREHOUSE": str(handmade_build["warehouse"]), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert "ERROR=0" in result.stdout
    # Every rule has unit tests; at least the seven of the core marts ran.
    passed = int(result.stdout.split("PASS=")[1].split()[0])
    assert passed >= 7


def test_structural_break_fails_the_build_with_the_file_and_column(landing_copy, tmp_path):
    from conftest import run_cli

    events = landing_copy / "product" / "events.csv"
    lines = events.read_text().splitlines()
    events.write_text("\n".join([lines[0].replace("occurred_at", "timestamp"), *lines[1:]]) + "\n")
    result = run_cli(
        ["build"],
        {
            "B2B_OPS_LANDING_DIR": str(landing_copy),
            "B2B_OPS_AS_OF_DATE": "2025-06-30",
            "B2B_OPS_WAREHOUSE": str(tmp_path / "w.duckdb"),
        },
    )
    assert result.returncode == 1
    assert f"error: {events}: required column 'occurred_at' is missing" in result.stderr
    assert "Traceback" not in result.stderr
