"""The loader's delivery rules (docs/data-contract.md, "Deliveries"): a
refresh lands only files the ledger (raw._landing_files) has not seen; a
known path with new content replaces that path's rows; a delivery file that
leaves its folder keeps its rows; a one-file table whose file is gone is
emptied; a full refresh lands every present file again and forgets the rest.

The fixture: the hand-made landing folder with product/events.csv (5 rows,
evt_1..evt_5) turned into a delivery folder of two files, a.csv with
evt_1..evt_3 and b.csv with evt_4..evt_5, so each count below is the number
of event lines written into the files by hand."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from b2b_ops.incremental import MOST_PENDING_DAYS, PendingDays, day_ranges
from b2b_ops.landing import load_landing
from conftest import query

LOADED_AT = dt.datetime(2025, 7, 1, tzinfo=dt.UTC)


@pytest.fixture
def deliveries(landing_copy: Path) -> Path:
    """landing_copy with product/events as a folder: a.csv (3 rows), b.csv (2 rows)."""
    single = landing_copy / "product" / "events.csv"
    header, *rows = single.read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(rows) == 5
    single.unlink()
    folder = landing_copy / "product" / "events"
    folder.mkdir()
    (folder / "a.csv").write_text(header + "".join(rows[:3]), encoding="utf-8")
    (folder / "b.csv").write_text(header + "".join(rows[3:]), encoding="utf-8")
    return landing_copy


def events_result(landing: Path, warehouse: Path, **options):
    results = load_landing(landing, warehouse, loaded_at=LOADED_AT, **options)
    [events] = [result for result in results if result.spec.name == "product/events"]
    return events


def event_ids(warehouse: Path) -> list[str]:
    return [
        row[0] for row in query(warehouse, "select event_id from raw.product__events order by 1")
    ]


def ledger(warehouse: Path) -> list[tuple]:
    """The events' ledger rows: path, rows, removed or not."""
    return query(
        warehouse,
        "select file_path, rows_landed, removed_seq is not null from raw._landing_files "
        "where source_table = 'product/events' order by delivery_id",
    )


def test_a_second_refresh_lands_only_the_new_file(deliveries, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    first = events_result(deliveries, warehouse)
    assert (first.rows_landed, first.rows_current) == (5, 5)
    assert ledger(warehouse) == [
        ("product/events/a.csv", 3, False),
        ("product/events/b.csv", 2, False),
    ]
    header = (deliveries / "product" / "events" / "a.csv").read_text().splitlines()[0]
    (deliveries / "product" / "events" / "c.csv").write_text(
        header + "\nevt_9,acc_1,u_1,login,,2025-06-30T08:00:00Z,60\n"
    )
    second = events_result(deliveries, warehouse)
    # One new row read; the five landed before are not landed again.
    assert (second.rows_landed, second.rows_current) == (1, 6)
    assert second.files_landed == ["product/events/c.csv"]
    assert len(ledger(warehouse)) == 3


def test_an_unchanged_file_touched_is_not_a_new_delivery(deliveries, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    events_result(deliveries, warehouse)
    a_file = deliveries / "product" / "events" / "a.csv"
    later = a_file.stat().st_mtime + 3600
    os.utime(a_file, (later, later))
    again = events_result(deliveries, warehouse)
    # Same checksum: nothing landed, the ledger keeps one row per file.
    assert (again.rows_landed, again.rows_current) == (0, 5)
    assert len(ledger(warehouse)) == 2


def test_a_changed_file_replaces_the_rows_it_delivered_before(deliveries, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    events_result(deliveries, warehouse)
    b_file = deliveries / "product" / "events" / "b.csv"
    header, evt_4, _evt_5 = b_file.read_text().splitlines()
    # b.csv delivered again without evt_5 and with a new evt_8.
    b_file.write_text(f"{header}\n{evt_4}\nevt_8,acc_1,u_1,login,,2025-06-30T09:00:00Z,30\n")
    again = events_result(deliveries, warehouse)
    assert (again.rows_landed, again.rows_current) == (2, 5)
    assert event_ids(warehouse) == ["evt_1", "evt_2", "evt_3", "evt_4", "evt_8"]
    assert ledger(warehouse) == [
        ("product/events/a.csv", 3, False),
        ("product/events/b.csv", 2, True),
        ("product/events/b.csv", 2, False),
    ]
    # The redelivery keeps its file's place in the delivery order (after a.csv).
    orders = query(
        warehouse,
        "select _source_file, min(_delivery_order) from raw.product__events group by 1 order by 2",
    )
    assert [Path(path).name for path, _ in orders] == ["a.csv", "b.csv"]


def test_a_delivery_file_that_leaves_keeps_its_rows_until_a_full_refresh(deliveries, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    events_result(deliveries, warehouse)
    (deliveries / "product" / "events" / "a.csv").unlink()
    kept = events_result(deliveries, warehouse)
    assert kept.rows_current == 5
    assert kept.files_missing == ["product/events/a.csv"]
    full = events_result(deliveries, warehouse, full_refresh=True)
    # A full refresh lands b.csv again (2 rows) and forgets a.csv.
    assert (full.rows_landed, full.rows_current) == (2, 2)
    assert event_ids(warehouse) == ["evt_4", "evt_5"]


def test_a_one_file_table_whose_file_is_gone_is_emptied(deliveries, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    load_landing(deliveries, warehouse, loaded_at=LOADED_AT)
    assert query(warehouse, "select count(*) from raw.crm__leads")[0][0] > 0
    (deliveries / "crm" / "leads.csv").unlink()
    load_landing(deliveries, warehouse, loaded_at=LOADED_AT)
    assert query(warehouse, "select count(*) from raw.crm__leads") == [(0,)]


def test_consecutive_days_make_one_range():
    day = dt.date(2026, 6, 1)
    days = [day, day + dt.timedelta(days=2), day + dt.timedelta(days=1), day + dt.timedelta(days=4)]
    assert day_ranges(days) == [
        (day, day + dt.timedelta(days=2)),
        (day + dt.timedelta(days=4), day + dt.timedelta(days=4)),
    ]


@pytest.mark.parametrize(
    ("changed_days", "rebuilt"),
    [(MOST_PENDING_DAYS - 1, False), (MOST_PENDING_DAYS, False), (MOST_PENDING_DAYS + 1, True)],
)
def test_more_changed_days_than_the_limit_rebuild_the_day_model_whole(changed_days, rebuilt):
    # 62 days: one scan per range still beats a rebuild; 63: rebuilt whole.
    first = dt.date(2026, 1, 1)
    days = frozenset(first + dt.timedelta(days=offset * 2) for offset in range(changed_days))
    assert bool(PendingDays(days, landing_seq=1).why_rebuild) is rebuilt
