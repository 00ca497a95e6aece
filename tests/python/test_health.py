"""Account health and early warning: point-in-time correctness of
fct_account_health, and the churn backtest recovering the demo's planted
churners (ground truth in the demo's truth folder)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import pytest

from builds import EARLY_AS_OF, XS_AS_OF
from conftest import query

# The daily part of the health grid (health_daily_history_days = 90) of both
# builds covers EARLY_AS_OF - 59 .. EARLY_AS_OF. A row's change columns
# compare it with the previous grid date, so rows whose previous day is in
# both daily parts (EARLY_AS_OF - 58 onwards) must agree in every column.
OVERLAP_DAYS = 58
LOOKBACK_DAYS = 60  # the backtest horizon the planted-churner checks use


def _health_rows(warehouse: Path, first: dt.date, last: dt.date) -> list[tuple]:
    return query(
        warehouse,
        "select * from marts.fct_account_health where as_of_date between "
        f"date '{first}' and date '{last}' order by account_id, as_of_date",
    )


def test_health_rows_do_not_change_when_later_data_arrives(xs_two_builds):
    first = EARLY_AS_OF - dt.timedelta(days=OVERLAP_DAYS)
    early_rows = _health_rows(xs_two_builds["early"], first, EARLY_AS_OF)
    late_rows = _health_rows(xs_two_builds["late"], first, EARLY_AS_OF)
    # The comparison must have something to compare, and the later build must
    # really have seen more (later logins and tickets), or it proves nothing.
    assert len(early_rows) > 100
    later_activity = query(
        xs_two_builds["late"],
        "select count(*) from intermediate.int_account_daily_activity "
        f"where activity_on > date '{EARLY_AS_OF}'",
    )[0][0]
    assert later_activity > 0
    assert early_rows == late_rows


def test_the_early_build_has_no_row_after_its_as_of_date(xs_two_builds):
    latest = query(xs_two_builds["early"], "select max(as_of_date) from marts.fct_account_health")[
        0
    ][0]
    assert latest == EARLY_AS_OF


def _planted_churners(truth: Path, first_snapshot: dt.date) -> list[tuple[str, dt.date]]:
    """Planted churners whose whole lookback lies inside the health history."""
    with (truth / "accounts.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    churners = []
    for row in rows:
        if row["is_planted_churner"] == "true" and row["churned_on"]:
            churned_on = dt.date.fromisoformat(row["churned_on"])
            if churned_on - dt.timedelta(days=LOOKBACK_DAYS) >= first_snapshot:
                churners.append((row["account_id"], churned_on))
    return churners


def _share_caught(warehouse: Path, churners: list[tuple[str, dt.date]], condition: str) -> float:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        caught = 0
        for account_id, churned_on in churners:
            hits = connection.execute(
                "select count(*) from marts.fct_account_health where account_id = ? "
                f"and as_of_date < ? and as_of_date >= ? and ({condition})",
                [account_id, churned_on, churned_on - dt.timedelta(days=LOOKBACK_DAYS)],
            ).fetchone()[0]
            caught += hits > 0
    return caught / len(churners)


@pytest.fixture(scope="module")
def planted(demo_build) -> list[tuple[str, dt.date]]:
    first = query(demo_build["warehouse"], "select min(as_of_date) from marts.fct_account_health")[
        0
    ][0]
    churners = _planted_churners(demo_build["truth"], first)
    # S plants about 50 churners with a full lookback; fewer means the demo changed.
    assert len(churners) >= 30
    return churners


def test_planted_churners_are_at_risk_before_they_churn(demo_build, planted):
    # Planted churners use the product at 30 %, open 3x the tickets and score
    # NPS 0-6 in the 8 weeks before churn: each should reach medium or high
    # risk in the 60 days before. 5 % slack: a churner whose signs started
    # before its first paid day shows fewer of them.
    assert _share_caught(demo_build["warehouse"], planted, "risk_level <> 'low'") >= 0.95
    # High risk needs most factors at once, or 30 days without login; on S
    # it catches about 80 %.
    assert _share_caught(demo_build["warehouse"], planted, "risk_level = 'high'") >= 0.70


def test_no_login_flag_finds_the_planted_long_silences(demo_build, planted):
    # The last login comes 20-45 days (uniform) before churn, so a 30-day
    # rule can fire for 16 of 26 gap lengths: 0.615. With about 50 churners
    # the standard error is about 0.07; +-0.17 is 2.5 of them.
    share = _share_caught(demo_build["warehouse"], planted, "flag_no_login")
    assert 0.45 <= share <= 0.80


def test_high_risk_accounts_are_planted_churners(demo_build):
    with (demo_build["truth"] / "accounts.csv").open() as handle:
        planted_ids = {
            row["account_id"]
            for row in csv.DictReader(handle)
            if row["is_planted_churner"] == "true"
        }
    high_risk = {
        account_id
        for (account_id,) in query(
            demo_build["warehouse"],
            "select distinct account_id from marts.fct_account_health where risk_level = 'high'",
        )
    }
    assert high_risk, "the demo should produce high-risk accounts"
    # Healthy demo accounts can still lose points for noise (a 10 -> 8 NPS),
    # but not enough for high risk: allow 10 % for that.
    assert len(high_risk & planted_ids) / len(high_risk) >= 0.90


def test_backtest_churn_rates_separate_the_risk_levels(demo_build):
    rates = dict(
        query(
            demo_build["warehouse"],
            "select signal_name, precision_rate from marts.mart_churn_signal_backtest where horizon_days = 60",
        )
    )
    # The playbook's high-risk line is a churn likelihood of 20 %: the high
    # level must clear it, the low level must not, and they must be ordered.
    assert rates["risk_high"] >= 0.20
    assert rates["risk_low"] < 0.20
    assert rates["risk_high"] > rates["risk_medium"] > rates["risk_low"]


def test_trial_signal_matches_the_planted_truth(demo_build):
    with (demo_build["truth"] / "trials.csv").open() as handle:
        truth = {row["trial_id"]: row for row in csv.DictReader(handle)}
    built = query(
        demo_build["warehouse"],
        "select trial_id, is_high_conversion_signal, is_converted from marts.fct_trials",
    )
    matched = [row for row in built if row[0] in truth]
    assert len(matched) >= 0.99 * len(truth)
    # The generator plants the signal and conversions exactly; the marts
    # must read them back exactly (dirty rows are quarantined, not guessed).
    assert all((truth[t]["has_planted_signal"] == "true") == signal for t, signal, _ in matched)
    assert all((truth[t]["converted"] == "true") == converted for t, _, converted in matched)


def test_summary_shows_the_backtest(demo_build):
    out = demo_build["stdout"]
    assert "Churn warning backtest" in out
    assert "flag_no_login" in out and "Churn rate by risk level" in out


def test_summary_is_empty_without_the_health_marts():
    from b2b_ops.summary import health, section_lines

    with duckdb.connect(":memory:") as connection:
        assert section_lines(health, connection, XS_AS_OF) == []


def test_summary_shows_the_planted_churners_the_warning_reached(demo_build):
    # The demo's truth folder sits beside its landing folder, so the summary
    # counts the planted churners reached by a flag or high risk before
    # they churned (summary/churners.py).
    out = demo_build["stdout"]
    assert "Planted churners the warning reached" in out
    line = next(line for line in out.splitlines() if "churned by 2026-06-30:" in line)
    reached, planted = (int(word) for word in line.split(":")[1].split()[0:3:2])
    # S plants about 50 churners with a full lookback; each shows the signs
    # for 8 weeks, so the flags reach nearly all of them.
    assert planted >= 30
    assert reached / planted >= 0.90


def test_the_churner_summary_reads_the_demo_truth(tmp_path):
    from b2b_ops.settings import truth_dir_beside
    from b2b_ops.summary import churners

    (tmp_path / "landing").mkdir()
    assert truth_dir_beside(tmp_path / "landing") is None
    truth = tmp_path / "ground_truth"
    truth.mkdir()
    (truth / "accounts.csv").write_text(
        "account_id,churned_on,is_planted_churner,upcoming_churn_on,shows_churn_signs_before_as_of\n"
        "a,2026-05-01,true,,false\n"
        "b,2026-05-01,false,,false\n"
        "c,,false,2026-07-20,true\n"
        "d,,false,2026-07-20,false\n"
    )
    assert truth_dir_beside(tmp_path / "landing") == truth
    churned, upcoming = churners.planted_churners(truth, XS_AS_OF)
    assert churned == [churners.Churner("a", dt.date(2026, 5, 1))]
    assert upcoming == [churners.Churner("c", dt.date(2026, 7, 20))]
    reached = churners.Reach(churned[0], dt.date(2026, 4, 1), reached_csm=True)
    missed = churners.Reach(upcoming[0], None, reached_csm=False)
    assert reached.lead_days == 30 and missed.lead_days is None
    assert churners.reach_line("x", [reached, missed]) == (
        "  x: 1 of 2 reached (1 by a CSM, 0 automated only), "
        "first warned a median 30 d before the churn (30-30 d)"
    )


def test_the_churner_summary_needs_the_health_marts(tmp_path):
    from b2b_ops.summary import truth_lines

    with duckdb.connect(":memory:") as connection:
        assert truth_lines(connection, XS_AS_OF, tmp_path) == []
        assert truth_lines(connection, XS_AS_OF, None) == []
