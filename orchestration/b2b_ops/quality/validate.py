"""Run a suite with Great Expectations on dataframes that DuckDB prepares.

GX's SQL datasource does not work on DuckDB (see the stack notes), so every
expectation runs on a pandas dataframe, and DuckDB keeps the frames small:

- `rows`: a mart is read whole (marts are small); a landing table is read as
  a random sample of `sample_rows` of the rows this load landed (a new
  delivery, or every row on a first load; product/events has ~50 M rows at
  size L), its text cleaned as staging cleans it (trimmed, blank = null). A
  column named `name::type` in an expectation is that column cast with
  try_cast, so a value that does not parse is null there.
- `table_stats`: one row of figures DuckDB computes over a whole landing
  table (row count, the previous load's row count, duplicate keys).
- a named query of the suite: its SQL's result (aggregates, parent counts).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from b2b_ops.landing import LOADER_COLUMNS
from b2b_ops.quality.suites import Expectation, Suite, SuiteError

SAMPLE_SEED = 42
SAMPLE_VALUES_SHOWN = 10
COLUMN_ARGUMENTS = ("column", "column_A", "column_B")
TYPED_COLUMN = re.compile(r"^(\w+)::(\w+)$")
GX_SEVERITY = {"blocking": "critical", "warn": "warning"}

# Figures over the whole landing table; previous_row_count comes from the
# last earlier load of the same file (raw._landing_load_history), null on a
# first load. Another file (a new landing folder, or an absent file, which the
# loader already warns about) starts its own history: its volume says nothing
# about a truncated export.
# duplicate_key_rows counts the rows this load landed (a new delivery, or
# every file on a first load or a full refresh) with a complete key that
# repeat another row's key: one landed earlier or earlier in this load
# (staging quarantines them as duplicate_key). So a daily refresh looks at
# its day: the earlier rows are only probed for the new keys (3 s instead of
# 18 s for one day of events at size L), and the rate is of the new rows.
# Keys are compared as landed, not trimmed: trimming 50 M event ids doubles
# the time, and a key padded with spaces is rare enough to leave to staging.
TABLE_STATS_SQL = """
with current_load as (
    select rows_landed, file_path, loaded_at from raw._landing_loads where source_table = $name
),
previous_load as (
    select history.rows_landed
    from raw._landing_load_history as history
    inner join current_load
        on history.file_path = current_load.file_path
        and history.loaded_at < current_load.loaded_at
    where history.source_table = $name
    order by history.loaded_at desc
    limit 1
),
new_rows as (
    select ({key_columns}) as landed_key, {key_present} as has_key
    from {table}
    where _loaded_at = (select loaded_at from current_load)
),
new_keys as (
    select landed_key from new_rows where has_key
),
keys_landed_before as (
    select count(distinct ({key_columns})) as new_keys_seen_before
    from {table}
    where {key_present}
        and _loaded_at <> (select loaded_at from current_load)
        and ({key_columns}) in (select landed_key from new_keys)
),
key_figures as (
    select
        (select count(*) from new_rows) as new_row_count,
        (select count(*) - count(distinct landed_key) from new_keys)
        + (select new_keys_seen_before from keys_landed_before) as duplicate_key_rows
),
final as (
    select
        (select rows_landed from current_load) as row_count,
        (select rows_landed from previous_load) as previous_row_count,
        key_figures.new_row_count,
        key_figures.duplicate_key_rows
    from key_figures
)
select
    row_count,
    previous_row_count,
    row_count / nullif(previous_row_count, 0) as row_count_vs_previous,
    new_row_count,
    duplicate_key_rows,
    duplicate_key_rows / nullif(new_row_count, 0) as duplicate_key_rate
from final
"""


@dataclass(frozen=True)
class Outcome:
    """One expectation's result, with what a reader needs to find the bad rows."""

    expectation: Expectation
    success: bool
    element_count: int | None
    unexpected_count: int | None
    sample_values: list[Any]
    observed_value: Any
    error: str | None

    def summary(self, table: str) -> str:
        """One line: the table, the expectation, what was wrong, sample values, and why it matters."""
        status = "passed" if self.success else f"failed ({self.expectation.severity})"
        parts = [f"{table}: {self.expectation.describe()} on {self.expectation.frame} {status}"]
        if self.error:
            parts.append(f"error: {self.error}")
        if self.unexpected_count is not None:
            parts.append(f"{self.unexpected_count} of {self.element_count} rows unexpected")
        if self.sample_values:
            parts.append(f"sample bad values: {self.sample_values}")
        if self.observed_value is not None:
            parts.append(f"observed: {self.observed_value}")
        parts.append(f"why: {self.expectation.why}")
        return "; ".join(parts)


# The checks' DuckDB memory cap; it spills to disk beyond. On 50 M events
# (size L) 1GB ran the suite in 27 s with a 1.5 GB peak, 2GB in 37 s with 2.6 GB.
MEMORY_LIMIT = "1GB"


def _clean(name: str) -> str:
    return f"nullif(trim(\"{name}\"), '')"


def typed_columns(expectations: Iterable[Expectation]) -> dict[str, tuple[str, str]]:
    """`name::type` columns named by the expectations, as {label: (column, type)}."""
    found = {}
    for expectation in expectations:
        for argument in COLUMN_ARGUMENTS:
            match = TYPED_COLUMN.match(str(expectation.arguments.get(argument, "")))
            if match:
                found[match.group(0)] = (match.group(1), match.group(2))
    return found


def mart_columns(suite: Suite) -> list[str] | None:
    """The mart columns the `rows` expectations name; None (every column) when
    one of them is about the whole table (a row count, the column set)."""
    named: list[str] = []
    for expectation in suite.expectations:
        if expectation.frame != "rows":
            continue
        columns = [expectation.arguments[a] for a in COLUMN_ARGUMENTS if a in expectation.arguments]
        if not columns:
            return None
        named += [column for column in columns if column not in named]
    return named


def rows_sql(connection: duckdb.DuckDBPyConnection, suite: Suite) -> str:
    """The `rows` frame: a mart's columns that the suite names (fct_account_health
    has ~2 M rows at size L), or a cleaned random sample of a landing table."""
    if not suite.is_landing:
        columns = mart_columns(suite)
        selected = ", ".join(f'"{column}"' for column in columns) if columns else "*"
        return f"select {selected} from {suite.table}"
    schema, name = suite.table.split(".")
    columns = [
        row[0]
        for row in connection.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [schema, name],
        ).fetchall()
        if row[0] not in LOADER_COLUMNS
    ]
    selected = [f'{_clean(column)} as "{column}"' for column in columns]
    selected += [
        f'try_cast({_clean(column)} as {column_type}) as "{label}"'
        for label, (column, column_type) in typed_columns(suite.expectations).items()
    ]
    # The rows this load landed ($name is the landing table): a daily
    # delivery is judged on its own rows, not diluted by the history (and
    # sampling one day of events at L takes 0.2 s instead of 4 s).
    return (
        f"select {', '.join(selected)} from ("
        f"select * from {suite.table} where _loaded_at = "
        "(select loaded_at from raw._landing_loads where source_table = $name)) "
        f"using sample reservoir({int(suite.sample_rows)} rows) repeatable ({SAMPLE_SEED})"
    )


def table_stats_sql(suite: Suite) -> str:
    return TABLE_STATS_SQL.format(
        table=suite.table,
        key_columns=", ".join(f'"{column}"' for column in suite.key_columns),
        key_present=" and ".join(
            f'"{column}" is not null and "{column}" <> \'\'' for column in suite.key_columns
        ),
    )


def read_frames(connection: duckdb.DuckDBPyConnection, suite: Suite) -> dict[str, pd.DataFrame]:
    """The frames the suite's expectations run on, computed in DuckDB."""
    needed = {expectation.frame for expectation in suite.expectations}
    frames = {}
    for frame in sorted(needed):
        if frame == "rows" and suite.is_landing:
            frames[frame] = connection.execute(
                rows_sql(connection, suite), {"name": suite.landing_name}
            ).df()
        elif frame == "rows":
            frames[frame] = connection.execute(rows_sql(connection, suite)).df()
        elif frame == "table_stats":
            frames[frame] = connection.execute(
                table_stats_sql(suite), {"name": suite.landing_name}
            ).df()
        else:
            frames[frame] = connection.execute(suite.queries[frame]).df()
    return frames


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if hasattr(value, "item"):  # numpy scalars
        return _json_safe(value.item())
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    return str(value)


def build_gx_expectation(suite_path: Path, expectation: Expectation) -> Any:
    """The Great Expectations object for one expectation; a SuiteError names the file and the expectation."""
    import great_expectations as gx

    class_name = "".join(part[:1].upper() + part[1:] for part in expectation.type.split("_"))
    expectation_class = getattr(gx.expectations, class_name, None)
    if expectation_class is None:
        raise SuiteError(
            f"{suite_path}, expectation {expectation.number}: {expectation.type} is not a "
            "Great Expectations expectation; see the gallery at greatexpectations.io/expectations."
        )
    try:
        return expectation_class(
            **expectation.arguments,
            severity=GX_SEVERITY[expectation.severity],
            meta={
                "number": expectation.number,
                "why": expectation.why,
                "severity": expectation.severity,
            },
        )
    except Exception as error:  # pydantic's ValidationError, or a bad value
        raise SuiteError(
            f"{suite_path}, expectation {expectation.number}: {expectation.type} has arguments "
            f"Great Expectations rejects: {' '.join(str(error).split())}"
        ) from error


def check_suite_arguments(suite: Suite) -> None:
    """Build every expectation of the suite, so a bad argument fails before any data is read."""
    for expectation in suite.expectations:
        build_gx_expectation(suite.path, expectation)


def _context() -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def _outcome(expectation: Expectation, result: Any) -> Outcome:
    details = result.result or {}
    exception = result.exception_info or {}
    error = exception.get("exception_message") if exception.get("raised_exception") else None
    return Outcome(
        expectation=expectation,
        success=bool(result.success),
        element_count=_json_safe(details.get("element_count")),
        unexpected_count=_json_safe(details.get("unexpected_count")),
        sample_values=_json_safe(details.get("partial_unexpected_list") or [])[
            :SAMPLE_VALUES_SHOWN
        ],
        observed_value=_json_safe(details.get("observed_value")),
        error=error,
    )


def _not_checked(expectation: Expectation, row_count: int) -> Outcome:
    """An expectation whose frame has fewer rows than its min_rows: passed, and says why."""
    return Outcome(
        expectation=expectation,
        success=True,
        element_count=row_count,
        unexpected_count=None,
        sample_values=[],
        observed_value=f"not checked: {row_count} rows, fewer than min_rows {expectation.min_rows}",
        error=None,
    )


def validate_frames(suite: Suite, frames: dict[str, pd.DataFrame]) -> list[Outcome]:
    """Every expectation of the suite run on its frame, in file order."""
    import great_expectations as gx

    context = _context()
    source = context.data_sources.add_pandas("quality")
    outcomes: dict[int, Outcome] = {}
    for frame_name, frame in frames.items():
        expectations = []
        for item in suite.expectations:
            if item.frame != frame_name:
                continue
            if len(frame) < item.min_rows:
                outcomes[item.number] = _not_checked(item, len(frame))
            else:
                expectations.append(item)
        if not expectations:
            continue
        batch = (
            source.add_dataframe_asset(frame_name)
            .add_batch_definition_whole_dataframe(frame_name)
            .get_batch(batch_parameters={"dataframe": frame})
        )
        gx_suite = gx.ExpectationSuite(name=f"{suite.table}.{frame_name}")
        for expectation in expectations:
            gx_suite.add_expectation(build_gx_expectation(suite.path, expectation))
        result = batch.validate(
            gx_suite,
            result_format={
                "result_format": "SUMMARY",
                "partial_unexpected_count": SAMPLE_VALUES_SHOWN,
            },
        )
        # GX may reorder the results: pair them by the number kept in meta.
        by_number = {expectation.number: expectation for expectation in expectations}
        for expectation_result in result.results:
            number = expectation_result.expectation_config.meta["number"]
            outcomes[number] = _outcome(by_number[number], expectation_result)
    return [outcomes[number] for number in sorted(outcomes)]


def run_suite(warehouse_path: Path, suite: Suite) -> tuple[list[Outcome], dict[str, int]]:
    """Read the suite's frames from the warehouse and validate them; also return each frame's row count."""
    check_suite_arguments(suite)
    with duckdb.connect(
        str(warehouse_path), read_only=True, config={"memory_limit": MEMORY_LIMIT}
    ) as connection:
        frames = read_frames(connection, suite)
    return validate_frames(suite, frames), {name: len(frame) for name, frame in frames.items()}
