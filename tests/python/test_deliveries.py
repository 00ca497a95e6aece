"""Daily deliveries refreshed incrementally give the marts a full refresh
gives (issue 13): the XS demo's history of daily event files is built, then
each held-back day (with late rows) is delivered and refreshed, and every
published mart is compared, by checksum, with a full refresh of the same
files (builds.deliveries_job)."""

from __future__ import annotations

import pytest

from b2b_ops.dev.checksums import mart_checksums
from builds import DELIVERED_DAYS
from conftest import log_path, query

pytestmark = pytest.mark.slow


def published(warehouse):
    return warehouse.parent / "published" / "b2b_ops.duckdb"


def test_incremental_refreshes_give_every_mart_of_a_full_refresh(deliveries_build):
    incremental = mart_checksums(published(deliveries_build["incremental"]))
    full = mart_checksums(published(deliveries_build["full"]))
    assert incremental.keys() == full.keys()
    differing = sorted(name for name in full if incremental[name] != full[name])
    assert not differing, f"marts that differ from a full refresh: {differing}"


def test_each_delivery_recomputed_only_the_days_it_touched(deliveries_build):
    # Steps: generate, mkdir, history build, then (deliver, build) per day.
    results = deliveries_build["results"]
    deliveries = [results[4 + 2 * day] for day in range(DELIVERED_DAYS)]
    for result in deliveries:
        text = log_path(result.stdout).read_text()
        assert "event days: recomputing" in text
        assert "event days: rebuilding" not in text
    full_log = log_path(results[-1].stdout).read_text()
    assert "event days: rebuilding every day (full refresh)" in full_log


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
    assert files > DELIVERED_DAYS
    assert landed == ledger_rows == staged + quarantined
