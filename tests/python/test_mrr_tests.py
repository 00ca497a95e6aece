"""The MRR data tests can fail. Each singular test (tests/assert_mrr_*.sql)
is compiled once, then run on copies of the hand-made build: on the
unchanged copy it returns no row, and on a copy with one deliberate error
(a wrong movement label, an opening MRR that is not the month before's
closing, MRR that differs between two marts) it returns the failing rows.

The hand-made build's movements (tests/fixtures/landing_handmade, as of
2025-06-30): acc_1 new 2024-02 (10,000), retained to 2025-06; acc_2 new
2024-03 (2,000), churn 2025-03; acc_3 new 2024-04 (5,000), expansion
2024-10 (+2,000 to 7,000), retained to 2025-06."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from b2b_ops.settings import PROJECT_DIR
from conftest import HANDMADE_AS_OF

pytestmark = pytest.mark.slow

MRR_TESTS = (
    "assert_mrr_movements_by_kind",
    "assert_mrr_opening_equals_previous_closing",
    "assert_mrr_agrees_across_marts",
)

# Each error, the test that must catch it, and the SQL that makes it.
ERRORS = {
    # new sums the row's whole MRR (7,000), expansion only its change
    # (2,000): the month's bridge is off by 5,000, and the row's numbers say
    # expansion (0 < 5,000 < 7,000).
    "expansion labelled new": (
        "assert_mrr_movements_by_kind",
        "update marts.fct_mrr_movements set movement = 'new' "
        "where account_id = 'acc_3' and month = '2024-10-01'",
    ),
    # new and reactivation both add the row's MRR, so the bridge still
    # holds; only the per-row rule catches it: acc_1 had no MRR before.
    "new labelled reactivation": (
        "assert_mrr_movements_by_kind",
        "update marts.fct_mrr_movements set movement = 'reactivation' "
        "where account_id = 'acc_1' and month = '2024-02-01'",
    ),
    # churn subtracts previous_mrr (2,000) and contraction previous_mrr -
    # mrr (2,000 - 0): the bridge holds; the row has mrr = 0, so it is churn.
    "churn labelled contraction": (
        "assert_mrr_movements_by_kind",
        "update marts.fct_mrr_movements set movement = 'contraction' "
        "where account_id = 'acc_2' and month = '2025-03-01'",
    ),
    # A change of 0 moves no sum; the row has mrr = previous_mrr.
    "retained labelled expansion": (
        "assert_mrr_movements_by_kind",
        "update marts.fct_mrr_movements set movement = 'expansion' "
        "where account_id = 'acc_1' and month = '2024-06-01'",
    ),
    # June 2024 opens at 10,100 for acc_1, but May closed at 10,000.
    "opening is not the month before's closing": (
        "assert_mrr_opening_equals_previous_closing",
        "update marts.fct_mrr_movements set previous_mrr = previous_mrr + 100 "
        "where account_id = 'acc_1' and month = '2024-06-01'",
    ),
    # acc_3 closes January 2025 with 7,000 and then has no row, no churn.
    "MRR leaves without a churn row": (
        "assert_mrr_opening_equals_previous_closing",
        "delete from marts.fct_mrr_movements where account_id = 'acc_3' and month > '2025-01-01'",
    ),
    # The silent loss: an account with MRR missing from dim_accounts.
    "account with MRR missing from dim_accounts": (
        "assert_mrr_agrees_across_marts",
        "delete from marts.dim_accounts where account_id = 'acc_3'",
    ),
    "dim_accounts MRR a cent off": (
        "assert_mrr_agrees_across_marts",
        "update marts.dim_accounts set current_mrr_amount = current_mrr_amount + 0.01 "
        "where account_id = 'acc_1'",
    ),
    "mart_churn_rates MRR a cent off": (
        "assert_mrr_agrees_across_marts",
        "update marts.mart_churn_rates set mrr = mrr - 0.01 where month = '2025-05-01'",
    ),
    "mart_retention MRR of one cohort off": (
        "assert_mrr_agrees_across_marts",
        "update marts.mart_retention set mrr = mrr + 1 "
        "where cohort_month = '2024-04-01' and month = '2025-05-01'",
    ),
    "mart_unit_economics one paying account short": (
        "assert_mrr_agrees_across_marts",
        "update marts.mart_unit_economics set paying_accounts = paying_accounts - 1 "
        "where acquisition_channel = 'all' and period_kind = 'month' and month = '2025-05-01'",
    ),
}


@pytest.fixture(scope="module")
def compiled(handmade_build, tmp_path_factory) -> dict:
    """The MRR tests compiled against a copy of the hand-made warehouse, and that copy."""
    root = tmp_path_factory.mktemp("mrr_tests")
    warehouse = root / "original" / handmade_build["warehouse"].name
    warehouse.parent.mkdir()
    shutil.copy(handmade_build["warehouse"], warehouse)
    target = root / "target"
    dbt = str(Path(sys.executable).with_name("dbt"))
    result = subprocess.run(
        [dbt, "compile", "--select", *MRR_TESTS]
        + ["--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
        + ["--target-path", str(target)]
        + ["--vars", json.dumps({"as_of_date": HANDMADE_AS_OF.isoformat()})],
        cwd=PROJECT_DIR,
        env={"B2B_OPS_WAREHOUSE": str(warehouse), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    sql = {name: next(target.glob(f"compiled/**/{name}.sql")).read_text() for name in MRR_TESTS}
    return {"sql": sql, "warehouse": warehouse, "root": root}


def failing_rows(compiled: dict, test_name: str, error_sql: str | None, case: str) -> list:
    """The test's failing rows on a copy of the warehouse with error_sql applied."""
    # Same file name, so the compiled SQL's database (the file's stem) matches.
    copy = compiled["root"] / case / compiled["warehouse"].name
    copy.parent.mkdir()
    shutil.copy(compiled["warehouse"], copy)
    with duckdb.connect(str(copy)) as connection:
        if error_sql:
            connection.execute(error_sql)
        return connection.execute(compiled["sql"][test_name]).fetchall()


@pytest.mark.parametrize("test_name", MRR_TESTS)
def test_mrr_tests_pass_on_the_built_marts(compiled, test_name):
    assert failing_rows(compiled, test_name, None, f"clean_{test_name}") == []


@pytest.mark.parametrize("case", list(ERRORS))
def test_mrr_tests_fail_on_a_deliberate_error(compiled, case):
    test_name, error_sql = ERRORS[case]
    rows = failing_rows(compiled, test_name, error_sql, case.replace(" ", "_").replace("'", ""))
    assert rows, f"{test_name} did not catch: {case}"
