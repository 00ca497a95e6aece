"""Land the landing-zone files into the warehouse's `raw` schema, as text.

Every landing table is declared once, in the dbt sources files
(models/staging/<system>/_<system>__sources.yml); the loader reads its
required columns from there. Before anything is written, every file is
checked for structural breaks (unreadable, empty, wrong delimiter, missing or
renamed column): one failing file stops the load with a message naming the
file, the column and the fix, and the warehouse is left as it was. Bad rows
are not the loader's business: every record lands, and staging quarantines
the ones that cannot be trusted.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

from b2b_ops.settings import PROJECT_DIR

RAW_SCHEMA = "raw"
LOADER_COLUMNS = ("_landing_row_number", "_source_file", "_loaded_at")
OTHER_DELIMITERS = {";": "semicolon", "\t": "tab", "|": "pipe"}


class StructuralBreakError(RuntimeError):
    """A landing file cannot be loaded as the contract describes it."""


@dataclass(frozen=True)
class TableSpec:
    system: str
    table: str
    columns: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"{self.system}/{self.table}"

    @property
    def raw_table(self) -> str:
        return f"{self.system}__{self.table}"


@dataclass(frozen=True)
class LoadResult:
    spec: TableSpec
    file_path: Path | None
    rows_landed: int

    @property
    def is_absent(self) -> bool:
        return self.file_path is None


def read_table_specs(project_dir: Path = PROJECT_DIR) -> list[TableSpec]:
    """The landing tables and their required columns, from the dbt sources files."""
    specs = []
    for sources_file in sorted((project_dir / "models" / "staging").glob("*/_*__sources.yml")):
        document = yaml.safe_load(sources_file.read_text(encoding="utf-8"))
        for source in document.get("sources", []):
            # Only the landing systems live in raw; other sources (the
            # segmentation output) are written by the pipeline itself.
            if source.get("schema") != RAW_SCHEMA:
                continue
            for table in source.get("tables", []):
                columns = tuple(column["name"] for column in table.get("columns", []))
                specs.append(TableSpec(source["name"], table["name"], columns))
    return specs


def find_landing_file(landing_dir: Path, spec: TableSpec) -> Path | None:
    candidates = [
        landing_dir / spec.system / f"{spec.table}.{extension}" for extension in ("csv", "parquet")
    ]
    present = [path for path in candidates if path.exists()]
    if len(present) > 1:
        raise StructuralBreakError(
            f"{present[0]} and {present[1]} both exist: keep one file per table "
            f"(CSV or Parquet) for {spec.name}."
        )
    return present[0] if present else None


def read_csv_header(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), None)
    except UnicodeDecodeError as error:
        raise StructuralBreakError(
            f"{path} is not UTF-8 text ({error.reason} at byte {error.start}): "
            "export it again as UTF-8 CSV."
        ) from error
    except (OSError, csv.Error) as error:
        raise StructuralBreakError(
            f"{path} cannot be read ({error}): check its permissions, or export it again."
        ) from error
    if not header or not any(name.strip() for name in header):
        raise StructuralBreakError(
            f"{path} is empty or has no header row: the first line must name the columns."
        )
    return header


def read_parquet_header(connection: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    try:
        rows = connection.execute(
            "select name from parquet_schema(?) where name <> 'duckdb_schema'", [str(path)]
        ).fetchall()
    except duckdb.Error as error:
        raise StructuralBreakError(
            f"{path} is not a readable Parquet file ({error}): export it again "
            "(a truncated or partly copied file cannot be read)."
        ) from error
    return [row[0] for row in rows]


def normalise(name: str) -> str:
    return name.strip().lower()


def check_columns(path: Path, header: list[str], spec: TableSpec) -> None:
    """Raise a StructuralBreakError naming the file and column if the header breaks the contract."""
    found = [normalise(name) for name in header]
    repeated = sorted({name for name in found if found.count(name) > 1})
    if repeated:
        raise StructuralBreakError(
            f"{path}: column {repeated[0]!r} appears more than once in the header; "
            "each column must appear once."
        )
    missing = [column for column in spec.columns if column not in found]
    if not missing:
        return
    if len(header) == 1:
        for delimiter, label in OTHER_DELIMITERS.items():
            if delimiter in header[0]:
                raise StructuralBreakError(
                    f"{path}: the header is one column {header[0][:60]!r}: the file looks "
                    f"{label}-delimited. Landing CSV files must be comma-delimited; "
                    "export it again with ',' as the delimiter."
                )
    unexpected = [name for name in found if name not in spec.columns]
    hint = ""
    if unexpected:
        hint = (
            f" The file has column(s) the contract does not name: {', '.join(unexpected)}; "
            f"if {unexpected[0]!r} is {missing[0]!r} renamed, rename it back."
        )
    raise StructuralBreakError(
        f"{path}: required column {missing[0]!r} is missing"
        + (f" (also missing: {', '.join(missing[1:])})" if len(missing) > 1 else "")
        + f". {spec.name} needs the columns: {', '.join(spec.columns)}.{hint}"
    )


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


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def check_landing(
    landing_dir: Path, project_dir: Path = PROJECT_DIR
) -> list[tuple[TableSpec, Path | None, list[str]]]:
    """Check the landing folder and every file's header against the contract.

    Returns what to read: each table with its file (None when absent) and
    header. Raises a StructuralBreakError naming the file, the column and the
    fix; reads only headers, so it is cheap enough to run before a refresh.
    """
    if not landing_dir.is_dir():
        raise StructuralBreakError(
            f"the landing folder {landing_dir} does not exist: set B2B_OPS_LANDING_DIR "
            "to a folder laid out as <system>/<table>.csv|parquet, or run `make demo`."
        )
    plan: list[tuple[TableSpec, Path | None, list[str]]] = []
    # In memory: a Parquet header is read through DuckDB, no warehouse needed.
    with duckdb.connect() as connection:
        for spec in read_table_specs(project_dir):
            path = find_landing_file(landing_dir, spec)
            if path is None:
                plan.append((spec, None, []))
                continue
            header = (
                read_parquet_header(connection, path)
                if path.suffix == ".parquet"
                else read_csv_header(path)
            )
            check_columns(path, header, spec)
            plan.append((spec, path, header))
    return plan


def load_landing(
    landing_dir: Path,
    warehouse_path: Path,
    project_dir: Path = PROJECT_DIR,
    loaded_at: dt.datetime | None = None,
) -> list[LoadResult]:
    """Check every landing file, then land all of them in one transaction."""
    plan = check_landing(landing_dir, project_dir)
    for spec, path, _ in plan:
        if path is None:
            log(
                f"warning: {landing_dir / spec.system / spec.table}.csv|parquet is absent: "
                f"{spec.name} is read as empty, and marts that need it will be empty."
            )
    loaded_at = loaded_at or dt.datetime.now(dt.UTC)
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    memory_limit = os.environ.get("B2B_OPS_DUCKDB_MEMORY_LIMIT", "8GB")
    with duckdb.connect(str(warehouse_path), config={"memory_limit": memory_limit}) as connection:
        connection.execute(f"create schema if not exists {RAW_SCHEMA}")
        try:
            # Reading is the slow part and may fail on a file that passed the
            # header checks; it writes only scratch tables.
            for spec, path, header in plan:
                started = time.perf_counter()
                try:
                    _read_into_scratch(connection, spec, path, header)
                except duckdb.Error as error:
                    raise StructuralBreakError(
                        f"{path} could not be read as {spec.name} ({error}). "
                        "Check that it is a UTF-8, comma-delimited CSV with RFC 4180 quoting."
                    ) from error
                if path is not None:
                    log(f"read   {spec.name:<26} {time.perf_counter() - started:6.1f}s")
            # Then every raw table is replaced in one transaction: a reader
            # sees the previous load or this one, never a mix.
            connection.execute("begin transaction")
            try:
                results = []
                for spec, path, _ in plan:
                    rows = _publish_raw_table(connection, spec, path, loaded_at)
                    results.append(LoadResult(spec, path, rows))
                    if path is not None:
                        log(f"landed {spec.name:<26} {rows:>12,} rows")
                _record_loads(connection, results, loaded_at)
                connection.execute("commit")
            except BaseException:
                connection.execute("rollback")
                raise
        finally:
            for spec, _, _ in plan:
                connection.execute(f"drop table if exists {_scratch_table(spec)}")
    return results
