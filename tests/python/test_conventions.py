"""`make conventions`: the repo follows its conventions, and a model that
breaks them fails the check with its file, each rule in plain words and the
fix. The threshold finder is tested on hand-written SQL."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest

from b2b_ops.dev.conventions.rules import expected_name
from b2b_ops.dev.conventions.thresholds import find_thresholds
from b2b_ops.settings import PROJECT_DIR
from project_copy import copy_dbt_project


def run_check(project_dir: Path, target_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "b2b_ops.dev.conventions",
            "--project-dir",
            str(project_dir),
            "--target-path",
            str(target_path),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_the_repo_follows_its_conventions(tmp_path):
    result = run_check(PROJECT_DIR, tmp_path / "target")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all follow the project's conventions" in result.stdout


# A mart that breaks six rules at once: it is named without a mart prefix,
# switches its contract off, reads a source, has no key test, leaves a column
# undescribed and compares with 5000 on its line 7.
BAD_MART_SQL = """\
with invoices as (
    select * from {{ source('billing', 'invoices') }}
),
final as (
    select account_id, amount
    from invoices
    where amount > 5000
)
select * from final
"""
BAD_MART_YML = """\
version: 2
models:
  - name: revenue_summary
    description: One row per large invoice.
    config:
      contract: {enforced: false}
    columns:
      - name: account_id
        description: Account key.
      - name: amount
"""


def test_a_model_that_breaks_the_rules_fails_with_file_rule_and_fix(tmp_path):
    project = copy_dbt_project(tmp_path / "project")
    (project / "models/marts/core/revenue_summary.sql").write_text(BAD_MART_SQL)
    (project / "models/marts/core/_revenue_summary.yml").write_text(BAD_MART_YML)

    result = run_check(project, tmp_path / "target")

    assert result.returncode == 1, result.stdout + result.stderr
    report = result.stdout
    assert (
        "models/marts/core/revenue_summary.sql  (documented in models/marts/core/_revenue_summary.yml)"
        in report
    )
    expected = {
        "a model is named after its layer": "named revenue_summary; expected dim_<entity>, fct_<event> or mart_<subject>",
        "every mart enforces its dbt contract": "the contract is not enforced",
        "only staging models read sources": "reads source(s) billing.invoices outside staging",
        "every model's primary key is tested": "no primary-key test",
        "every column of a model is listed in its yml with a description": "columns without a description: amount.",
        "no threshold is a number written in the SQL": "numbers compared in the SQL: 5000 (line 7).",
    }
    for rule, finding in expected.items():
        assert f"rule:  {rule}" in report
        assert finding in report
    assert report.count("  fix:   ") == len(expected)
    # Only the bad model is reported: the rest of the copy is the clean repo.
    assert "1 file(s) break 6 rule(s)" in report


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        # A threshold on either side of a comparison, with its line.
        ("select * from t\nwhere days_since_login >= 30", [("30", 2)]),
        ("select 5 < tickets as rising from t", [("5", 1)]),
        # Both ends of a between; a number in arithmetic inside the operand.
        ("where share between 0.2 and 0.8", [("0.2", 1), ("0.8", 1)]),
        ("where activity_on > as_of_date - 14", [("14", 1)]),
        ("where x > (y - 14) and z", [("14", 1)]),
        # 0, 1, -1 and 100 are not thresholds.
        ("where a > 0 and b = 1 and c > -1 and d <= 100.0", []),
        # Jinja, comments and strings are not SQL numbers.
        ("where a > {{ var('churn_no_login_days', 30) }} -- over 30\nand b = '45'", []),
        ("/* keep 90 days */ where a > b", []),
        # Formatting arguments and date parts are not thresholds.
        ("where round(rate, 2) > b", []),
        ("where month(invoiced_on) = 12", []),
        ("where extract(dow from d) = 6", []),
        # Numbers outside comparisons are not thresholds.
        ("select 12 * mrr_amount as arr from t limit 10", []),
    ],
)
def test_find_thresholds(sql, expected):
    found = [
        (threshold.text, threshold.line) for threshold in find_thresholds(textwrap.dedent(sql))
    ]
    assert found == expected


@pytest.mark.parametrize(
    ("path", "name", "expected"),
    [
        ("models/staging/crm/stg_crm__accounts.sql", "stg_crm__accounts", None),
        ("models/staging/crm/base/base_crm__accounts.sql", "base_crm__accounts", None),
        ("models/staging/ml/stg_ml__account_clusters.sql", "stg_ml__account_clusters", None),
        # The system in the name is the folder's; base_ models live in base/.
        (
            "models/staging/crm/stg_billing__invoices.sql",
            "stg_billing__invoices",
            "stg_crm__<table>",
        ),
        ("models/staging/crm/base/stg_crm__accounts.sql", "stg_crm__accounts", "base_crm__<table>"),
        ("models/staging/crm/stg_crm_accounts.sql", "stg_crm_accounts", "stg_crm__<table>"),
        (
            "models/intermediate/finance/int_account_mrr_monthly.sql",
            "int_account_mrr_monthly",
            None,
        ),
        ("models/intermediate/finance/account_mrr.sql", "account_mrr", "int_<entity>_<verb>"),
        ("models/marts/core/fct_mrr_movements.sql", "fct_mrr_movements", None),
        ("models/marts/segments/account_segments.sql", "account_segments", None),
        ("models/marts/core/int_accounts.sql", "int_accounts", "dim_<entity>"),
        ("models/quarantine/quarantined_rows.sql", "quarantined_rows", None),
        ("models/quarantine/landing_reconciliation.sql", "landing_reconciliation", None),
        ("models/quarantine/bad_rows.sql", "bad_rows", "quarantined_<what>"),
        ("models/scratch.sql", "scratch", "layer folders"),
    ],
)
def test_expected_name(path, name, expected):
    model = SimpleNamespace(original_file_path=path, name=name)
    found = expected_name(model, mart_names_allowed=["account_segments"])
    assert found is None if expected is None else expected in found
