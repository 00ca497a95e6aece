"""Land the landing-zone files into the warehouse's `raw` schema, as text.

Every file is checked first (b2b_ops.landing.files): one structural break
stops the load and leaves the warehouse as it was. Bad rows are not the
loader's business: every record lands, and staging quarantines the ones that
cannot be trusted. The loader prints nothing; its results say what it did.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from b2b_ops.landing.contract import RAW_SCHEMA, TableSpec
from b2b_ops.landing.files import StructuralBreakError, check_landing, normalise
from b2b_ops.settings import PROJECT_DIR

LOADER_COLUMNS = ("_landing_row_number", "_source_file", "_loaded_at")


@dataclass(frozen=True)
class LoadResult:
    spec: TableSpec
    file_path: Path | None
    rows_landed: int
    read_seconds: float = 0.0

    @property
    def is_absent(self) -> bool:
        return self.file_path is None


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def select_landed_columns(header: list[str], spec: TableSpec) -> str:
    by_normalised = {normalise(name): name for name in header}
    return ", ".join(
        f"cast({quote_identifier(by_normalised[column])} as varchar) as {column}"
        for column in spec.columns
    )


def reader_sql(path: Path, header: list[str], parallel: bool = True) -> str:
    """DuckDB table function reading every field as text, keeping every record."""
    if path.suffix == ".parquet":
        return f"read_parquet('{path}')"
    columns = (
        "{"
        + ", ".join(f"'{name.replace(chr(39), chr(39) * 2)}': 'VARCHAR'" for name in header)
        + "}"
    )
    # strict_mode off and null padding on: a ragged or badly quoted record
    # still lands as a row (and staging quarantines it) instead of being
    # skipped or failing the whole load.
    return (
        f"read_csv('{path}', header = true, auto_detect = false, columns = {columns}, "
        "delim = ',', quote = '\"', escape = '\"', strict_mode = false, "
        f"null_padding = true, encoding = 'utf-8', parallel = {str(parallel).lower()})"
    )


def _scratch_table(spec: TableSpec) -> str:
    return f"{RAW_SCHEMA}._loading_{spec.raw_table}"


def _read_into_scratch(
    connection: duckdb.DuckDBPyConnection, spec: TableSpec, path: Path | None, header: list[str]
) -> None:
    """Read one file (or nothing, for an absent file) into its scratch table, as text."""
    scratch = _scratch_table(spec)
    if path is None:
        columns = ", ".join(f"{column} varchar" for column in spec.columns)
        connection.execute(f"create or replace table {scratch} ({columns})")
        return
    columns = select_landed_columns(header, spec)
    try:
        connection.execute(
            f"create or replace table {scratch} as select {columns} from {reader_sql(path, header)}"
        )
    except duckdb.Error as error:
        # DuckDB's parallel reader cannot pad a short record in a file that
        # also has newlines inside quotes; the serial reader can. Clean files
        # keep the fast path.
        if "parallel=false" not in str(error):
            raise
        connection.execute(
            f"create or replace table {scratch} as "
            f"select {columns} from {reader_sql(path, header, parallel=False)}"
        )


def _publish_raw_table(
    connection: duckdb.DuckDBPyConnection,
    spec: TableSpec,
    path: Path | None,
    loaded_at: dt.datetime,
) -> int:
    """Replace raw.<table> with the scratch table, numbering records in file order."""
    scratch = _scratch_table(spec)
    # A file scan keeps insertion order and rowids are consecutive in that
    # order, so the record's position is its rowid counted from the smallest.
    connection.execute(
        f"create or replace table {RAW_SCHEMA}.{spec.raw_table} as "
        f"select cast(rowid - (select coalesce(min(rowid), 0) from {scratch}) + 1 as bigint) "
        "as _landing_row_number, "
        "cast(? as varchar) as _source_file, "
        f"cast(? as timestamp) as _loaded_at, {', '.join(spec.columns)} "
        f"from {scratch} order by rowid",
        [str(path) if path else None, loaded_at.replace(tzinfo=None)],
    )
    return connection.execute(f"select count(*) from {RAW_SCHEMA}.{spec.raw_table}").fetchall()[0][
        0
    ]


LOADS_COLUMNS = (
    "source_table varchar, file_path varchar, rows_landed bigint, is_absent boolean, "
    "loaded_at timestamp"
)


def _record_loads(
    connection: duckdb.DuckDBPyConnection, results: list[LoadResult], loaded_at: dt.datetime
) -> None:
    """raw._landing_loads: this load's row counts; raw._landing_load_history: every load's,
    so a quality check can compare a table's volume with the previous load."""
    connection.execute(f"create or replace table {RAW_SCHEMA}._landing_loads ({LOADS_COLUMNS})")
    connection.executemany(
        f"insert into {RAW_SCHEMA}._landing_loads values (?, ?, ?, ?, ?)",
        [
            (
                result.spec.name,
                str(result.file_path) if result.file_path else None,
                result.rows_landed,
                result.is_absent,
                loaded_at.replace(tzinfo=None),
            )
            for result in results
        ],
    )
    connection.execute(
        f"create table if not exists {RAW_SCHEMA}._landing_load_history ({LOADS_COLUMNS})"
    )
    connection.execute(
        f"insert into {RAW_SCHEMA}._landing_load_history select * from {RAW_SCHEMA}._landing_loads"
    )


def load_landing(
    landing_dir: Path,
    warehouse_path: Path,
    project_dir: Path = PROJECT_DIR,
    loaded_at: dt.datetime | None = None,
    memory_limit: str | None = None,
) -> list[LoadResult]:
    """Check every landing file, then land all of them in one transaction.
    `memory_limit` caps DuckDB (e.g. 8GB; None leaves DuckDB's own limit)."""
    plan = check_landing(landing_dir, project_dir)
    loaded_at = loaded_at or dt.datetime.now(dt.UTC)
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    config = {"memory_limit": memory_limit} if memory_limit else {}
    with duckdb.connect(str(warehouse_path), config=config) as connection:
        connection.execute(f"create schema if not exists {RAW_SCHEMA}")
        try:
            # Reading is the slow part and may fail on a file that passed the
            # header checks; it writes only scratch tables.
            read_seconds = {}
            for spec, path, header in plan:
                started = time.perf_counter()
                try:
                    _read_into_scratch(connection, spec, path, header)
                except duckdb.Error as error:
                    raise StructuralBreakError(
                        f"{path} could not be read as {spec.name} ({error}). "
                        "Check that it is a UTF-8, comma-delimited CSV with RFC 4180 quoting."
                    ) from error
                read_seconds[spec] = time.perf_counter() - started
            # Then every raw table is replaced in one transaction: a reader
            # sees the previous load or this one, never a mix.
            connection.execute("begin transaction")
            try:
                results = [
                    LoadResult(
                        spec,
                        path,
                        _publish_raw_table(connection, spec, path, loaded_at),
                        read_seconds[spec],
                    )
                    for spec, path, _ in plan
                ]
                _record_loads(connection, results, loaded_at)
                connection.execute("commit")
            except BaseException:
                connection.execute("rollback")
                raise
        finally:
            for spec, _, _ in plan:
                connection.execute(f"drop table if exists {_scratch_table(spec)}")
    return results


def describe(result: LoadResult, landing_dir: Path) -> str:
    """One line on what landed for a table, or that its file was absent."""
    if result.is_absent:
        return (
            f"{landing_dir / result.spec.system / result.spec.table}.csv|parquet is absent: "
            f"{result.spec.name} is read as empty, and marts that need it will be empty."
        )
    return (
        f"landed {result.spec.name:<26}{result.rows_landed:>12,} rows in {result.read_seconds:.1f}s"
    )
