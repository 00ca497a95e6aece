"""The loader: structural breaks stop the load with a message naming the file
and the column, leave the warehouse as it was; absent files read as empty."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from b2b_ops.landing import StructuralBreakError, describe, load_landing, read_table_specs
from conftest import query

LOADED_AT = dt.datetime(2025, 7, 1, tzinfo=dt.UTC)


def rewrite_header(path: Path, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[0] = lines[0].replace(old, new)
    path.write_text("".join(lines), encoding="utf-8")


def test_specs_cover_the_fourteen_contract_tables():
    names = {spec.name for spec in read_table_specs()}
    assert len(names) == 14
    assert {"crm/accounts", "product/events", "marketing/email_sends", "cs/activities"} <= names


def test_every_record_lands_with_its_position(landing_copy, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    results = load_landing(landing_copy, warehouse, loaded_at=LOADED_AT)
    by_name = {result.spec.name: result for result in results}
    # crm/accounts.csv has 7 data rows (one is a second version of acc_1).
    assert by_name["crm/accounts"].rows_landed == 7
    rows = query(
        warehouse, "select _landing_row_number, account_id from raw.crm__accounts order by 1"
    )
    assert [row[0] for row in rows] == [1, 2, 3, 4, 5, 6, 7]
    assert rows[2][1] == "acc_2"


def test_missing_required_column_names_file_and_column(landing_copy, tmp_path):
    accounts = landing_copy / "crm" / "accounts.csv"
    lines = accounts.read_text().splitlines()
    # Drop the last column (updated_at) from every line.
    accounts.write_text("\n".join(line.rsplit(",", 1)[0] for line in lines) + "\n")
    with pytest.raises(StructuralBreakError) as error:
        load_landing(landing_copy, tmp_path / "w.duckdb", loaded_at=LOADED_AT)
    message = str(error.value)
    assert str(accounts) in message
    assert "'updated_at' is missing" in message


def test_renamed_column_is_named_with_a_fix(landing_copy, tmp_path):
    tickets = landing_copy / "support" / "tickets.csv"
    rewrite_header(tickets, "csat_score", "satisfaction")
    with pytest.raises(StructuralBreakError) as error:
        load_landing(landing_copy, tmp_path / "w.duckdb", loaded_at=LOADED_AT)
    message = str(error.value)
    assert str(tickets) in message
    assert "'csat_score' is missing" in message
    assert "'satisfaction' is 'csat_score' renamed, rename it back" in message


def test_wrong_delimiter_is_recognised(landing_copy, tmp_path):
    campaigns = landing_copy / "marketing" / "campaigns.csv"
    campaigns.write_text(campaigns.read_text().replace(",", ";"))
    with pytest.raises(StructuralBreakError, match="semicolon-delimited") as error:
        load_landing(landing_copy, tmp_path / "w.duckdb", loaded_at=LOADED_AT)
    assert str(campaigns) in str(error.value)


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"", "empty or has no header row"), (b"\xff\xfe\x00a\x00b", "is not UTF-8")],
)
def test_unreadable_file_is_a_structural_break(landing_copy, tmp_path, content, expected):
    trials = landing_copy / "product" / "trials.csv"
    trials.write_bytes(content)
    with pytest.raises(StructuralBreakError, match=expected) as error:
        load_landing(landing_copy, tmp_path / "w.duckdb", loaded_at=LOADED_AT)
    assert str(trials) in str(error.value)


def test_a_structural_break_leaves_the_previous_load_untouched(landing_copy, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    load_landing(landing_copy, warehouse, loaded_at=LOADED_AT)
    before = query(warehouse, "select count(*) from raw.crm__accounts")
    (landing_copy / "crm" / "contacts.csv").write_text("contact_id\n1\n")
    with pytest.raises(StructuralBreakError):
        load_landing(landing_copy, warehouse, loaded_at=LOADED_AT)
    assert query(warehouse, "select count(*) from raw.crm__accounts") == before
    assert query(warehouse, "select count(*) from raw.crm__contacts") == [(4,)]


def test_absent_file_is_read_as_empty_with_a_warning(landing_copy, tmp_path):
    (landing_copy / "survey" / "nps_responses.csv").unlink()
    results = load_landing(landing_copy, tmp_path / "w.duckdb", loaded_at=LOADED_AT)
    absent = [result for result in results if result.is_absent]
    # The hand-made fixture has no cs/activities file: absent from the start.
    assert [result.spec.name for result in absent] == ["cs/activities", "survey/nps_responses"]
    # The warning the refresh logs for it names the file and what follows.
    assert describe(absent[1], landing_copy) == (
        f"{landing_copy}/survey/nps_responses.csv|parquet is absent: survey/nps_responses "
        "is read as empty, and marts that need it will be empty."
    )
    assert query(tmp_path / "w.duckdb", "select count(*) from raw.survey__nps_responses") == [(0,)]


def test_parquet_lands_the_same_rows_as_csv(landing_copy, tmp_path):
    csv_path = landing_copy / "crm" / "leads.csv"
    csv_warehouse, parquet_warehouse = tmp_path / "csv.duckdb", tmp_path / "parquet.duckdb"
    load_landing(landing_copy, csv_warehouse, loaded_at=LOADED_AT)
    with duckdb.connect() as connection:
        connection.execute(
            f"copy (select * from read_csv('{csv_path}', all_varchar = true)) "
            f"to '{csv_path.with_suffix('.parquet')}' (format parquet)"
        )
    csv_path.unlink()
    load_landing(landing_copy, parquet_warehouse, loaded_at=LOADED_AT)
    sql = "select * exclude (_source_file) from raw.crm__leads order by _landing_row_number"
    assert query(csv_warehouse, sql) == query(parquet_warehouse, sql)


def test_csv_and_parquet_for_one_table_is_ambiguous(landing_copy, tmp_path):
    (landing_copy / "crm" / "leads.parquet").write_bytes(b"")
    with pytest.raises(StructuralBreakError, match="keep one file per table"):
        load_landing(landing_copy, tmp_path / "w.duckdb", loaded_at=LOADED_AT)


def test_ragged_and_multiline_records_still_land(landing_copy, tmp_path):
    spend = landing_copy / "marketing" / "spend.csv"
    with spend.open("a") as handle:
        handle.write("2024-03-01,cmp_1,industry_summit,10,USD,extra,fields\n")
        handle.write('2024-03-02,"cmp\n1",industry_summit,5,USD\n')
        handle.write("2024-03-03,cmp_1\n")
    load_landing(landing_copy, tmp_path / "w.duckdb", loaded_at=LOADED_AT)
    # 2 original rows + 3 appended records, none skipped.
    assert query(tmp_path / "w.duckdb", "select count(*) from raw.marketing__spend") == [(5,)]


def events_as_parquet_deliveries(landing: Path) -> list[Path]:
    """product/events.csv as a folder of three Parquet delivery files: the
    first two with the same header (landed in one statement), the third
    with its columns in another order (landed on its own)."""
    events = landing / "product" / "events.csv"
    folder = landing / "product" / "events"
    folder.mkdir()
    files = [folder / f"2025-06-0{day}.parquet" for day in (1, 2, 3)]
    with duckdb.connect() as connection:
        connection.execute(
            f"create table events as select *, row_number() over () as line "
            f"from read_csv('{events}', all_varchar = true)"
        )
        [(rows,)] = connection.execute("select count(*) from events").fetchall()
        bounds = [0, rows // 3, 2 * rows // 3, rows]
        for index, path in enumerate(files):
            columns = (
                "* exclude (line)" if index < 2 else "occurred_at, * exclude (line, occurred_at)"
            )
            connection.execute(
                f"copy (select {columns} from events where line > {bounds[index]} "
                f"and line <= {bounds[index + 1]} order by line) to '{path}' (format parquet)"
            )
    events.unlink()
    return files


def test_parquet_delivery_files_land_each_numbered_from_one(landing_copy, tmp_path):
    csv_warehouse, parquet_warehouse = tmp_path / "csv.duckdb", tmp_path / "parquet.duckdb"
    load_landing(landing_copy, csv_warehouse, loaded_at=LOADED_AT)
    files = events_as_parquet_deliveries(landing_copy)
    load_landing(landing_copy, parquet_warehouse, loaded_at=LOADED_AT)
    per_file = query(
        parquet_warehouse,
        "select _source_file, count(*), min(_landing_row_number), max(_landing_row_number), "
        "count(distinct _delivery_id) from raw.product__events group by all order by 1",
    )
    assert [row[0] for row in per_file] == [str(path) for path in files]
    assert all(rows == last and first == 1 and ids == 1 for _, rows, first, last, ids in per_file)
    # The same rows as the one CSV file, in the same order.
    columns = "event_id, account_id, user_id, event_type, feature, occurred_at, duration_seconds"
    order = "order by _delivery_order, _landing_row_number"
    assert query(parquet_warehouse, f"select {columns} from raw.product__events {order}") == query(
        csv_warehouse, f"select {columns} from raw.product__events {order}"
    )


def test_a_broken_parquet_delivery_file_is_named(landing_copy, tmp_path):
    files = events_as_parquet_deliveries(landing_copy)
    # Its footer (the header the checks read) intact, its data pages not.
    content = bytearray(files[1].read_bytes())
    content[4:200] = b"\xff" * 196
    files[1].write_bytes(bytes(content))
    with pytest.raises(StructuralBreakError) as error:
        load_landing(landing_copy, tmp_path / "w.duckdb", loaded_at=LOADED_AT)
    assert str(files[1]) in str(error.value)
    assert str(files[0]) not in str(error.value)
