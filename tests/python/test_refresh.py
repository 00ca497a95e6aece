"""The refresh's console: the full log goes to a file (and to the terminal
only when verbose), log files do not pile up, and the progress of a real
refresh (the hand-made build's) names each stage."""

from __future__ import annotations

import io
import sys

import pytest
from dagster import AssetMaterialization, Out, job, op

from b2b_ops.progress import Progress
from b2b_ops.refresh import (
    LOGS_KEPT,
    RefreshFailedError,
    _full_log,
    check_nothing_skipped,
    new_log_path,
)
from b2b_ops.settings import Settings
from conftest import query


def test_the_full_log_goes_to_the_file_and_only_when_verbose_to_the_terminal(tmp_path, capsys):
    quiet, verbose = tmp_path / "quiet.log", tmp_path / "verbose.log"
    with _full_log(quiet, verbose=False):
        print("a dbt line")
        print("a Dagster line", file=sys.stderr)
    with _full_log(verbose, verbose=True):
        print("a dbt line")
        print("a Dagster line", file=sys.stderr)
    terminal = capsys.readouterr()
    assert quiet.read_text() == verbose.read_text() == "a dbt line\na Dagster line\n"
    assert (terminal.out, terminal.err) == ("a dbt line\n", "a Dagster line\n")


def test_log_files_sit_beside_the_warehouse_and_the_oldest_go(tmp_path):
    settings = Settings(warehouse=str(tmp_path / "w.duckdb"))
    logs = tmp_path / "logs"
    logs.mkdir()
    for number in range(LOGS_KEPT + 5):
        (logs / f"refresh-20250101-0000{number:02d}-run.log").write_text("old")
    path = new_log_path(settings, "0123456789abcdef")
    path.write_text("new")
    kept = sorted(logs.glob("refresh-*.log"))
    assert len(kept) == LOGS_KEPT and path in kept
    assert path.name.endswith("-01234567.log")
    # The oldest went, the newest stayed.
    assert not (logs / "refresh-20250101-000000-run.log").exists()


def test_the_progress_names_every_stage(handmade_build):
    progress = handmade_build["stderr"]
    # The publish line counts the tables the published copy holds.
    published = handmade_build["warehouse"].parent / "published" / "b2b_ops.duckdb"
    [(tables,)] = query(published, "select count(*) from information_schema.tables")
    for line in (
        "  landing   crm/accounts                         7 rows",
        "  checks    landing files:",
        "  dbt       building ",
        " built; tests: ",
        "  segments  k = 1 on 3 customers",
        f"  publish   {tables} tables (marts and semantic) in ",
    ):
        assert line in progress, line
    # No log line reaches the terminal: they are in the log file.
    assert " - dagster - " not in progress and "START sql" not in progress
    assert " - dagster - DEBUG - refresh - " in handmade_build["log"].read_text()


def test_an_asset_rebuilt_for_several_days_counts_once_in_the_progress():
    # An incremental event-day run reports each of its 2 models once per day
    # it recomputed (here 3 days): "2 of 2 built", where it used to say 6.
    stream = io.StringIO()
    progress = Progress(stream, {"event_days": 2})
    for model in ("int_account_daily_activity", "int_trial_daily_activity"):
        for day in ("2026-06-27", "2026-06-28", "2026-06-29"):
            progress._materialized(
                "event_days", AssetMaterialization(asset_key=["intermediate", model], partition=day)
            )
    progress._step_done("event_days")
    assert stream.getvalue().splitlines()[-1].split(";")[0].strip() == "dbt       2 of 2 built"


def test_a_refresh_with_a_skipped_step_fails_and_names_it(tmp_path):
    # Dagster calls a run with skipped steps a success; a refresh is not one.
    # The built step yields no output, so the publish step after it is skipped.
    @op(out=Out(is_required=False))
    def build():
        return
        yield

    @op
    def publish(built) -> None:
        del built

    @job
    def refresh_job() -> None:
        publish(build())

    result = refresh_job.execute_in_process(raise_on_error=False)
    assert result.success
    with pytest.raises(RefreshFailedError, match="skipped publish"):
        check_nothing_skipped(result, tmp_path / "refresh.log")
