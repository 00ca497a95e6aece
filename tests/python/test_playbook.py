"""The playbook marts on the S demo: the summary prints the quarter's
scorecard and the next actions by kind, and changing one rule in the rules
seed changes exactly the accounts that rule touches. (Rule matching and
every KPI against hand-worked cases are dbt unit tests in
models/playbook/*/_playbook_*__models.yml.)"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from b2b_ops.settings import PROJECT_DIR
from b2b_ops.summary import playbook, section_lines
from conftest import query

DBT = str(Path(sys.executable).with_name("dbt"))
ACTIONS_SQL = (
    "select account_id, action, rule_id, owner_id, due_on, reason "
    "from marts.mart_account_next_actions"
)


def test_summary_prints_the_quarter_scorecard_and_actions_by_kind(demo_build):
    stdout = demo_build["stdout"]
    assert "Playbook KPIs 2026-Q2" in stdout
    for label in (
        "annual retention",
        "upsell rate of high-value accounts",
        "NPS",
        "share of new customers from referrals",
        "referral conversion",
        "lead-to-trial rate",
        "trial-to-paid rate",
        "CAC",
        "LTV of high-value accounts",
    ):
        assert f"  {label}" in stdout, label
    assert "Next actions:" in stdout
    counts = dict(
        query(
            demo_build["warehouse"],
            "select action, count(*) from marts.mart_account_next_actions group by action",
        )
    )
    assert counts, "the S demo should fire some actions"
    for action, count in counts.items():
        assert any(
            line.split()[:1] == [action] and line.split()[-1] == f"{count:,}"
            for line in stdout.splitlines()
        ), action


def test_scorecard_has_months_the_latest_quarter_and_year(demo_build):
    rows = query(
        demo_build["warehouse"],
        "select period_kind, min(period_start), max(period_start), count(distinct kpi) "
        "from marts.mart_kpi_scorecard group by period_kind order by period_kind",
    )
    by_kind = {kind: (first, last, kpis) for kind, first, last, kpis in rows}
    # As of 2026-06-30 the latest complete quarter is Q2 2026 and its year
    # the four quarters from 2025-07; June is the last complete month.
    assert by_kind["quarter"] == (dt.date(2026, 4, 1), dt.date(2026, 4, 1), 10)
    assert by_kind["year"] == (dt.date(2025, 7, 1), dt.date(2025, 7, 1), 10)
    assert by_kind["month"][1] == dt.date(2026, 6, 1)


def test_summary_is_empty_without_the_marts():
    with duckdb.connect(":memory:") as connection:
        assert section_lines(playbook, connection, dt.date(2026, 6, 30)) == []


def _project_copy(target: Path) -> Path:
    target.mkdir(parents=True)
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(PROJECT_DIR / name, target / name)
    for folder in ("models", "macros", "seeds"):
        shutil.copytree(PROJECT_DIR / folder, target / folder)
    shutil.copytree(
        PROJECT_DIR / "tests", target / "tests", ignore=shutil.ignore_patterns("python", "fixtures")
    )
    return target


def _rewrite_rule(seed: Path, rule_id: str, column: str, value: str) -> None:
    with seed.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    fieldnames = list(rows[0])
    changed = 0
    for row in rows:
        if row["rules_version"] == "v1" and row["rule_id"] == rule_id:
            row[column] = value
            changed += 1
    assert changed == 1
    with seed.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)


def test_changing_one_rule_changes_exactly_the_accounts_it_touches(demo_build, tmp_path):
    # R12 sends cost-reduction content to manufacturing accounts whose usage
    # report is due; point it at logistics instead and rebuild the seed and
    # the mart on a copy of the demo warehouse.
    project = _project_copy(tmp_path / "project")
    warehouse = tmp_path / "w.duckdb"
    shutil.copy(demo_build["warehouse"], warehouse)
    before = set(query(warehouse, ACTIONS_SQL))
    _rewrite_rule(project / "seeds" / "playbook_rules.csv", "R12", "industry", "logistics")
    env = {
        **os.environ,
        "B2B_OPS_WAREHOUSE": str(warehouse),
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
    }
    dbt_vars = f'{{as_of_date: "{demo_build["as_of"].isoformat()}"}}'
    for arguments in (
        ["seed", "--select", "playbook_rules", "--full-refresh"],
        ["run", "--select", "mart_account_next_actions"],
    ):
        result = subprocess.run(
            [DBT, *arguments, "--profiles-dir", ".", "--vars", dbt_vars],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout[-3000:]
    after = set(query(warehouse, ACTIONS_SQL))

    changed_accounts = {row[0] for row in before ^ after}
    manufacturing_before = {row[0] for row in before if row[2] == "R12"}
    logistics_after = {row[0] for row in after if row[2] == "R12"}
    due_by_industry = dict(
        query(
            warehouse,
            "select industry, list(account_id) from intermediate.int_playbook_account_signals "
            "where is_usage_report_due and industry in ('manufacturing', 'logistics') group by industry",
        )
    )
    assert manufacturing_before and logistics_after
    assert manufacturing_before == set(due_by_industry["manufacturing"])
    assert logistics_after == set(due_by_industry["logistics"])
    assert changed_accounts == manufacturing_before | logistics_after
    # Only R12's rows moved: everything else is row-for-row the same.
    assert {row for row in before if row[2] != "R12"} == {row for row in after if row[2] != "R12"}
    assert {row[1] for row in after if row[2] == "R12"} == {"industry_content_cost_reduction"}


def test_every_flagged_paying_account_reaches_a_person(demo_build):
    # Issue 12's first promise: a churn flag on a paying account puts it on
    # the CSM worklist (high risk, or a flag on a dedicated-CSM account) or
    # into the automated re-engagement (a flag on a mid or low one).
    flagged, unreached = query(
        demo_build["warehouse"],
        """
        with flagged as (
            select health.account_id
            from marts.fct_account_health as health
            inner join marts.dim_accounts as accounts on health.account_id = accounts.account_id
            where health.as_of_date = ?
                and health.flag_count > 0
                and accounts.lifecycle_stage in ('paying', 'loyal')
        ),
        reached as (
            select account_id from marts.mart_csm_worklist
            where work_item in ('high_risk', 'churn_flag')
            union
            select account_id from marts.mart_account_next_actions
            where owner_kind = 'automated' and signal = 'has_churn_flag'
        )
        select
            count(*),
            -- list() of no rows is null: an empty list when everyone is reached
            coalesce(list(flagged.account_id) filter (where reached.account_id is null), [])
        from flagged
        left join reached on flagged.account_id = reached.account_id
        """,
        [demo_build["as_of"]],
    )[0]
    # The S demo has about 150 flagged paying accounts on its as-of date.
    assert flagged >= 50
    assert unreached == []


def test_the_worklist_and_the_current_view_use_the_same_words(demo_build):
    # The reasons are written once (int_playbook_health_reasons): a churn
    # warning on the worklist reads exactly as the account's current health.
    rows = query(
        demo_build["warehouse"],
        "select worklist.reason, current_health.health_reason, current_health.churn_flags_text "
        "from marts.mart_csm_worklist as worklist "
        "inner join marts.mart_account_health_current as current_health "
        "on worklist.account_id = current_health.account_id "
        "where worklist.work_item in ('high_risk', 'churn_flag')",
    )
    assert rows, "the S demo should have churn warnings on its worklist"
    assert all(reason == health_reason for reason, health_reason, _ in rows)
    assert all(flags and reason.startswith(f"churn flags: {flags}.") for reason, _, flags in rows)
