"""Structural checks of a landing folder, read from the files' headers only:
a file that is unreadable, empty, not comma-delimited, or lacks (or renamed)
a required column stops the refresh before anything is written, with one
message naming the file, the column and the fix.

A table arrives as one file (`<system>/<table>.csv|parquet`, a full export)
or as a folder of delivery files (`<system>/<table>/<name>.csv|parquet`,
each holding the rows exported since the previous one); see the data
contract's "Deliveries" (docs/data-contract.md) and docs/operations.md."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import duckdb

from b2b_ops.landing.contract import TableSpec, read_table_specs
from b2b_ops.settings import PROJECT_DIR

OTHER_DELIMITERS = {";": "semicolon", "\t": "tab", "|": "pipe"}
SUFFIXES = (".csv", ".parquet")
# Files a sender is still writing, or leaves beside the data (a Spark
# _SUCCESS marker, a .DS_Store), are not deliveries.
IGNORED_PREFIXES = (".", "_")


class StructuralBreakError(RuntimeError):
    """A landing file cannot be loaded as the contract describes it."""


@dataclass(frozen=True)
class LandingFile:
    path: Path
    header: tuple[str, ...]


@dataclass(frozen=True)
class TablePlan:
    """What to read for a table: its one file, its delivery folder's files
    (in name order), or nothing when it is absent."""

    spec: TableSpec
    folder: Path | None  # the delivery folder; None for a one-file (or absent) table
    files: tuple[LandingFile, ...]

    @property
    def is_absent(self) -> bool:
        return self.folder is None and not self.files

    @property
    def location(self) -> Path | None:
        """The table's file or delivery folder (None when absent)."""
        return self.folder or (self.files[0].path if self.files else None)


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


def delivery_files(folder: Path, spec: TableSpec) -> list[Path]:
    """The delivery files of a folder, in name order (the order they count in)."""
    files = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(IGNORED_PREFIXES):
            continue
        if path.is_dir() or path.suffix not in SUFFIXES:
            raise StructuralBreakError(
                f"{path} is in the delivery folder of {spec.name}, which holds only "
                f"delivery files named <any name>.csv or .parquet: move it out, or name it "
                "with a leading '.' while it is being written."
            )
        files.append(path)
    return files


def find_table_files(landing_dir: Path, spec: TableSpec) -> tuple[Path | None, list[Path]]:
    """(delivery folder or None, the table's files): one file, a folder's files, or none."""
    single = find_landing_file(landing_dir, spec)
    folder = landing_dir / spec.system / spec.table
    if not folder.is_dir():
        return None, [single] if single else []
    if single:
        raise StructuralBreakError(
            f"{single} and the delivery folder {folder} both exist: {spec.name} arrives "
            "either as one file or as a folder of delivery files, not both; remove one."
        )
    return folder, delivery_files(folder, spec)


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


def read_header(connection: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    if path.suffix == ".parquet":
        return read_parquet_header(connection, path)
    return read_csv_header(path)


def check_landing(landing_dir: Path, project_dir: Path = PROJECT_DIR) -> list[TablePlan]:
    """Check the landing folder and every file's header against the contract.

    Returns what to read: each table with its file or delivery files (none
    when absent) and their headers. Raises a StructuralBreakError naming the
    file, the column and the fix; reads only headers, so it is cheap enough
    to run before a refresh.
    """
    if not landing_dir.is_dir():
        raise StructuralBreakError(
            f"the landing folder {landing_dir} does not exist: set B2B_OPS_LANDING_DIR "
            "to a folder laid out as <system>/<table>.csv|parquet, or run `make demo`."
        )
    plan: list[TablePlan] = []
    # In memory: a Parquet header is read through DuckDB, no warehouse needed.
    with duckdb.connect() as connection:
        for spec in read_table_specs(project_dir):
            folder, paths = find_table_files(landing_dir, spec)
            files = []
            for path in paths:
                header = read_header(connection, path)
                check_columns(path, header, spec)
                files.append(LandingFile(path, tuple(header)))
            plan.append(TablePlan(spec, folder, tuple(files)))
    return plan
