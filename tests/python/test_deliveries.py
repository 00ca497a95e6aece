"""Daily deliveries refreshed incrementally give the marts a full refresh
gives (issue 13): the XS demo's history of daily event files is built, then
each held-back day (with late rows) is delivered and refreshed, an account
leaves and comes back, an events file is redelivered, and every published
mart is compared, by checksum, with a full refresh of the same files
(conftest.deliveries_job). Last, late logins of a trial and a trial
window shortened in the trials export are delivered and refreshed: the
trial-day model recomputes their day and that trial."""

from __future__ import annotations

import duckdb
import pytest

from b2b_ops.dev.checksums import mart_checksums
from conftest import CLI, log_path, query

pytestmark = pytest.mark.slow


def published(warehouse):
    return warehouse.parent / "published" / "b2b_ops.duckdb"


def test_incremental_refreshes_give_every_mart_of_a_full_refresh(deliveries_build):
    incremental = mart_checksums(published(deliveries_build["incremental"]))
    full = mart_checksums(published(deliveries_build["full"]))
    assert incremental.keys() == full.keys()
    differing = sorted(name for name in full if incremental[name] != full[name])
    assert not differing, f"marts that differ from a full refresh: {differing}"


# The event path's tables, and what they feed that is not published: a
# re-staging that missed a key (an orphan decided anew, say) can leave the
# marts alone (the account left the CRM export, so no mart shows it) and
# still be wrong here.
EVENT_PATH = (
    "staging.base_product__events",
    "intermediate.int_account_daily_activity",
    "intermediate.int_trial_daily_activity",
    "quarantine.quarantined_rows",
    "quarantine.landing_reconciliation",
)


# When a row was staged says which run staged it, not what it holds.
NOT_COMPARED = {"staging.base_product__events": "exclude (_staged_at)"}


def rows_only_in(first, second, relation: str) -> int:
    columns = f"* {NOT_COMPARED.get(relation, '')}"
    with duckdb.connect() as connection:
        connection.execute(f"attach '{first}' as first (read_only)")
        connection.execute(f"attach '{second}' as second (read_only)")
        [(count,)] = connection.execute(
            f"select count(*) from (select {columns} from first.{relation} "
            f"except all select {columns} from second.{relation})"
        ).fetchall()
    return count


@pytest.mark.parametrize("relation", EVENT_PATH)
def test_the_event_path_equals_a_full_refresh_row_for_row(deliveries_build, relation):
    incremental, full = deliveries_build["incremental"], deliveries_build["full"]
    assert rows_only_in(incremental, full, relation) == 0
    assert rows_only_in(full, incremental, relation) == 0


def test_each_refresh_recomputed_only_what_changed(deliveries_build):
    # conftest.deliveries_job's builds: the history, the two deliveries, the
    # late trial logins, the full refresh.
    history, first, second, late_trial_logins, full = [
        log_path(result.stdout).read_text()
        for result in deliveries_build["results"]
        if result.args[:2] == [CLI, "build"]
    ]
    assert "event days: rebuilding every day (first run)" in history
    # The first delivery (and an account gone): only the days it touched.
    assert "event days: recomputing" in first
    # The second replaced an events file: its rows left, so every day.
    assert "event days: rebuilding every day (1 delivery file(s) of events replaced)" in second
    # The late logins' days, and the shortened trial's every day.
    assert "event days: recomputing" in late_trial_logins
    assert "event days: rebuilding every day (full refresh)" in full


def test_a_duplicate_delivered_in_a_later_file_is_still_a_duplicate(deliveries_build):
    # A quarantined duplicate in a delivered day's file whose staged twin
    # landed with an earlier refresh.
    [(crossing,)] = query(
        deliveries_build["incremental"],
        """
        select count(*)
        from staging.base_product__events as duplicate
        inner join staging.base_product__events as winner
            on duplicate.event_id = winner.event_id
            and winner.quarantine_reason is null
            and winner._loaded_at < duplicate._loaded_at
        where duplicate.quarantine_reason = 'duplicate_key'
        """,
    )
    assert crossing > 0


def test_landed_equals_staged_plus_quarantined_across_deliveries(deliveries_build):
    warehouse = deliveries_build["incremental"]
    [(ledger_rows, files)] = query(
        warehouse,
        "select sum(rows_landed), count(*) from raw._landing_files "
        "where source_table = 'product/events' and removed_seq is null",
    )
    [(landed, staged, quarantined)] = query(
        warehouse,
        "select rows_landed, rows_staged, rows_quarantined "
        "from quarantine.landing_reconciliation where source_table = 'product/events'",
    )
    assert files > 2
    assert landed == ledger_rows == staged + quarantined
