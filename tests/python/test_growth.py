"""Growth marts: the SQL statistics against scipy, the planted rates of the
demo recovered from the marts, and the summary section."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from scipy.stats import chi2, chi2_contingency, norm

from b2b_ops.demo_data.config import CHANNEL_CAC_USD
from b2b_ops.settings import PROJECT_DIR
from b2b_ops.summary import growth, section_lines
from conftest import query

# The SQL normal CDF (Abramowitz-Stegun 7.1.26) is within 1.5e-7 of the exact
# one, so a two-sided p-value is within 3e-7; 1e-6 leaves room for rounding.
P_VALUE_TOLERANCE = 1e-6
CDF_POINTS = (-6.0, -3.2, -1.959963984540054, -1.0, -0.3, 0.0, 0.25, 1.0, 1.644853627, 2.5, 4.0)
# (control conversions, control sends, variant conversions, variant sends):
# a tiny hand case, the demo's size, no difference, a zero cell, both directions.
TWO_PROPORTION_CASES = (
    (1, 4, 3, 4),
    (1656, 16207, 1865, 16338),
    (10, 100, 10, 100),
    (5, 50, 15, 60),
    (0, 30, 4, 30),
    (120, 1000, 95, 1000),
    (3, 7, 1, 9),
)
# Acklam's quantile is within 1.2e-9 of the exact one (relative), from the
# far tails through the centre, both sides of its region edges 0.02425 and
# 0.97575.
QUANTILE_POINTS = (1e-9, 0.001, 0.02, 0.02425, 0.025, 0.05, 0.3, 0.5, 0.9, 0.95, 0.975, 0.98, 0.999)
QUANTILE_TOLERANCE = 2e-9
# (statistic, degrees of freedom): odd and even degrees (the two closed forms),
# 0, a tiny and a huge statistic, and the hand cases of the A/B unit tests.
CHI_SQUARE_CASES = (
    (0.0, 1),
    (0.5, 1),
    (3.84, 1),
    (16.2, 1),
    (15.0, 2),
    (1.0, 3),
    (7.8, 3),
    (10.0, 4),
    (3.0, 5),
    (11.07, 5),
    (0.001, 12),
    (200.0, 7),
)


def dbt_show_inline(
    sql: str, warehouse: Path, tmp_path: Path, dbt_vars: dict | None = None
) -> list[dict]:
    """Run one inline query through dbt, so the project's macros render it as
    the models do, and return its rows."""
    return dbt_show(["--inline", sql], warehouse, tmp_path, dbt_vars)


def dbt_show(
    selection: list[str], warehouse: Path, tmp_path: Path, dbt_vars: dict | None = None
) -> list[dict]:
    """Run `dbt show` on an inline query or a model (compiled with dbt_vars,
    not materialized) and return its rows."""
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            "--quiet",
            "show",
            *selection,
            "--output",
            "json",
            "--limit",
            "-1",
            "--profiles-dir",
            str(PROJECT_DIR),
            "--vars",
            json.dumps(dbt_vars or {"as_of_date": "2025-06-30"}),
        ],
        cwd=PROJECT_DIR,
        env={
            **os.environ,
            "B2B_OPS_WAREHOUSE": str(warehouse),
            "DBT_TARGET_PATH": str(tmp_path / "target"),
            "DBT_LOG_PATH": str(tmp_path / "logs"),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return json.loads(result.stdout[result.stdout.index("{") :])["show"]


def scipy_two_proportion_p_value(x1: int, n1: int, x2: int, n2: int) -> float:
    # The chi-square test of the 2x2 table without continuity correction is
    # the pooled two-proportion z-test (chi2 = z^2): an independent reference.
    table = [[x1, n1 - x1], [x2, n2 - x2]]
    return float(chi2_contingency(table, correction=False)[1])


def test_normal_cdf_macro_matches_scipy(handmade_build, tmp_path):
    values = ", ".join(f"({point})" for point in CDF_POINTS)
    rows = dbt_show_inline(
        f"select z, {{{{ growth_normal_cdf('z') }}}} as cdf from (values {values}) as cases (z)",
        handmade_build["warehouse"],
        tmp_path,
    )
    assert len(rows) == len(CDF_POINTS)
    for row in rows:
        assert row["cdf"] == pytest.approx(norm.cdf(row["z"]), abs=2e-7), row


def test_two_proportion_p_values_match_scipy(handmade_build, tmp_path):
    values = ", ".join(f"({x1}, {n1}, {x2}, {n2})" for x1, n1, x2, n2 in TWO_PROPORTION_CASES)
    rows = dbt_show_inline(
        "select x1, n1, x2, n2, "
        "{{ growth_two_sided_p_value(growth_two_proportion_z('x1', 'n1', 'x2', 'n2')) }} as p_value "
        f"from (values {values}) as cases (x1, n1, x2, n2)",
        handmade_build["warehouse"],
        tmp_path,
    )
    assert len(rows) == len(TWO_PROPORTION_CASES)
    for row in rows:
        expected = scipy_two_proportion_p_value(row["x1"], row["n1"], row["x2"], row["n2"])
        assert row["p_value"] == pytest.approx(expected, abs=P_VALUE_TOLERANCE), row


def test_normal_quantile_macro_matches_scipy(handmade_build, tmp_path):
    values = ", ".join(f"({point})" for point in QUANTILE_POINTS)
    rows = dbt_show_inline(
        f"select p, {{{{ growth_normal_quantile('p') }}}} as z from (values {values}) as cases (p)",
        handmade_build["warehouse"],
        tmp_path,
    )
    assert len(rows) == len(QUANTILE_POINTS)
    for row in rows:
        expected = norm.ppf(row["p"])
        assert row["z"] == pytest.approx(expected, rel=QUANTILE_TOLERANCE, abs=1e-12), row


def test_chi_square_p_values_match_scipy(handmade_build, tmp_path):
    values = ", ".join(f"({statistic}, {freedom})" for statistic, freedom in CHI_SQUARE_CASES)
    rows = dbt_show_inline(
        "select x, k, {{ growth_chi_square_p_value('x', 'k') }} as p_value "
        f"from (values {values}) as cases (x, k)",
        handmade_build["warehouse"],
        tmp_path,
    )
    assert len(rows) == len(CHI_SQUARE_CASES)
    for row in rows:
        # Odd degrees of freedom go through the SQL normal CDF (3e-7 on a
        # two-sided p-value); even ones are exact sums.
        expected = chi2.sf(row["x"], row["k"])
        assert row["p_value"] == pytest.approx(expected, abs=P_VALUE_TOLERANCE), row


def _planted(demo_build) -> dict:
    return json.loads((demo_build["truth"] / "planted_parameters.json").read_text())


def test_demo_experiment_matches_scipy_and_covers_the_planted_difference(demo_build):
    planted = _planted(demo_build)
    rows = query(
        demo_build["warehouse"],
        "select treatment.sends, treatment.conversions, control.sends, control.conversions, "
        "treatment.p_value, treatment.ci_lower, treatment.ci_upper, "
        "treatment.has_sample_ratio_mismatch "
        "from marts.mart_ab_tests as treatment "
        "inner join marts.mart_ab_tests as control "
        "on treatment.experiment_id = control.experiment_id and control.is_control "
        f"where treatment.experiment_id = '{planted['experiment_id']}' "
        "and treatment.variant = 'treatment'",
    )
    assert len(rows) == 1
    sends, conversions, control_sends, control_conversions, p_value, ci_lower, ci_upper, srm = rows[
        0
    ]
    assert p_value == pytest.approx(
        scipy_two_proportion_p_value(control_conversions, control_sends, conversions, sends),
        abs=P_VALUE_TOLERANCE,
    )
    # The Wald interval recomputed with scipy's exact 97.5 % quantile.
    rate, control_rate = conversions / sends, control_conversions / control_sends
    half_width = (
        norm.ppf(0.975)
        * (rate * (1 - rate) / sends + control_rate * (1 - control_rate) / control_sends) ** 0.5
    )
    assert (ci_lower, ci_upper) == pytest.approx(
        (rate - control_rate - half_width, rate - control_rate + half_width), abs=1e-9
    )
    planted_difference = (
        planted["experiment_treatment_conversion"] - planted["experiment_control_conversion"]
    )
    assert ci_lower <= planted_difference <= ci_upper
    # Variants were assigned 50/50 per lead: no sample-ratio mismatch.
    assert srm is False


def test_demo_experiment_interval_level_follows_alpha(demo_build, tmp_path):
    # At ab_test_alpha 0.10 the interval is a 90 % one: scipy's 95 % quantile.
    alpha = 0.10
    rows = dbt_show(
        ["--select", "mart_ab_tests"],
        demo_build["warehouse"],
        tmp_path,
        {"as_of_date": demo_build["as_of"].isoformat(), "ab_test_alpha": alpha},
    )
    by_variant = {(row["experiment_id"], row["variant"]): row for row in rows}
    treatments = [row for row in rows if not row["is_control"]]
    assert treatments
    for row in treatments:
        control = by_variant[(row["experiment_id"], "control")]
        rate, control_rate = row["conversion_rate"], control["conversion_rate"]
        half_width = (
            norm.ppf(1 - alpha / 2)
            * (
                rate * (1 - rate) / row["sends"]
                + control_rate * (1 - control_rate) / control["sends"]
            )
            ** 0.5
        )
        assert row["confidence_level"] == pytest.approx(1 - alpha)
        assert (row["ci_lower"], row["ci_upper"]) == pytest.approx(
            (rate - control_rate - half_width, rate - control_rate + half_width), abs=1e-9
        )


def test_demo_upsell_recovers_the_planted_inventory_to_forecasting_rate(demo_build):
    planted = _planted(demo_build)
    conversion_rate, base_rate, adopters = query(
        demo_build["warehouse"],
        "select conversion_rate, base_rate, adopters from marts.mart_upsell_propensity "
        "where from_module = 'inventory' and to_module = 'supply_chain_forecasting'",
    )[0]
    # About 150 inventory adopters on the S demo: the binomial standard error
    # of a 60 % rate is about 0.04, so 0.08 is two standard errors.
    assert adopters >= 100
    assert conversion_rate == pytest.approx(planted["inventory_to_scf_rate"], abs=0.08)
    # About 470 accounts without inventory: standard error of 8 % is about
    # 0.013, so 0.04 is three; the base rate also takes in accounts too young
    # to have been planted a purchase, which can only pull it down a little.
    assert base_rate == pytest.approx(planted["scf_base_rate"], abs=0.04)


def test_demo_cac_by_channel_recovers_the_planted_cac(demo_build):
    # The generator sets each channel's total budget to its planted CAC x the
    # customers it brought, so the whole history's spend / new customers gives
    # the CAC back. Tolerance 8 %: the daily lognormal noise (sigma 0.25) has a
    # mean of exp(0.03125), about +3 %, and the FX seed moves around the
    # generator's constant rates by a few percent.
    rows = query(
        demo_build["warehouse"],
        "select acquisition_channel, cast(sum(spend) as double) / sum(new_customers) "
        "from marts.mart_unit_economics where not is_company_total and period_kind = 'month' "
        "group by acquisition_channel having sum(spend) > 0",
    )
    recovered = dict(rows)
    assert set(recovered) == set(CHANNEL_CAC_USD)
    for channel, planted_cac in CHANNEL_CAC_USD.items():
        assert recovered[channel] == pytest.approx(planted_cac, rel=0.08), channel


def test_demo_referral_conversion_rates_recover_the_planted_rates(demo_build):
    planted = _planted(demo_build)
    # Leads of the last three months have not all had time to convert (up to
    # 40 days after creation, and late leads stay open), so they are left out.
    referred, non_referred, referred_leads = query(
        demo_build["warehouse"],
        "select 1.0 * sum(referred_conversions) / sum(referred_leads), "
        "1.0 * sum(non_referred_conversions) / sum(non_referred_leads), sum(referred_leads) "
        "from marts.mart_referrals where month < date '2026-04-01'",
    )[0]
    # About 670 referred leads: the standard error of 40 % is about 0.019, so
    # 0.05 is over two and a half; about 9,800 other leads: 0.004, so 0.02 is
    # five (the generator's late-lead allowance moves the realised rate a
    # little).
    assert referred_leads >= 500
    assert referred == pytest.approx(planted["lead_conversion_referred"], abs=0.05)
    assert non_referred == pytest.approx(planted["lead_conversion_non_referred"], abs=0.02)


def test_demo_next_best_module_follows_the_strongest_rate(demo_build):
    # An inventory owner without forecasting is offered forecasting: its 60 %
    # rate is the highest from inventory and above the upsell threshold.
    rows = query(
        demo_build["warehouse"],
        "select next_best.next_best_module, next_best.is_upsell_candidate "
        "from marts.mart_upsell_next_best_module as next_best "
        "inner join intermediate.int_growth_account_modules as owned "
        "on next_best.account_id = owned.account_id and owned.product_module = 'inventory' "
        "left join intermediate.int_growth_account_modules as forecasting "
        "on next_best.account_id = forecasting.account_id "
        "and forecasting.product_module = 'supply_chain_forecasting' "
        "where forecasting.account_id is null",
    )
    assert rows
    assert set(rows) == {("supply_chain_forecasting", True)}


def test_demo_summary_shows_the_growth_section(demo_build):
    stdout = demo_build["stdout"]
    assert "Acquisition 2026-Q1 (reporting currency)" in stdout
    assert "referrals:" in stdout and "of new customers" in stdout
    assert "Strongest upsell path: inventory -> supply_chain_forecasting" in stdout
    assert "exp_case_study_vs_promo treatment: lift" in stdout


def test_summary_is_empty_for_a_warehouse_without_growth_marts():
    with duckdb.connect(":memory:") as connection:
        assert section_lines(growth, connection, dt.date(2026, 6, 30)) == []


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (dt.date(2026, 6, 30), (dt.date(2026, 1, 1), dt.date(2026, 3, 1))),
        (dt.date(2026, 7, 1), (dt.date(2026, 4, 1), dt.date(2026, 6, 1))),
        (dt.date(2026, 2, 15), (dt.date(2025, 10, 1), dt.date(2025, 12, 1))),
    ],
)
def test_last_full_quarter_is_the_one_before_the_as_of_quarter(as_of, expected):
    assert growth.last_full_quarter(as_of) == expected
