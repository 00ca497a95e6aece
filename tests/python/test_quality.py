"""The Great Expectations suites (orchestration/b2b_ops/quality/suites): the
shipped expectations at their edges on hand-made frames, the volume check
against the previous load, what a failing check shows, malformed suite files,
and the gate: a failing blocking check on a mart stops the publish."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from b2b_ops.defs.checks import check_result, check_specs
from b2b_ops.landing import load_landing
from b2b_ops.quality.suites import SUITES_DIR, Suite, SuiteError, load_suite, load_suites
from b2b_ops.quality.validate import (
    check_suite_arguments,
    read_frames,
    run_suite,
    validate_frames,
)
from b2b_ops.refresh import RefreshFailedError, run_refresh
from b2b_ops.settings import Settings
from conftest import HANDMADE_AS_OF

LOADED_AT = dt.datetime(2025, 7, 1, tzinfo=dt.UTC)


def shipped(relative: str) -> Suite:
    return load_suite(SUITES_DIR / relative)


def only(suite: Suite, column: str, severity: str | None = None, frame: str | None = None) -> Suite:
    """The suite cut down to its expectations on one column (of one severity or frame)."""
    kept = tuple(
        expectation
        for expectation in suite.expectations
        if column in (expectation.arguments.get("column"), expectation.arguments.get("column_A"))
        and severity in (None, expectation.severity)
        and frame in (None, expectation.frame)
    )
    assert kept, f"{suite.path} has no expectation on {column}"
    return dataclasses.replace(suite, expectations=kept)


def passes(suite: Suite, frame: str, data: dict[str, list]) -> bool:
    outcomes = validate_frames(suite, {frame: pd.DataFrame(data)})
    return all(outcome.success for outcome in outcomes)


# --- the shipped suites at their edges ------------------------------------


def test_every_shipped_suite_loads_and_great_expectations_accepts_it():
    suites = load_suites(SUITES_DIR)
    assert len([suite for suite in suites if suite.is_landing]) == 14
    for suite in suites:
        check_suite_arguments(suite)
        assert all(expectation.why for expectation in suite.expectations)


def test_a_rate_of_exactly_one_passes_and_just_above_fails():
    # mart_retention.logo_retention is a share of the cohort: 0..1, both ends in.
    suite = only(shipped("marts/mart_retention.yml"), "logo_retention")
    assert passes(suite, "rows", {"logo_retention": [0.0, 0.5, 1.0, None]})
    assert not passes(suite, "rows", {"logo_retention": [0.5, 1.0001]})
    assert not passes(suite, "rows", {"logo_retention": [-0.0001]})


def test_shares_summing_to_one_pass_within_the_tolerance():
    # Promoter + passive + detractor shares of a month's responses: 1 +- 0.001.
    suite = only(shipped("marts/mart_satisfaction.yml"), "share_total")
    assert passes(suite, "nps_shares", {"share_total": [1.0, 0.999, 1.001]})
    assert not passes(suite, "nps_shares", {"share_total": [1.0, 0.998]})
    assert not passes(suite, "nps_shares", {"share_total": [1.0011]})


def test_health_score_range_and_nps_range():
    health = only(shipped("marts/fct_account_health.yml"), "health_score")
    assert passes(health, "rows", {"health_score": [0.0, 100.0]})
    assert not passes(health, "rows", {"health_score": [100.01]})
    assert not passes(health, "rows", {"health_score": [50.0, None]})  # not_null is promised
    nps = only(shipped("marts/mart_satisfaction.yml"), "nps")
    assert passes(nps, "rows", {"nps": [-100.0, 0.0, 100.0, None]})
    assert not passes(nps, "rows", {"nps": [-100.01]})


def test_row_counts_consistent_with_parents():
    # mart_decision_chain has one row per account of dim_accounts.
    suite = only(shipped("marts/mart_decision_chain.yml"), "chain_accounts")
    assert passes(suite, "row_counts", {"chain_accounts": [5], "dim_accounts": [5]})
    assert not passes(suite, "row_counts", {"chain_accounts": [4], "dim_accounts": [5]})
    # fct_rfm cannot score more accounts than dim_accounts has (equal is fine).
    rfm = only(shipped("marts/fct_rfm.yml"), "dim_accounts", frame="row_counts")
    assert passes(rfm, "row_counts", {"dim_accounts": [5], "rfm_accounts": [5]})
    assert not passes(rfm, "row_counts", {"dim_accounts": [5], "rfm_accounts": [6]})


def test_volume_collapse_blocks_at_half_the_previous_load():
    suite = only(shipped("landing/product__events.yml"), "row_count_vs_previous", "blocking")
    # 50 rows after 100 is exactly half: passes; 49.99 % fails; no previous load passes.
    assert passes(suite, "table_stats", {"row_count_vs_previous": [0.5]})
    assert not passes(suite, "table_stats", {"row_count_vs_previous": [0.4999]})
    assert passes(suite, "table_stats", {"row_count_vs_previous": [None]})


def test_a_mostly_blank_key_blocks_but_a_few_blanks_only_warn():
    events = shipped("landing/product__events.yml")
    blocking = only(events, "event_id", "blocking")
    warn = only(events, "event_id", "warn")

    def keys(present: int, blank: int) -> dict[str, list]:
        return {"event_id": [f"evt_{n}" for n in range(present)] + [None] * blank}

    # 10 blank keys in 100 rows: exactly 90 % present, the blocking floor; 11 is below.
    assert passes(blocking, "rows", keys(90, 10))
    assert not passes(blocking, "rows", keys(89, 11))
    # The blocking check needs 100 rows (min_rows): on 99, even half blank is
    # not checked, since a share of a handful of rows says nothing about the
    # export; the warn check still reports it.
    [small] = validate_frames(blocking, {"rows": pd.DataFrame(keys(50, 49))})
    assert small.success
    assert small.observed_value == "not checked: 99 rows, fewer than min_rows 100"
    assert not passes(warn, "rows", keys(50, 49))
    # The warn threshold is 99 %: one blank in 100 passes, one in 10 does not.
    assert passes(warn, "rows", keys(99, 1))
    assert not passes(warn, "rows", keys(9, 1))


# --- DuckDB prepares the frames --------------------------------------------


def landed_nps(tmp_path: Path, scores: list[str]) -> Path:
    """A warehouse whose raw.survey__nps_responses holds these score texts, as the loader lands them."""
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("create schema raw")
        connection.execute(
            "create table raw.survey__nps_responses as select "
            "range as _landing_row_number, 'f.csv' as _source_file, timestamp '2025-07-01' as _loaded_at, "
            "'nps_' || range as response_id, 'acc_1' as account_id, 'con_1' as contact_id, "
            "(?::varchar[])[range + 1] as score, '' as comment, '2025-06-01T00:00:00Z' as responded_at "
            "from range(?)",
            [scores, len(scores)],
        )
        connection.execute(
            "create table raw._landing_loads as select 'survey/nps_responses' as source_table, "
            "'f.csv' as file_path, ?::bigint as rows_landed, false as is_absent, "
            "timestamp '2025-07-01' as loaded_at",
            [len(scores)],
        )
        connection.execute("create table raw._landing_load_history as from raw._landing_loads")
    return warehouse


def test_typed_landing_columns_and_failing_check_metadata(tmp_path):
    # 100 responses: 97 valid, ' 11 ' (out of range once trimmed and cast), '12'
    # and one blank. The blank is null in score::integer and is ignored, so 2 of
    # 99 values are out of 0..10: 98 % < the 99 % the warn expectation wants.
    scores = ["7"] * 97 + [" 11 ", "12", "  "]
    warehouse = landed_nps(tmp_path, scores)
    suite = only(shipped("landing/survey__nps_responses.yml"), "score::integer")
    outcomes, frame_rows = run_suite(warehouse, suite)
    assert frame_rows == {"rows": 100}
    [outcome] = outcomes
    assert not outcome.success
    assert outcome.unexpected_count == 2
    assert sorted(outcome.sample_values) == [11, 12]

    result = check_result(suite, "warn", outcomes, frame_rows)
    assert not result.passed
    metadata = {key: value.value for key, value in result.metadata.items()}
    assert metadata["table"] == "raw.survey__nps_responses"
    [failure] = metadata["failures"]
    assert failure["table"] == "raw.survey__nps_responses"
    assert failure["expectation"].startswith(
        "expect_column_values_to_be_between(column='score::integer', min_value=0, max_value=10"
    )
    assert sorted(failure["sample_values"]) == [11, 12]
    assert "score::integer" in metadata["failed_expectations"]  # the Markdown table in the UI
    assert metadata["sample_rows"] == 100_000
    line = outcome.summary(suite.table)
    assert line.startswith("raw.survey__nps_responses: expect_column_values_to_be_between(")
    assert "2 of 100 rows unexpected" in line and "sample bad values: [1" in line


def test_the_sample_is_bounded(tmp_path):
    warehouse = landed_nps(tmp_path, ["5"] * 300)
    suite = dataclasses.replace(shipped("landing/survey__nps_responses.yml"), sample_rows=120)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        frames = read_frames(connection, suite)
    assert len(frames["rows"]) == 120
    assert frames["table_stats"]["row_count"].tolist() == [300]


def test_the_volume_check_reads_the_previous_load_from_the_history(landing_copy, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    load_landing(landing_copy, warehouse, loaded_at=LOADED_AT)
    # The next day's export has 2 of the 5 events: 40 % of the previous load.
    events = landing_copy / "product" / "events.csv"
    events.write_text("\n".join(events.read_text().splitlines()[:3]) + "\n")
    load_landing(landing_copy, warehouse, loaded_at=LOADED_AT + dt.timedelta(days=1))
    suite = only(shipped("landing/product__events.yml"), "row_count_vs_previous", "blocking")
    outcomes, _ = run_suite(warehouse, suite)
    [outcome] = outcomes
    assert not outcome.success
    assert outcome.sample_values == [0.4]
    # Accounts did not change: 7 rows after 7.
    accounts = only(shipped("landing/crm__accounts.yml"), "row_count_vs_previous", "blocking")
    [unchanged], _ = run_suite(warehouse, accounts)
    assert unchanged.success


def test_a_new_landing_folder_starts_its_own_volume_history(landing_copy, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    load_landing(landing_copy, warehouse, loaded_at=LOADED_AT)
    # Another folder with 2 of the 5 events: 40 % of the last load, but of
    # another file, so there is no previous load to compare with.
    other = tmp_path / "other_landing"
    shutil.copytree(landing_copy, other)
    events = other / "product" / "events.csv"
    events.write_text("\n".join(events.read_text().splitlines()[:3]) + "\n")
    load_landing(other, warehouse, loaded_at=LOADED_AT + dt.timedelta(days=1))
    suite = only(shipped("landing/product__events.yml"), "row_count_vs_previous", "blocking")
    [outcome], _ = run_suite(warehouse, suite)
    assert outcome.success


def test_a_delivery_is_checked_on_its_own_rows(landing_copy, tmp_path):
    # product/events as a folder. The first load lands a.csv: evt_1..evt_5, no
    # repeat. The next day's b.csv has 3 rows: evt_1 (landed the day before),
    # evt_9 twice. New rows 3, distinct new keys 2 (evt_1, evt_9), of which 1
    # was landed before: 3 - 2 + 1 = 2 duplicates, a rate of 2 / 3 of the new
    # rows (not of all 8).
    single = landing_copy / "product" / "events.csv"
    header, *rows = single.read_text(encoding="utf-8").splitlines(keepends=True)
    single.unlink()
    folder = landing_copy / "product" / "events"
    folder.mkdir()
    (folder / "a.csv").write_text(header + "".join(rows), encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    load_landing(landing_copy, warehouse, loaded_at=LOADED_AT)
    suite = shipped("landing/product__events.yml")
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        first = read_frames(connection, suite)["table_stats"]
    assert first[["new_row_count", "duplicate_key_rows"]].values.tolist() == [[5, 0]]

    evt_9 = rows[1].replace("evt_2", "evt_9")
    (folder / "b.csv").write_text(header + rows[0] + evt_9 + evt_9, encoding="utf-8")
    load_landing(landing_copy, warehouse, loaded_at=LOADED_AT + dt.timedelta(days=1))
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        frames = read_frames(connection, suite)
    stats = frames["table_stats"].iloc[0]
    assert (stats["row_count"], stats["new_row_count"], stats["duplicate_key_rows"]) == (8, 3, 2)
    assert stats["duplicate_key_rate"] == pytest.approx(2 / 3)
    # The per-row expectations see the day's 3 rows, not the 8 landed so far.
    assert sorted(frames["rows"]["event_id"]) == ["evt_1", "evt_9", "evt_9"]


# --- malformed suite files -----------------------------------------------


def write_suite(tmp_path: Path, expectation: str) -> Path:
    path = tmp_path / "marts" / "broken.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "asset: marts/dim_accounts\ntable: marts.dim_accounts\nexpectations:\n"
        "  - type: expect_column_values_to_not_be_null\n    column: account_id\n"
        "    severity: blocking\n    why: a key\n" + expectation
    )
    return path


@pytest.mark.parametrize(
    ("expectation", "expected"),
    [
        ("  - type: expect_column_values_to_be_between\n    column: x\n    why: w\n", "severity"),
        (
            "  - type: expect_column_values_to_be_between\n    severity: fatal\n    why: w\n",
            "must be blocking or warn",
        ),
        (
            "  - type: expect_x\n    on: rows\n    severity: warn\n    why: w\n",
            "frame: instead of on:",
        ),
        (
            "  - type: expect_column_values_to_be_between\n    frame: nowhere\n"
            "    severity: warn\n    why: w\n",
            "'nowhere' is not a frame",
        ),
        (
            "  - type: expect_column_values_to_not_be_null\n    column: x\n    min_rows: many\n"
            "    severity: warn\n    why: w\n",
            "min_rows 'many' must be a whole number",
        ),
    ],
)
def test_a_malformed_suite_names_the_file_and_the_expectation(tmp_path, expectation, expected):
    path = write_suite(tmp_path, expectation)
    with pytest.raises(SuiteError) as error:
        load_suite(path)
    message = str(error.value)
    assert message.startswith(f"{path}, expectation 2:")
    assert expected in message


@pytest.mark.parametrize(
    ("expectation", "expected"),
    [
        (
            "  - type: expect_column_values_to_be_purple\n    column: x\n"
            "    severity: warn\n    why: w\n",
            "expect_column_values_to_be_purple is not a Great Expectations expectation",
        ),
        (
            "  - type: expect_column_values_to_be_between\n    column: x\n    minimum: 0\n"
            "    severity: warn\n    why: w\n",
            "arguments Great Expectations rejects",
        ),
    ],
)
def test_an_expectation_great_expectations_rejects_names_the_file(tmp_path, expectation, expected):
    path = write_suite(tmp_path, expectation)
    with pytest.raises(SuiteError) as error:
        check_suite_arguments(load_suite(path))
    assert str(error.value).startswith(f"{path}, expectation 2:")
    assert expected in str(error.value)


# --- Dagster: severities, the run log and the publish gate ---------------


def test_blocking_expectations_are_blocking_error_checks():
    specs = {spec.name: spec for spec in check_specs(shipped("landing/product__events.yml"))}
    assert specs["gx_blocking"].blocking and not specs["gx_warn"].blocking


def test_warn_failures_are_logged_and_the_refresh_goes_on(handmade_build):
    # The hand-made invoices repeat inv_6: 1 duplicate of 7 rows, over the 1 % warning line.
    expected = (
        "raw.billing__invoices: expect_column_values_to_be_between(column='duplicate_key_rate'"
    )
    # On the terminal: one line among the warnings; in the log: the whole message.
    warnings = handmade_build["stderr"].split("Warnings (")[1]
    assert f"  {expected}, max_value=0.01) (1 of 1 unexpected)" in warnings
    log = handmade_build["log"].read_text()
    assert expected in log and "sample bad values: [0.14285714285714285]" in log
    assert (handmade_build["warehouse"].parent / "published" / "b2b_ops.duckdb").exists()


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_a_failing_blocking_check_on_a_mart_stops_the_publish(
    handmade_build, tmp_path, monkeypatch
):
    # A copy of the shipped suites in which dim_accounts may hold at most 4
    # rows; the hand-made CRM has 5 accounts, so the blocking check fails.
    suites = tmp_path / "suites"
    shutil.copytree(SUITES_DIR, suites)
    dim_accounts = suites / "marts" / "dim_accounts.yml"
    dim_accounts.write_text(
        dim_accounts.read_text()
        + "  - type: expect_table_row_count_to_be_between\n    max_value: 4\n"
        "    severity: blocking\n    why: the test's wrong expectation\n"
    )
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    published = tmp_path / "published" / "b2b_ops.duckdb"
    published.parent.mkdir()
    shutil.copyfile(handmade_build["warehouse"].parent / "published" / "b2b_ops.duckdb", published)
    before = (checksum(published), published.stat().st_ino)
    settings = Settings(
        landing_dir=str(handmade_build["landing"]),
        warehouse=str(tmp_path / "w.duckdb"),
        as_of_date=HANDMADE_AS_OF.isoformat(),
        publish_dir=str(published.parent),
        quality_suites_dir=str(suites),
    )
    with pytest.raises(RefreshFailedError) as error:
        run_refresh(settings)
    assert "marts/dim_accounts: gx_blocking" in str(error.value)
    assert (checksum(published), published.stat().st_ino) == before
    # The marts were built (the check ran on them), only the publish was stopped.
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as connection:
        assert connection.execute("select count(*) from marts.dim_accounts").fetchall() == [(5,)]
