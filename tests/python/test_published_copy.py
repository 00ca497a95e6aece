"""The published copy as BI tools get it: a DuckDB file that a DuckDB 1.x
client opens, the same tables as Parquet from the same refresh, both with
the models' descriptions, and a build of history that never replaces it."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
import yaml

from b2b_ops.publishing import destination, publish, read_manifest
from b2b_ops.publishing.copy import (
    COLUMN_DESCRIPTIONS_KEY,
    DESCRIPTION_KEY,
    STORAGE_VERSION,
    write_copies,
)
from b2b_ops.publishing.layout import MANIFEST, POINTER, VERSIONS
from b2b_ops.settings import PROJECT_DIR, Settings, SettingsError
from b2b_ops.summary import after_as_of

# Reads every table of a DuckDB file read-only: its client's version and each table's rows.
READER = textwrap.dedent(
    """
    import json, sys
    import duckdb
    with duckdb.connect(sys.argv[1], read_only=True) as connection:
        tables = connection.execute(
            "select table_schema, table_name from information_schema.tables order by all"
        ).fetchall()
        rows = {}
        for schema, table in tables:
            rows[f"{schema}.{table}"] = len(connection.execute(f'select * from "{schema}"."{table}"').fetchall())
    print(json.dumps({"version": duckdb.__version__, "rows": rows}))
    """
)


def duckdb1_python() -> Path:
    """The DuckDB 1.x client's Python (make duckdb1-client installs it once, under .cache/)."""
    result = subprocess.run(
        ["make", "-s", "duckdb1-client", f"PYTHON={sys.executable}"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return PROJECT_DIR / result.stdout.strip().splitlines()[-1]


def read_with(python: Path | str, database: Path) -> dict:
    result = subprocess.run(
        [str(python), "-c", READER, str(database)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def table_rows(database: Path) -> dict[str, int]:
    with duckdb.connect(str(database), read_only=True) as connection:
        tables = connection.execute(
            "select table_schema, table_name from information_schema.tables order by all"
        ).fetchall()
        return {
            f"{schema}.{table}": connection.execute(
                f'select count(*) from "{schema}"."{table}"'
            ).fetchall()[0][0]
            for schema, table in tables
        }


@pytest.fixture(scope="module")
def published(demo_build) -> Path:
    return demo_build["warehouse"].parent / "published" / "b2b_ops.duckdb"


def test_a_duckdb_1x_client_reads_every_published_table(published):
    read = read_with(duckdb1_python(), published)
    assert read["version"].startswith("1.")
    assert read["rows"] == table_rows(published)
    assert {
        "marts.dim_accounts",
        "marts.mart_kpi_scorecard",
        "semantic.sem_time_spine_days",
    } <= set(read["rows"])


def test_the_parquet_set_has_every_table_with_the_duckdb_files_rows_and_columns(published):
    manifest = read_manifest(published.parent)
    assert manifest["duckdb_storage_version"] == STORAGE_VERSION
    rows = table_rows(published)
    assert {table: entry["rows"] for table, entry in manifest["tables"].items()} == rows
    with duckdb.connect(str(published), read_only=True) as connection:
        for table in rows:
            parquet = published.parent / manifest["tables"][table]["parquet"]
            from_parquet = connection.execute(
                f"select count(*) from read_parquet('{parquet}')"
            ).fetchall()[0][0]
            assert from_parquet == rows[table], table
            schema, name = table.split(".")
            columns = connection.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position",
                [schema, name],
            ).fetchall()
            parquet_columns = connection.execute(
                f"select column_name, column_type from (describe select * from read_parquet('{parquet}'))"
            ).fetchall()
            assert parquet_columns == columns, table


def documented_columns() -> dict[str, dict[str, str]]:
    """Every published model's column descriptions, from the ymls."""
    documented = {}
    for folder in ("models/marts", "models/playbook/marts", "models/semantic"):
        for models_file in sorted((PROJECT_DIR / folder).rglob("_*.yml")):
            for model in (yaml.safe_load(models_file.read_text()) or {}).get("models", []):
                documented[model["name"]] = {
                    column["name"]: column["description"].strip()
                    for column in model.get("columns", [])
                }
    return documented


def test_every_published_column_carries_its_description_in_duckdb_and_parquet(published):
    documented = documented_columns()
    with duckdb.connect(str(published), read_only=True) as connection:
        columns = connection.execute(
            "select schema_name, table_name, column_name, comment from duckdb_columns() "
            "where database_name = 'b2b_ops' and not internal"
        ).fetchall()
        tables = connection.execute(
            "select table_name, comment from duckdb_tables() where database_name = 'b2b_ops'"
        ).fetchall()
    described = [column for column in columns if column[3]]
    assert len(columns) > 300
    assert len(described) == len(columns), [column[:3] for column in columns if not column[3]]
    for _, table, column, comment in described:
        # persist_docs writes the yml description (folded: one line per paragraph).
        assert " ".join(comment.split()) == " ".join(documented[table][column].split())
    assert all(comment for _, comment in tables)
    manifest = read_manifest(published.parent)
    for table, entry in manifest["tables"].items():
        metadata = dict(
            duckdb.sql(
                f"select decode(key), decode(value) from parquet_kv_metadata('{published.parent / entry['parquet']}')"
            ).fetchall()
        )
        descriptions = json.loads(metadata[COLUMN_DESCRIPTIONS_KEY])
        name = table.split(".")[1]
        assert set(descriptions) == set(documented[name]), table
        assert metadata[DESCRIPTION_KEY]


# --- The layout and the swap, on a small warehouse (no build) -------------


def write_working(path: Path, version: int) -> None:
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema if not exists marts")
        connection.execute(
            f"create or replace table marts.snapshot as select {version} as version, range as row_number "
            f"from range({version * 10})"
        )
        connection.execute("comment on column marts.snapshot.version is 'which publish'")


def test_the_duckdb_file_and_the_parquet_set_go_through_one_pointer(tmp_path):
    working, published = tmp_path / "w.duckdb", tmp_path / "published" / "b2b_ops.duckdb"
    for version in (1, 2, 3):
        write_working(working, version)
        publish(working, published, dt.date(2026, 6, 30))
    root = published.parent
    current = (root / POINTER).resolve()
    assert published.resolve() == current / "b2b_ops.duckdb"
    assert (root / "parquet").resolve() == current / "parquet"
    assert (root / MANIFEST).resolve() == current / MANIFEST
    # The current version and the one before it (readers may still scan it).
    assert len(list((root / VERSIONS).iterdir())) == 2
    parquet = root / "parquet" / "marts" / "snapshot.parquet"
    assert duckdb.sql(f"select max(version), count(*) from '{parquet}'").fetchall() == [(3, 30)]
    assert table_rows(published) == {"marts.snapshot": 30}


def test_a_large_growing_mart_is_one_parquet_file_per_year_with_every_row_and_column(tmp_path):
    # 30 monthly rows from 2024-11 to 2027-04 (2 in 2024, 12 in 2025, 12 in
    # 2026, 4 in 2027), over a threshold of 20 rows: four yearly files; the
    # 10-row table beside it stays one file.
    working = tmp_path / "w.duckdb"
    with duckdb.connect(str(working)) as connection:
        connection.execute("create schema marts")
        connection.execute(
            "create table marts.fct_mrr_movements as select range as row_number, "
            "cast(date '2024-11-01' + to_months(cast(range as integer)) as date) as month "
            "from range(30)"
        )
        connection.execute("comment on column marts.fct_mrr_movements.month is 'the month'")
        connection.execute("create table marts.dim_accounts as select range as id from range(10)")
    version = tmp_path / "version"
    version.mkdir()
    tables = {
        table.name: table
        for table in write_copies(
            working, version, "b2b_ops.duckdb", ("marts",), partition_min_rows=20
        )
    }
    movements = tables["fct_mrr_movements"]
    assert movements.partition_column == "month"
    assert movements.parquet_path == "parquet/marts/fct_mrr_movements/*.parquet"
    files = sorted(
        path.name for path in (version / "parquet" / "marts" / "fct_mrr_movements").iterdir()
    )
    assert files == ["2024.parquet", "2025.parquet", "2026.parquet", "2027.parquet"]
    by_year = duckdb.sql(
        f"select year(month), count(*), min(filename) = max(filename) "
        f"from read_parquet('{version / movements.parquet_path}', filename = true) group by 1 order by 1"
    ).fetchall()
    assert by_year == [(2024, 2, True), (2025, 12, True), (2026, 12, True), (2027, 4, True)]
    columns = duckdb.sql(
        f"select column_name, column_type from (describe select * from read_parquet('{version / movements.parquet_path}'))"
    ).fetchall()
    assert columns == [("row_number", "BIGINT"), ("month", "DATE")]
    assert tables["dim_accounts"].partition_column is None
    assert (version / tables["dim_accounts"].parquet_path).is_file()


def test_a_killed_publish_leaves_the_last_copy_and_its_leftovers_go_next_time(tmp_path):
    working, published = tmp_path / "w.duckdb", tmp_path / "published" / "b2b_ops.duckdb"
    write_working(working, 1)
    publish(working, published)
    # What a publish killed mid-way leaves: a version folder without
    # published.json and a half-made link, from a process that is gone.
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    pid = int(dead.stdout)
    partial = published.parent / VERSIONS / f"20260101T000000000000Z.p{pid}.deadbeef"
    (partial / "parquet").mkdir(parents=True)
    (partial / "b2b_ops.duckdb").write_bytes(b"half")
    os.symlink("nowhere", published.parent / f".current.p{pid}.cafe.tmp")
    assert table_rows(published) == {"marts.snapshot": 10}
    write_working(working, 2)
    publish(working, published)
    assert not partial.exists()
    assert list(published.parent.glob(".*.tmp")) == []
    assert table_rows(published) == {"marts.snapshot": 20}


def test_a_copy_of_the_published_folder_that_followed_the_links_publishes_again(tmp_path):
    working, published = tmp_path / "w.duckdb", tmp_path / "published" / "b2b_ops.duckdb"
    write_working(working, 1)
    publish(working, published)
    copied = tmp_path / "copy" / "published" / "b2b_ops.duckdb"
    shutil.copytree(published.parent, copied.parent)  # links become real files and folders
    assert not (copied.parent / POINTER).is_symlink()
    write_working(working, 2)
    publish(working, copied)
    assert (copied.parent / POINTER).is_symlink() and copied.is_symlink()
    assert table_rows(copied) == {"marts.snapshot": 20}


def test_a_build_at_an_earlier_as_of_date_publishes_aside(tmp_path):
    working, published = tmp_path / "w.duckdb", tmp_path / "published" / "b2b_ops.duckdb"
    write_working(working, 1)
    assert destination(published, dt.date(2025, 6, 30)) == published  # nothing published yet
    publish(working, published, dt.date(2026, 6, 30))
    aside = destination(published, dt.date(2025, 6, 30))
    assert aside == published.parent / "as_of_2025-06-30" / "b2b_ops.duckdb"
    assert destination(published, dt.date(2026, 6, 30)) == published  # the same date again
    assert destination(published, dt.date(2026, 7, 31)) == published  # a later one
    assert destination(published, dt.date(2025, 6, 30), replace_past=True) == published
    write_working(working, 2)
    publish(working, aside, dt.date(2025, 6, 30))
    assert table_rows(published) == {"marts.snapshot": 10}
    assert table_rows(aside) == {"marts.snapshot": 20}
    assert read_manifest(published.parent)["as_of_date"] == "2026-06-30"


def test_the_publish_step_puts_a_past_as_of_build_aside_and_says_where(tmp_path):
    from dagster import materialize

    from b2b_ops.cli import next_steps
    from b2b_ops.defs.publishing import published_marts

    working = tmp_path / "w.duckdb"
    published = tmp_path / "published" / "b2b_ops.duckdb"

    def publish_step(as_of: str, **settings: str) -> Settings:
        chosen = Settings(warehouse=str(working), as_of_date=as_of, **settings)
        assert materialize([published_marts], resources={"settings": chosen}).success
        return chosen

    write_working(working, 1)
    publish_step("2026-06-30")
    write_working(working, 2)
    history = publish_step("2025-06-30")
    aside = published.parent / "as_of_2025-06-30" / "b2b_ops.duckdb"
    assert table_rows(published) == {"marts.snapshot": 10}
    assert table_rows(aside) == {"marts.snapshot": 20}
    assert any(str(aside) in line for line in next_steps(history))
    # Asked for explicitly, a past as-of date replaces the copy BI tools read.
    publish_step("2025-06-30", past_as_of_publish="replace")
    assert table_rows(published) == {"marts.snapshot": 20}
    assert read_manifest(published.parent)["as_of_date"] == "2025-06-30"


def test_the_summary_counts_landed_rows_dated_after_the_as_of_date(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("create schema staging")
        connection.execute(
            "create table staging.stg_product__events as select * from (values "
            "(timestamp '2025-06-30 23:59:59'), (timestamp '2025-07-01 00:00:00'), "
            "(timestamp '2025-08-15 10:00:00')) as events(occurred_at)"
        )
        connection.execute(
            "create table staging.stg_marketing__spend as select date '2025-06-01' as spend_date"
        )
        as_of = dt.date(2025, 6, 30)
        assert after_as_of.rows_after(connection, as_of) == {"product/events": 2}
        assert after_as_of.lines(connection, as_of)[0] == (
            "Rows dated after the as-of date 2025-06-30, left out of this build: 2"
        )
        assert after_as_of.lines(connection, dt.date(2025, 8, 15)) == [
            "Rows dated after the as-of date 2025-08-15: none"
        ]


def test_the_past_as_of_setting_takes_aside_or_replace():
    assert Settings().past_as_of == "aside"
    assert Settings(past_as_of_publish=" Replace ").past_as_of == "replace"
    with pytest.raises(SettingsError, match="B2B_OPS_PAST_AS_OF_PUBLISH"):
        Settings(past_as_of_publish="overwrite").check()
