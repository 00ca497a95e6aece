"""`make conventions`: the repo follows its conventions, and a model that
breaks them fails the check with its file, each rule in plain words and the
fix: names, contracts, keys, thresholds, refs that point up a layer, and
columns that differ from the yml. The threshold finder, the layer names and
the ref directions are tested on hand-written cases."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest

from b2b_ops.dev.conventions.rules import expected_name, inline_var_defaults, upward_refs
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


@pytest.fixture(scope="module")
def broken_copy(tmp_path_factory) -> subprocess.CompletedProcess:
    """One copy of the dbt project with every plant below, checked once (a
    check parses the whole project: once for the three plants, not thrice)."""
    root = tmp_path_factory.mktemp("broken_copy")
    project = copy_dbt_project(root / "project")
    plant_a_bad_mart(project)
    plant_upward_refs(project)
    plant_columns_that_differ_from_the_yml(project)
    result = run_check(project, root / "target")
    assert result.returncode == 1, result.stdout + result.stderr
    return result


def file_section(report: str, sql_file: str) -> str:
    """The report's lines about one file: from its heading to the next file's."""
    start = report.index(f"\n{sql_file}  (documented in ")
    heading_end = report.index("\n", start + 1)
    following = report.find("  (documented in ", heading_end)
    end = report.rfind("\n", heading_end, following) if following != -1 else len(report)
    return report[start:end]


# A mart that breaks seven rules at once: it is named without a mart prefix,
# switches its contract off, reads a source, has no key test, leaves a column
# undescribed and compares with 5000 on its line 7, and that comparison of
# landed text with a number does not bind.
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


def plant_a_bad_mart(project: Path) -> None:
    (project / "models/marts/core/revenue_summary.sql").write_text(BAD_MART_SQL)
    (project / "models/marts/core/_revenue_summary.yml").write_text(BAD_MART_YML)


def test_a_model_that_breaks_the_rules_fails_with_file_rule_and_fix(broken_copy):
    report = broken_copy.stdout
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
        "a model's SQL binds against the columns of what it reads": "its SQL does not bind, so its "
        "columns are unknown: Binder Error: Cannot compare values of type VARCHAR",
    }
    section = file_section(report, "models/marts/core/revenue_summary.sql")
    for rule, finding in expected.items():
        assert f"rule:  {rule}" in section
        assert finding in section
    assert section.count("  fix:   ") == len(expected)


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{path} no longer has {old!r}: update the test"
    path.write_text(text.replace(old, new))


SEGMENT_READER_SQL = """\
select account_id from {{ ref('int_account_segment_features') }}
"""


def plant_upward_refs(project: Path) -> None:
    # A mart reading another mart (as mart_decision_chain did before it read
    # int_accounts_as_of), an intermediate model reading a mart, and a model
    # reading the features that only the clustering asset may read.
    replace_in(
        project / "models/marts/health/mart_decision_chain.sql",
        "ref('int_accounts_as_of')",
        "ref('dim_accounts')",
    )
    replace_in(
        project / "models/intermediate/health/int_account_health_grid.sql",
        "select * from {{ ref('stg_billing__subscriptions') }}",
        "select * from {{ ref('stg_billing__subscriptions') }}\n"
        "    where account_id in (select account_id from {{ ref('fct_rfm') }})",
    )
    (project / "models/intermediate/segments/int_segment_reader.sql").write_text(SEGMENT_READER_SQL)


def test_refs_that_point_up_a_layer_fail_with_file_ref_and_fix(broken_copy):
    report = broken_copy.stdout
    assert (
        "models/marts/health/mart_decision_chain.sql  "
        "(documented in models/marts/health/_health__models.yml)" in report
    )
    assert "rule:  data flows one way" in report
    assert (
        "found: mart_decision_chain: ref('dim_accounts') reads the mart "
        "models/marts/core/dim_accounts.sql." in report
    )
    assert (
        "found: int_account_health_grid: ref('fct_rfm') reads models/marts/core/fct_rfm.sql, "
        "in the higher layer marts." in report
    )
    assert (
        "fix:   move the shared logic to an intermediate model (models/intermediate/<area>/) "
        "that both read, or move mart_decision_chain to the final layer" in report
    )
    assert (
        "found: int_account_segment_features: read by int_segment_reader; it is documented "
        "as read only by the Dagster asset ml/account_clusters" in report
    )


def plant_columns_that_differ_from_the_yml(project: Path) -> None:
    # A column added to a mart's SQL and not to its yml (before this check,
    # only the contract caught it, at build time, naming no yml), and a column
    # taken out of a mart's SQL but left in its yml.
    replace_in(
        project / "models/marts/health/fct_trials.sql",
        "        offer_discount_rate\n",
        "        offer_discount_rate,\n        login_days * 2 as login_score\n",
    )
    replace_in(
        project / "models/marts/health/mart_trial_conversion.sql",
        "        ) as integer) as open_offer_trial_count,\n        {{ as_of_date() }} as as_of_date\n",
        "        ) as integer) as open_offer_trial_count\n",
    )


def test_columns_that_differ_from_the_yml_fail_with_yml_model_column_and_fix(broken_copy):
    report = broken_copy.stdout
    yml = "models/marts/health/_health__models.yml"
    assert f"models/marts/health/fct_trials.sql  (documented in {yml})" in report
    assert "rule:  every column a model outputs is listed in its yml" in report
    assert "found: fct_trials: outputs column login_score, which its yml does not list." in report
    assert (
        f"fix:   add the column to {yml} under fct_trials, with a description (and a data_type "
        "in a mart), or remove it from models/marts/health/fct_trials.sql." in report
    )
    assert "rule:  every column a model's yml lists is one its SQL outputs" in report
    assert (
        "found: mart_trial_conversion: its yml lists column as_of_date, which the SQL does not "
        "output." in report
    )


def test_only_the_planted_files_are_reported(broken_copy):
    # The rest of the copy is the clean repo: the report lists the files the
    # three plants above touched, and no other.
    reported = {
        line.split("  (documented in")[0]
        for line in broken_copy.stdout.splitlines()
        if "  (documented in " in line
    }
    assert reported == {
        "models/marts/core/revenue_summary.sql",
        "models/marts/health/mart_decision_chain.sql",
        "models/intermediate/health/int_account_health_grid.sql",
        "models/intermediate/segments/int_segment_reader.sql",
        # reported for being read by a model, not only by the clustering asset
        "models/intermediate/segments/int_account_segment_features.sql",
        "models/marts/health/fct_trials.sql",
        "models/marts/health/mart_trial_conversion.sql",
    }


@pytest.mark.parametrize(
    ("path", "parent_path", "upward"),
    [
        # Down or level: fine.
        ("models/intermediate/a/int_x.sql", "models/staging/crm/stg_crm__accounts.sql", False),
        ("models/intermediate/a/int_x.sql", "models/intermediate/b/int_y.sql", False),
        ("models/marts/core/dim_x.sql", "models/intermediate/a/int_y.sql", False),
        ("models/marts/core/dim_x.sql", "models/staging/crm/_crm__sources.yml", False),
        ("models/marts/core/dim_x.sql", "seeds/value_tier_matrix.csv", False),
        (
            "models/quarantine/quarantined_rows.sql",
            "models/staging/crm/base/base_crm__a.sql",
            False,
        ),
        ("models/playbook/marts/mart_x.sql", "models/marts/core/dim_y.sql", False),
        ("models/playbook/marts/mart_x.sql", "models/playbook/intermediate/int_y.sql", False),
        ("models/playbook/intermediate/int_x.sql", "models/playbook/marts/mart_y.sql", False),
        ("models/semantic/sem_x.sql", "models/playbook/intermediate/int_y.sql", False),
        # Up a layer, or mart to mart inside models/marts.
        ("models/staging/crm/stg_crm__x.sql", "models/intermediate/a/int_y.sql", True),
        ("models/intermediate/a/int_x.sql", "models/marts/core/dim_y.sql", True),
        ("models/intermediate/a/int_x.sql", "models/playbook/intermediate/int_y.sql", True),
        ("models/marts/core/dim_x.sql", "models/marts/health/fct_y.sql", True),
        ("models/marts/core/dim_x.sql", "models/playbook/marts/mart_y.sql", True),
        ("models/playbook/marts/mart_x.sql", "models/semantic/sem_y.sql", True),
    ],
)
def test_upward_refs(path, parent_path, upward):
    parent = SimpleNamespace(name="parent", original_file_path=parent_path)
    model = SimpleNamespace(name="model", original_file_path=path, parents=[parent])
    assert bool(upward_refs(model)) is upward


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("where a > {{ var('churn_no_login_days') }}", []),
        ("where a > {{ var('churn_no_login_days', 30) }}", ["churn_no_login_days"]),
        ('{%- set h = var("horizons" , [30, 60]) -%}', ["horizons"]),
        ("{{ var('as_of_date', none) }} {{ var('as_of_date') }}", ["as_of_date"]),
        ("{{ other_var('x', 1) }}", []),
    ],
)
def test_inline_var_defaults(sql, expected):
    assert inline_var_defaults(sql) == expected


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
        # The final layer: its steps are int_, its marts are marts.
        ("models/playbook/marts/mart_kpi_scorecard.sql", "mart_kpi_scorecard", None),
        (
            "models/playbook/intermediate/int_playbook_kpi_months.sql",
            "int_playbook_kpi_months",
            None,
        ),
        ("models/playbook/marts/int_playbook_x.sql", "int_playbook_x", "dim_<entity>"),
        ("models/playbook/intermediate/mart_x.sql", "mart_x", "int_<entity>_<verb>"),
        ("models/playbook/mart_x.sql", "mart_x", "models/playbook/{intermediate,marts}/"),
        ("models/quarantine/quarantined_rows.sql", "quarantined_rows", None),
        ("models/quarantine/landing_reconciliation.sql", "landing_reconciliation", None),
        ("models/quarantine/bad_rows.sql", "bad_rows", "quarantined_<what>"),
        # The semantic layer: sem_<subject>.
        ("models/semantic/sem_time_spine_days.sql", "sem_time_spine_days", None),
        ("models/semantic/time_spine.sql", "time_spine", "sem_<subject>"),
        ("models/scratch.sql", "scratch", "layer folders"),
    ],
)
def test_expected_name(path, name, expected):
    model = SimpleNamespace(original_file_path=path, name=name)
    found = expected_name(model, mart_names_allowed=["account_segments"])
    assert found is None if expected is None else expected in found
