"""Sparse landing folders. The contract lets a company lack any file (an
absent file is read as an empty table), so a folder holding only some of
the 14 tables must build every mart, empty where there is no input, and
publish. Two folders are built here from the hand-made fixture's files
(tests/fixtures/landing_handmade, as of 2025-06-30): only crm/accounts and
billing/invoices (a company that exports just its CRM and billing), and
only crm/accounts (nobody pays: the segmentation has no customer).

Expected values are worked out by hand from the fixture's files: accounts
acc_1 .. acc_6, acc_6's only row quarantined (employee_count "many");
invoices inv_1 .. inv_6 and a repeated inv_6."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import builds
from b2b_ops.settings import PROJECT_DIR
from conftest import HANDMADE_AS_OF, HANDMADE_LANDING, query, shared_build_fixture


def mart_names() -> set[str]:
    """Every mart the project builds (models/marts and the final layer's marts)."""
    models = [
        *(PROJECT_DIR / "models" / "marts").glob("*/*.sql"),
        *(PROJECT_DIR / "models" / "playbook" / "marts").glob("*.sql"),
    ]
    return {model.stem for model in models}


def sparse_landing_job(name: str, tables: list[str]) -> Callable[[Path], builds.Job]:
    """The build of a landing folder holding only these of the hand-made
    fixture's files (system/table), as of 2025-06-30."""

    def make_job(root: Path) -> builds.Job:
        landing = root / "landing"

        def write_landing() -> None:
            for table in tables:
                target = landing / f"{table}.csv"
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(HANDMADE_LANDING / f"{table}.csv", target)

        warehouse = root / "w.duckdb"
        step = builds.build_step(landing, HANDMADE_AS_OF, warehouse)
        return builds.Job(name, [step], {"warehouse": warehouse}, prepare=write_landing)

    make_job.__name__ = f"{name}_job"
    return make_job


accounts_and_invoices_build = shared_build_fixture(
    sparse_landing_job("accounts_and_invoices", ["crm/accounts", "billing/invoices"])
)
accounts_only_build = shared_build_fixture(sparse_landing_job("accounts_only", ["crm/accounts"]))


def published_marts(published: Path) -> set[str]:
    rows = query(
        published,
        "select table_name from information_schema.tables where table_schema = 'marts'",
    )
    return {table for (table,) in rows}


def test_accounts_and_invoices_only_build_every_mart_and_publish(accounts_and_invoices_build):
    warehouse = accounts_and_invoices_build["warehouse"]
    [result] = accounts_and_invoices_build["results"]
    assert "12 files absent, read as empty" in result.stderr
    published = warehouse.parent / "published" / "b2b_ops.duckdb"
    assert published_marts(published) == mart_names()

    # The invoices name subscriptions, but no subscriptions file landed: a
    # key into a file the company does not export is not an orphan, so all
    # six invoices are staged; only the repeated inv_6 is quarantined, with
    # acc_6's unparseable row: 14 landed = 12 staged + 2 quarantined.
    assert query(
        warehouse,
        "select source_table, record_key, quarantine_reason from quarantine.quarantined_rows "
        "order by source_table",
    ) == [
        ("billing/invoices", "inv_6", "duplicate_key"),
        ("crm/accounts", "acc_6|2025-06-01T00:00:00Z", "unparseable_number"),
    ]
    # RFM over paid invoices in the 365 days to 2025-06-30: acc_1 paid
    # 3 x 10,000 (April to June 2025), acc_3 2 x 7,000, acc_2 once 2,000.
    rfm = query(
        published, "select account_id, frequency, monetary from marts.fct_rfm order by account_id"
    )
    assert [(account, count, float(total)) for account, count, total in rfm] == [
        ("acc_1", 3, 30000.0),
        ("acc_2", 1, 2000.0),
        ("acc_3", 2, 14000.0),
    ]
    # MRR comes from subscriptions, which this company does not export: the
    # MRR marts are empty, not wrong, and no account pays (nor trials: no
    # trials file), so all five staged accounts are prospects.
    for mart in ("fct_mrr_movements", "mart_churn_rates", "mart_retention"):
        assert query(published, f"select count(*) from marts.{mart}") == [(0,)], mart
    assert query(
        published,
        "select lifecycle_stage, count(*), sum(current_mrr_amount) from marts.dim_accounts "
        "group by lifecycle_stage",
    ) == [("prospect", 5, 0)]
    # The three payers of the RFM window are the customers segmented.
    assert query(published, "select count(*) from marts.account_segments") == [(3,)]


def test_accounts_only_build_every_mart_and_publish(accounts_only_build):
    # With only the CRM's accounts nobody pays, so the segmentation has no
    # customer to cluster and must still write a valid, typed table that
    # account_segments' contract accepts, and the refresh must publish.
    [result] = accounts_only_build["results"]
    assert "no customer to cluster" in result.stderr
    assert "13 files absent, read as empty" in result.stderr
    assert "Account segments: none (no customer to cluster)" in result.stdout
    published = accounts_only_build["warehouse"].parent / "published" / "b2b_ops.duckdb"
    assert published_marts(published) == mart_names()
    assert query(published, "select count(*) from marts.account_segments") == [(0,)]
    # acc_1 .. acc_5 (acc_6's only row is quarantined), all prospects.
    assert query(
        published, "select lifecycle_stage, count(*) from marts.dim_accounts group by all"
    ) == [("prospect", 5)]
