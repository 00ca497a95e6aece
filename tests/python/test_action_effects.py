"""What each action is worth, against the demo's known answer: the generator
plants an odds ratio of churn within 90 days for each activity kind
(ground truth activity_effects.csv: some help, usage_report does nothing),
and mart_action_effectiveness finds each effect within its interval and
finds none where none was planted, in churn and in the MRR retained that
follows from it.

The recovery runs on the demo at size M (builds.demo_m_job): check-ins and
executive reviews answer the items of high-value accounts only, and at S
(the `make demo` size) too few of those churn to tell anything. At M the
test passes for about 96 % of the generator's possible policy draws, not
just for seed 42 (docs/action-effects.md, "The demo's known answer").

The planted ratios are read from the ground truth, not written here."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import pytest

from b2b_ops.summary import outcomes
from conftest import query

# The no-effect kind's interval must be this narrow (in churn-rate points),
# so that a powerless estimate (every interval wide) cannot pass it.
MAX_NO_EFFECT_INTERVAL_WIDTH = 0.05


def planted_effects(truth: Path) -> list[dict[str, str]]:
    with (truth / "activity_effects.csv").open() as handle:
        return list(csv.DictReader(handle))


def estimate(warehouse: Path, work_item: str, activity_kind: str, horizon_days: int) -> dict:
    [row] = query(
        warehouse,
        "select churn_rate_difference, churn_rate_difference_low, churn_rate_difference_high, "
        "is_difference_significant, odds_ratio, odds_ratio_low, odds_ratio_high, "
        "comparison_warning from marts.mart_action_effectiveness "
        "where work_item = ? and activity_kind = ? and horizon_days = ?",
        [work_item, activity_kind, horizon_days],
    )
    names = ("difference", "low", "high", "significant", "odds_ratio", "or_low", "or_high")
    return dict(zip((*names, "warning"), row, strict=True))


def recovery_problems(warehouse: Path, truth: Path) -> list[str]:
    """Every way the mart's estimates disagree with the planted answer."""
    problems = []
    for effect in planted_effects(truth):
        kind, planted = effect["activity_kind"], float(effect["planted_odds_ratio"])
        found = estimate(warehouse, effect["answers_work_item"], kind, int(effect["horizon_days"]))
        label = f"{kind} on {effect['answers_work_item']} (planted OR {planted}): {found}"
        if found["warning"] is not None:
            problems.append(f"a warning where the demo has data enough for {label}")
            continue
        if not found["or_low"] <= planted <= found["or_high"]:
            problems.append(f"planted odds ratio outside the interval for {label}")
        if effect["planted_effect"] == "helps":
            if not (found["or_high"] < 1 and found["high"] < 0 and found["significant"]):
                problems.append(f"no effect found where one was planted for {label}")
        else:
            if found["significant"] or not found["or_low"] <= 1 <= found["or_high"]:
                problems.append(f"an effect found where none was planted for {label}")
            if found["high"] - found["low"] > MAX_NO_EFFECT_INTERVAL_WIDTH:
                problems.append(f"interval too wide to show no effect for {label}")
    return problems


@pytest.fixture(scope="module")
def effects(demo_build) -> tuple[Path, Path]:
    return demo_build["warehouse"], demo_build["truth"]


@pytest.fixture(scope="module")
def effects_m(demo_m_build) -> tuple[Path, Path]:
    return demo_m_build["warehouse"], demo_m_build["truth"]


def test_the_ground_truth_plants_helpful_kinds_and_one_that_does_nothing(effects_m):
    _, truth = effects_m
    effects = planted_effects(truth)
    kinds = {row["activity_kind"]: row["planted_effect"] for row in effects}
    assert "helps" in kinds.values()
    assert list(kinds.values()).count("none") == 1
    # Both kinds of cycle item are tested, so the check-ins of high-value
    # accounts cannot drop out of the recovery unnoticed.
    assert {row["answers_work_item"] for row in effects} == {"csm_checkin_due", "usage_report_due"}


def test_each_planted_effect_is_recovered_and_none_is_invented(effects_m):
    warehouse, truth = effects_m
    assert recovery_problems(warehouse, truth) == []


def test_mrr_retained_follows_the_planted_churn_effects(effects_m):
    # MRR retained is not planted itself, but a churned account keeps none of
    # its MRR: where fewer acted items churn, acted items keep more MRR, and
    # where the action does nothing the MRR difference's interval holds 0.
    warehouse, truth = effects_m
    for effect in planted_effects(truth):
        [row] = query(
            warehouse,
            "select mrr_retained_rate_difference, mrr_retained_rate_difference_low, "
            "mrr_retained_rate_difference_high, comparison_warning "
            "from marts.mart_action_effectiveness "
            "where work_item = ? and activity_kind = ? and horizon_days = ?",
            [effect["answers_work_item"], effect["activity_kind"], int(effect["horizon_days"])],
        )
        difference, low, high, warning = row
        assert warning is None, (effect, row)
        assert low <= difference <= high, (effect, row)
        if effect["planted_effect"] == "helps":
            assert low > 0, (effect, row)
        else:
            assert low <= 0 <= high, (effect, row)


def test_summary_prints_follow_through_and_each_effect_beside_the_planted_one(effects):
    warehouse, truth = effects
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        text = "\n".join(outcomes.lines(connection, dt.date(2026, 6, 30), truth))
    assert "Worklist follow-through" in text
    assert "on time" in text and "not acted" in text
    for effect in planted_effects(truth):
        [line] = [
            line
            for line in text.splitlines()
            if line.split()[:2] == [effect["activity_kind"], effect["answers_work_item"]]
        ]
        assert line.endswith(f"planted OR {float(effect['planted_odds_ratio']):.2f}"), line


def test_summary_says_when_no_activity_landed():
    with duckdb.connect(":memory:") as connection:
        connection.execute("create schema marts")
        connection.execute("create table marts.mart_action_effectiveness (work_item varchar)")
        lines = outcomes.lines(connection, dt.date(2026, 6, 30), None)
    assert lines == ["CS activities: none landed; follow-through and action effects not measured"]
