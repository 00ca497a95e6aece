"""Land the landing-zone files into the warehouse's `raw` schema, as text,
and keep the ledger of every file landed (`raw._landing_files`).

A refresh lands only what it has not seen: a file whose path and checksum
the ledger knows is skipped (its size and modification time are compared
first, so an unchanged file is not even read). A new path is a new delivery;
a known path with another checksum is a redelivery, whose rows replace the
rows that path delivered before. A one-file table is the same rule: its file
is one delivery, replaced whenever the file changes, and an absent file
leaves the table empty. A delivery file that disappears from a delivery
folder keeps its rows (the ledger is the record); a full refresh forgets it.
The rules in words: docs/data-contract.md ("Deliveries") and docs/operations.md.

Every row gets the loader's columns: `_delivery_id` (the landing that
brought it), `_delivery_order` (where its file counts among the table's
files: the first landing of its path, so a redelivery keeps its place),
`_landing_row_number` (its position in its file), `_source_file` and
`_loaded_at` (when its file's content was first landed).

Every file is checked first (b2b_ops.landing.files): one structural break
stops the load and leaves the warehouse as it was. Bad rows are not the
loader's business: every record lands, and staging quarantines the ones that
cannot be trusted. The loader prints nothing; its results say what it did.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from b2b_ops.landing.contract import RAW_SCHEMA, TableSpec
from b2b_ops.landing.files import (
    LandingFile,
    StructuralBreakError,
    TablePlan,
    check_landing,
    normalise,
)
from b2b_ops.settings import PROJECT_DIR
from b2b_ops.sql_quoting import quoted, sql_text

LOADER_COLUMNS = (
    "_delivery_id",
    "_delivery_order",
    "_landing_row_number",
    "_source_file",
    "_loaded_at",
)
LEDGER = f"{RAW_SCHEMA}._landing_files"
# The days of the rows of each delivery that left raw, for tables that roll
# up by day (product/events): those days must be recomputed downstream.
REMOVED_DAYS = f"{RAW_SCHEMA}._landing_removed_days"
# One row per consumer of the ledger: how far in the landing sequence it has
# processed (b2b_ops.defs.dbt, and the base model of product/events).
REFRESH_STATE = f"{RAW_SCHEMA}._refresh_state"

LEDGER_DDL = f"""
create table if not exists {LEDGER} (
    delivery_id bigint primary key,
    delivery_order bigint not null,
    source_table varchar not null,
    file_path varchar not null,
    size_bytes bigint not null,
    modified_at timestamp not null,
    checksum varchar not null,
    rows_landed bigint not null,
    loaded_at timestamp not null,
    removed_seq bigint,
    replaced_by bigint
);
create table if not exists {REMOVED_DAYS} (
    delivery_id bigint not null,
    event_on date,
    rows_removed bigint not null
);
create table if not exists {REFRESH_STATE} (
    consumer varchar primary key,
    landing_seq bigint not null,
    updated_at timestamp not null
);
"""
HASH_CHUNK_BYTES = 2**22


@dataclass(frozen=True)
class Delivery:
    """A ledger row: one landing of one file's content."""

    delivery_id: int
    delivery_order: int
    source_table: str
    file_path: str
    size_bytes: int
    modified_at: dt.datetime
    checksum: str
    rows_landed: int
    loaded_at: dt.datetime


DELIVERY_FIELDS = tuple(item.name for item in dataclasses.fields(Delivery))


@dataclass
class LoadResult:
    spec: TableSpec
    location: Path | None  # the table's file or delivery folder; None when absent
    rows_landed: int  # rows landed by this refresh
    rows_current: int  # rows of the table in raw after it
    files_landed: list[str] = field(default_factory=list)
    files_missing: list[str] = field(default_factory=list)
    read_seconds: float = 0.0

    @property
    def is_absent(self) -> bool:
        return self.location is None and self.rows_current == 0


def select_landed_columns(header: tuple[str, ...], spec: TableSpec) -> str:
    by_normalised = {normalise(name): name for name in header}
    return ", ".join(
        f"cast({quoted(by_normalised[column])} as varchar) as {column}" for column in spec.columns
    )


def reader_sql(path: Path, header: tuple[str, ...], parallel: bool = True) -> str:
    """DuckDB table function reading every field as text, keeping every
    record, with the record's position in the file (1 = first data row)."""
    if path.suffix == ".parquet":
        return (
            f"(select *, file_row_number + 1 as _position "
            f"from read_parquet({sql_text(str(path))}, file_row_number = true))"
        )
    columns = "{" + ", ".join(f"{sql_text(name)}: 'VARCHAR'" for name in header) + "}"
    # strict_mode off and null padding on: a ragged or badly quoted record
    # still lands as a row (and staging quarantines it) instead of being
    # skipped or failing the whole load. The CSV reader has no row number;
    # row_number() over () runs as a streaming window in the file's order.
    return (
        f"(select *, row_number() over () as _position "
        f"from read_csv({sql_text(str(path))}, header = true, auto_detect = false, "
        f"columns = {columns}, delim = ',', quote = '\"', escape = '\"', strict_mode = false, "
        f"null_padding = true, encoding = 'utf-8', parallel = {str(parallel).lower()}))"
    )


def file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def modified_time(path: Path) -> dt.datetime:
    return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).replace(tzinfo=None)


def relative_path(path: Path, landing_dir: Path) -> str:
    """A file's path in the ledger: relative to the landing folder, which may move."""
    return path.relative_to(landing_dir).as_posix()


@dataclass(frozen=True)
class Removal:
    """A delivery whose rows leave raw, at a number of the landing sequence."""

    delivery: Delivery
    removed_seq: int
    replaced_by: int | None = None


@dataclass
class TableWork:
    """What a refresh does to one table."""

    plan: TablePlan
    new: list[tuple[LandingFile, Delivery]] = field(default_factory=list)  # new or changed content
    again: list[tuple[LandingFile, Delivery]] = field(default_factory=list)  # full refresh: known
    removals: list[Removal] = field(default_factory=list)
    moved: list[Delivery] = field(default_factory=list)  # same content, new size or time stamp
    missing: list[str] = field(default_factory=list)  # delivery files no longer in the folder


class Sequence:
    """The landing sequence: every delivery, and every removal without a
    replacement, takes the next number, so later changes have higher ones."""

    def __init__(self, last: int) -> None:
        self.last = last

    def next(self) -> int:
        self.last += 1
        return self.last


def current_deliveries(connection: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Delivery]]:
    """The ledger's deliveries whose rows are in raw, by table and path."""
    rows = connection.execute(
        f"select delivery_id, delivery_order, source_table, file_path, size_bytes, modified_at, "
        f"checksum, rows_landed, loaded_at from {LEDGER} where removed_seq is null"
    ).fetchall()
    current: dict[str, dict[str, Delivery]] = {}
    for row in rows:
        delivery = Delivery(*row)
        current.setdefault(delivery.source_table, {})[delivery.file_path] = delivery
    return current


def last_sequence(connection: duckdb.DuckDBPyConnection) -> int:
    return connection.execute(
        f"select coalesce(greatest(max(delivery_id), max(removed_seq)), 0) from {LEDGER}"
    ).fetchall()[0][0]


def plan_table(
    plan: TablePlan,
    current: dict[str, Delivery],
    landing_dir: Path,
    sequence: Sequence,
    loaded_at: dt.datetime,
    full_refresh: bool,
) -> TableWork:
    """Compare a table's files with its current deliveries: what to land, what to remove."""
    work = TableWork(plan)
    seen = set()
    for file in plan.files:
        path = relative_path(file.path, landing_dir)
        seen.add(path)
        known = current.get(path)
        size, modified = file.path.stat().st_size, modified_time(file.path)
        same_stat = known is not None and (known.size_bytes, known.modified_at) == (size, modified)
        checksum = known.checksum if same_stat and known else file_checksum(file.path)
        if known and known.checksum == checksum:
            if not same_stat:
                work.moved.append(dataclasses.replace(known, size_bytes=size, modified_at=modified))
            if full_refresh:
                # Landed again as the same delivery: the same order and
                # time, so staging decides every row as it did before.
                work.again.append((file, known))
            continue
        delivery_id = sequence.next()
        if known:
            work.removals.append(Removal(known, delivery_id, replaced_by=delivery_id))
        order = known.delivery_order if known else delivery_id
        work.new.append(
            (
                file,
                Delivery(
                    delivery_id, order, plan.spec.name, path, size, modified, checksum, 0, loaded_at
                ),
            )
        )
    folder = relative_path(plan.folder, landing_dir) + "/" if plan.folder else None
    for path, delivery in sorted(current.items()):
        if path in seen:
            continue
        if folder and path.startswith(folder) and not full_refresh:
            work.missing.append(path)
        else:
            # A one-file table's file is gone (the table is empty now), the
            # table changed form, or a full refresh forgets a vanished file.
            work.removals.append(Removal(delivery, sequence.next()))
    return work


def create_raw_table(
    connection: duckdb.DuckDBPyConnection, spec: TableSpec, replace: bool = False
) -> None:
    columns = ", ".join(f"{column} varchar" for column in spec.columns)
    connection.execute(
        f"create {'or replace ' if replace else ''}table "
        f"{'' if replace else 'if not exists '}{RAW_SCHEMA}.{spec.raw_table} ("
        "_delivery_id bigint, _delivery_order bigint, _landing_row_number bigint, "
        f"_source_file varchar, _loaded_at timestamp, {columns})"
    )


def remove_rows(
    connection: duckdb.DuckDBPyConnection, spec: TableSpec, removals: list[Removal]
) -> None:
    """Take removed deliveries' rows out of raw, recording their days first."""
    ids = ", ".join(str(removal.delivery.delivery_id) for removal in removals)
    raw_table = f"{RAW_SCHEMA}.{spec.raw_table}"
    if spec.event_time:
        # The day as staging reads it (timestamps in UTC); a row whose time
        # does not parse has no day, and no daily rollup counted it.
        connection.execute(
            f"insert into {REMOVED_DAYS} select _delivery_id, "
            f"cast(try_cast(nullif(trim({spec.event_time}), '') as timestamptz) as date), count(*) "
            f"from {raw_table} where _delivery_id in ({ids}) group by all"
        )
    connection.execute(f"delete from {raw_table} where _delivery_id in ({ids})")


def insert_file(
    connection: duckdb.DuckDBPyConnection,
    spec: TableSpec,
    file: LandingFile,
    delivery: Delivery,
    parallel: bool,
) -> None:
    try:
        connection.execute(
            f"insert into {RAW_SCHEMA}.{spec.raw_table} "
            f"select ?, ?, _position, ?, ?, {select_landed_columns(file.header, spec)} "
            f"from {reader_sql(file.path, file.header, parallel)}",
            [delivery.delivery_id, delivery.delivery_order, str(file.path), delivery.loaded_at],
        )
    except duckdb.Error as error:
        raise LandingReadError((file.path,), spec, error) from error


def insert_parquet_files(
    connection: duckdb.DuckDBPyConnection,
    spec: TableSpec,
    files: list[tuple[LandingFile, Delivery]],
) -> None:
    """Parquet delivery files with the same header, in one statement: DuckDB
    reads the files in parallel, where one statement per file reads a small
    daily file on one thread (730 daily files of events at size L)."""
    header = files[0][0].header
    paths = "[" + ", ".join(sql_text(str(file.path)) for file, _ in files) + "]"
    deliveries = ", ".join("(?, ?, ?, ?)" for _ in files)
    parameters = [
        value
        for file, delivery in files
        for value in (
            str(file.path),
            delivery.delivery_id,
            delivery.delivery_order,
            delivery.loaded_at,
        )
    ]
    try:
        connection.execute(
            f"insert into {RAW_SCHEMA}.{spec.raw_table} "
            "select deliveries.delivery_id, deliveries.delivery_order, "
            "landed.file_row_number + 1, deliveries.source_file, deliveries.loaded_at, "
            f"{select_landed_columns(header, spec)} "
            f"from read_parquet({paths}, file_row_number = true, filename = true) as landed "
            f"inner join (values {deliveries}) "
            "as deliveries (source_file, delivery_id, delivery_order, loaded_at) "
            "on landed.filename = deliveries.source_file",
            parameters,
        )
    except duckdb.Error as error:
        raise LandingReadError(tuple(file.path for file, _ in files), spec, error) from error


def insert_files(
    connection: duckdb.DuckDBPyConnection,
    spec: TableSpec,
    landing: list[tuple[LandingFile, Delivery]],
    one_by_one: set[Path],
) -> None:
    """Land files into raw: Parquet files with the same header together, every
    other file (CSV, and any file in `one_by_one`) on its own."""
    together: dict[tuple[str, ...], list[tuple[LandingFile, Delivery]]] = {}
    for file, delivery in landing:
        if file.path.suffix == ".parquet" and file.path not in one_by_one:
            together.setdefault(file.header, []).append((file, delivery))
        else:
            insert_file(connection, spec, file, delivery, parallel=file.path not in one_by_one)
    for files in together.values():
        if len(files) == 1:
            insert_file(connection, spec, *files[0], parallel=True)
        else:
            insert_parquet_files(connection, spec, files)


def landed_counts(
    connection: duckdb.DuckDBPyConnection, spec: TableSpec, deliveries: list[Delivery]
) -> dict[int, int]:
    """Rows per delivery just landed, checked to be numbered 1..n in each file:
    (_delivery_id, _landing_row_number) is the key of raw, made here."""
    if not deliveries:
        return {}
    ids = ", ".join(str(delivery.delivery_id) for delivery in deliveries)
    counts = {}
    for delivery_id, rows, first, last, distinct in connection.execute(
        f"select _delivery_id, count(*), min(_landing_row_number), max(_landing_row_number), "
        f"count(distinct _landing_row_number) from {RAW_SCHEMA}.{spec.raw_table} "
        f"where _delivery_id in ({ids}) group by all"
    ).fetchall():
        if not rows == last == distinct or first != 1:
            raise RuntimeError(
                f"{spec.name}: delivery {delivery_id} landed {rows} rows numbered {first}..{last} "
                f"({distinct} distinct); the loader numbers each file's rows 1..n."
            )
        counts[delivery_id] = rows
    return counts


def record_deliveries(
    connection: duckdb.DuckDBPyConnection, work: TableWork, counts: dict[int, int]
) -> None:
    """The ledger after this table's work."""
    for removal in work.removals:
        connection.execute(
            f"update {LEDGER} set removed_seq = ?, replaced_by = ? where delivery_id = ?",
            [removal.removed_seq, removal.replaced_by, removal.delivery.delivery_id],
        )
    for delivery in work.moved:
        connection.execute(
            f"update {LEDGER} set size_bytes = ?, modified_at = ? where delivery_id = ?",
            [delivery.size_bytes, delivery.modified_at, delivery.delivery_id],
        )
    for file, delivery in work.again:
        if counts.get(delivery.delivery_id, 0) != delivery.rows_landed:
            raise RuntimeError(
                f"{file.path} landed {counts.get(delivery.delivery_id, 0)} rows again where the "
                f"ledger recorded {delivery.rows_landed} for the same checksum."
            )
    for _, delivery in work.new:
        landed = dataclasses.replace(delivery, rows_landed=counts.get(delivery.delivery_id, 0))
        connection.execute(
            f"insert into {LEDGER} ({', '.join(DELIVERY_FIELDS)}) "
            f"values ({', '.join('?' for _ in DELIVERY_FIELDS)})",
            [getattr(landed, name) for name in DELIVERY_FIELDS],
        )


def land_table(
    connection: duckdb.DuckDBPyConnection,
    work: TableWork,
    one_by_one: set[Path],
    full_refresh: bool,
) -> LoadResult:
    """Apply one table's work inside the load's transaction."""
    spec = work.plan.spec
    started = time.perf_counter()
    if work.removals:
        remove_rows(connection, spec, work.removals)
    if full_refresh:
        create_raw_table(connection, spec, replace=True)
    landing = sorted(work.again + work.new, key=lambda item: item[0].path.name)
    insert_files(connection, spec, landing, one_by_one)
    counts = landed_counts(connection, spec, [delivery for _, delivery in landing])
    record_deliveries(connection, work, counts)
    rows_current = connection.execute(
        f"select count(*) from {RAW_SCHEMA}.{spec.raw_table}"
    ).fetchall()[0][0]
    return LoadResult(
        spec,
        work.plan.location if (work.plan.files or rows_current) else None,
        sum(counts.values()),
        rows_current,
        [delivery.file_path for _, delivery in landing],
        work.missing,
        time.perf_counter() - started,
    )


class LandingReadError(Exception):
    """A file, or one of files read together, failed to read inside the load's transaction."""

    def __init__(self, paths: tuple[Path, ...], spec: TableSpec, error: duckdb.Error) -> None:
        super().__init__(str(error))
        self.paths, self.spec, self.error = paths, spec, error


LOADS_COLUMNS = (
    "source_table varchar, file_path varchar, rows_landed bigint, is_absent boolean, "
    "loaded_at timestamp"
)


def _record_loads(
    connection: duckdb.DuckDBPyConnection, results: list[LoadResult], loaded_at: dt.datetime
) -> None:
    """raw._landing_loads: each table's rows after this load; raw._landing_load_history:
    every load's, so a quality check can compare a table's volume with the previous load."""
    connection.execute(f"create or replace table {RAW_SCHEMA}._landing_loads ({LOADS_COLUMNS})")
    connection.executemany(
        f"insert into {RAW_SCHEMA}._landing_loads values (?, ?, ?, ?, ?)",
        [
            (
                result.spec.name,
                str(result.location) if result.location else None,
                result.rows_current,
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


def connect(
    warehouse_path: Path, duckdb_config: dict[str, str | int] | None = None
) -> duckdb.DuckDBPyConnection:
    """The warehouse with the project's DuckDB settings (Settings.duckdb_config;
    None leaves DuckDB's own)."""
    connection = duckdb.connect(str(warehouse_path), config=duckdb_config or {})
    # Timestamps without an offset are UTC, as in the dbt profile.
    connection.execute("set TimeZone = 'UTC'")
    return connection


def load_landing(
    landing_dir: Path,
    warehouse_path: Path,
    project_dir: Path = PROJECT_DIR,
    loaded_at: dt.datetime | None = None,
    duckdb_config: dict[str, str | int] | None = None,
    full_refresh: bool = False,
) -> list[LoadResult]:
    """Check every landing file, then land the new and changed ones (all of
    them on a full refresh) in one transaction, with the ledger."""
    plan = check_landing(landing_dir, project_dir)
    loaded_at = (loaded_at or dt.datetime.now(dt.UTC)).replace(tzinfo=None)
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    # Files to read on their own (and a CSV file serially), after a failed read.
    one_by_one: set[Path] = set()
    with connect(warehouse_path, duckdb_config) as connection:
        connection.execute(f"create schema if not exists {RAW_SCHEMA}")
        connection.execute(LEDGER_DDL)
        while True:
            current = current_deliveries(connection)
            sequence = Sequence(last_sequence(connection))
            work = [
                plan_table(
                    table,
                    current.get(table.spec.name, {}),
                    landing_dir,
                    sequence,
                    loaded_at,
                    full_refresh,
                )
                for table in plan
            ]
            connection.execute("begin transaction")
            try:
                for table in work:
                    create_raw_table(connection, table.plan.spec)
                results = [
                    land_table(connection, table, one_by_one, full_refresh) for table in work
                ]
                _record_loads(connection, results, loaded_at)
                connection.execute("commit")
                return results
            except LandingReadError as failure:
                connection.execute("rollback")
                # A failed statement ends the transaction, so the load starts
                # again: with files read together read one by one, so the
                # error names the file; and with a CSV file read serially when
                # DuckDB's parallel CSV reader could not pad a short record in
                # a file that also has newlines inside quotes (the serial
                # reader can).
                [path, *others] = failure.paths
                if others:
                    one_by_one.update(failure.paths)
                    continue
                if "parallel=false" in str(failure.error) and path not in one_by_one:
                    one_by_one.add(path)
                    continue
                raise StructuralBreakError(
                    f"{path} could not be read as {failure.spec.name} ({failure.error}). "
                    "Check that it is a UTF-8, comma-delimited CSV with RFC 4180 quoting."
                ) from failure.error
            except BaseException:
                connection.execute("rollback")
                raise


def landed_text(result: LoadResult) -> str:
    """What a refresh did to a table, in a few words: rows landed (and from
    how many files, and the table's rows in all, when that differs)."""
    files = len(result.files_landed)
    if not files:
        return f"{'unchanged':>12} ({result.rows_current:,} rows)"
    text = f"{result.rows_landed:>12,} rows"
    if files > 1 or result.rows_current != result.rows_landed:
        text += f" from {files} file{'s' if files > 1 else ''} ({result.rows_current:,} in all)"
    return text


def describe(result: LoadResult, landing_dir: Path) -> str:
    """One line on what landed for a table, or that it was absent."""
    spec = result.spec
    if result.is_absent:
        return (
            f"{landing_dir / spec.system / spec.table}.csv|parquet is absent: "
            f"{spec.name} is read as empty, and marts that need it will be empty."
        )
    line = f"landed {spec.name:<26}{landed_text(result)} in {result.read_seconds:.1f}s"
    if not result.files_landed:
        line = f"landed {spec.name:<26}{landed_text(result)}"
    if result.files_missing:
        line += (
            f"; {len(result.files_missing)} delivery file(s) landed earlier are no longer in "
            f"the folder, e.g. {result.files_missing[0]}: their rows stay (a full refresh "
            "forgets them)"
        )
    return line
