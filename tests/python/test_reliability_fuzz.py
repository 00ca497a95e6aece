"""Fuzzed landing files: hypothesis mixes rows of junk into copies of the
hand-made landing files, in every column of every table (blank, huge,
unicode with RTL marks, emoji and control characters, wrong types, quotes,
commas and newlines inside fields, duplicate keys, orphan keys, dates far in
the future or past), written as valid RFC 4180 CSV by the csv module. Each
example is a full refresh (`b2b-ops build`); after each:

- the refresh succeeds (junk is quarantined, it never breaks the build);
- every table reconciles: landed = staged + quarantined, and landed is every
  record written;
- every quarantined row is in quarantine.quarantined_rows with its reason
  and its original text;
- the published marts open read-only with exactly their contracts' columns.

Fast (make test): one derandomized example, so CI is reproducible, with the
sweep of every tricky value in every column mixed into the same files (one
refresh instead of two); long (make reliability): the sweep on its own, then
more random examples. No shrinking: an example costs a refresh, and the
failing landing folder is kept and named in the failure instead.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import string
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

import reliability
from conftest import HANDMADE_AS_OF, HANDMADE_LANDING
from reliability import SCALE, Build

pytestmark = [pytest.mark.slow, pytest.mark.reliability]

FUZZ_SETTINGS = settings(
    max_examples=SCALE.fuzz_examples,
    derandomize=reliability.LEVEL == "fast",
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)
MAX_JUNK_ROWS_PER_TABLE = 6

# Values chosen to break parsers and checks: types, encodings, CSV syntax.
TRICKY_VALUES = [
    "",
    " ",
    "\t",
    '"',
    '""',
    "'",
    ",",
    "a,b",
    "line\nbreak",
    "crlf\r\nbreak",
    "\r",
    "\u202eright-to-left override",
    "\u200fمرحبا",
    "שלום",
    "😀🚀",
    "e\u0301",
    "\ufeffbom",
    "\x01\x07\x1b",
    "NULL",
    "null",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "1e309",
    "-0",
    "0x1F",
    "1,000",
    "12.5.3",
    "true",
    "[]",
    "{}",
    "'; drop table raw.crm__accounts; --",
    "2025-13-45",
    "31/12/2024",
    "2024-02-30",
    "0000-00-00",
    "9999-12-31",
    "9999-12-31T23:59:59Z",
    "2999-01-01T00:00:00Z",
    "0001-01-01",
    "0001-01-01T00:00:00+14:00",
    "294276-01-01",
    "2025-06-30T25:61:00Z",
    "-1",
    "-99999999999",
    "99999999999999999999999999",
    "1.7976931348623157e308",
    "5e-324",
    "2147483648",
]

# Any character UTF-8 can carry except NUL (no CSV tool passes it through).
any_text = st.text(
    alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=30
)
junk_value = st.one_of(
    st.sampled_from(TRICKY_VALUES),
    any_text,
    # Huge values by repetition: drawing 20,000 characters one by one would
    # overrun hypothesis's buffer and discard the example.
    st.builds(
        lambda piece, times: piece * times,
        st.text(alphabet=string.printable, min_size=1, max_size=8),
        st.integers(min_value=500, max_value=20_000),
    ),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)).map(
        dt.datetime.isoformat
    ),
    st.dates().map(dt.date.isoformat),
)


def read_records(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        header, *records = list(csv.reader(handle))
    return header, records


TABLES = {
    f"{path.parent.name}/{path.stem}": read_records(path)
    for path in sorted(HANDMADE_LANDING.glob("*/*.csv"))
}


def column_value(values: list[str], column: str) -> st.SearchStrategy[str]:
    """Junk, or a value the column already has (duplicate keys, valid parents), or an orphan key."""
    existing = sorted({value for value in values if value})
    choices = [junk_value, st.just(f"{column}_orphan")]
    if existing:
        choices.append(st.sampled_from(existing))
    return st.one_of(*choices)


def junk_rows(table: str) -> st.SearchStrategy[list[tuple[int, list[str]]]]:
    """Rows of junk, each with the position among the original records it goes in at.

    A row is either junk in every column, or an original record with one to
    three columns replaced: a row that is valid but for one value reaches the
    later checks (and the marts) instead of failing the first.
    """
    header, records = TABLES[table]
    columns = [
        column_value([record[index] for record in records if index < len(record)], column)
        for index, column in enumerate(header)
    ]
    all_junk = st.tuples(*columns).map(list)
    replacement = st.integers(min_value=0, max_value=len(header) - 1).flatmap(
        lambda index: st.tuples(st.just(index), columns[index])
    )
    mutated = st.builds(
        replace_values, st.sampled_from(records), st.lists(replacement, min_size=1, max_size=3)
    )
    return st.lists(
        st.tuples(st.integers(min_value=0, max_value=len(records)), all_junk | mutated),
        # At least one row: hypothesis tries the simplest example first, and
        # that should still be junk (a blank row in every table).
        min_size=1,
        max_size=MAX_JUNK_ROWS_PER_TABLE,
    )


def replace_values(record: list[str], replacements: list[tuple[int, str]]) -> list[str]:
    row = list(record)
    for index, value in replacements:
        row[index] = value
    return row


# The column made unique in a swept row, so it is not a duplicate of its
# original (the table's id; spend's key is date x campaign x channel).
SWEEP_UNIQUE_COLUMN = {"marketing/spend": 2}


def every_tricky_value_in_every_column() -> dict[str, list[tuple[int, list[str]]]]:
    """Each original record again with one column set to each tricky value, its
    key made unique: every value meets every column's checks one at a time."""
    junk = {}
    for table, (header, records) in TABLES.items():
        unique = SWEEP_UNIQUE_COLUMN.get(table, 0)
        rows = []
        for record in records:
            for index in range(len(header)):
                for value in TRICKY_VALUES:
                    row = replace_values(record, [(index, value)])
                    if index != unique:
                        row[unique] = f"{row[unique]}_{len(rows)}"
                    rows.append((len(records), row))
        junk[table] = rows
    return junk


junk_landing = st.fixed_dictionaries({table: junk_rows(table) for table in TABLES})
SWEEP = every_tricky_value_in_every_column()


def with_sweep(junk: dict[str, list[tuple[int, list[str]]]]) -> dict:
    """The random junk and the sweep's rows together, table by table."""
    return {table: rows + SWEEP[table] for table, rows in junk.items()}


def write_landing(landing: Path, junk: dict[str, list[tuple[int, list[str]]]]) -> dict[str, int]:
    """The hand-made files with the junk mixed in; returns the records written per table."""
    written = {}
    for table, rows in junk.items():
        header, records = TABLES[table]
        mixed = list(records)
        for position, row in sorted(rows, key=lambda item: item[0], reverse=True):
            mixed.insert(position, row)
        path = landing / f"{table}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\r\n").writerows([header, *mixed])
        written[table] = len(mixed)
    return written


def quarantine_figures(warehouse: Path) -> dict[str, tuple[int, int, int]]:
    """Per table: quarantined rows listed, those without a reason, those without their text."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute(
            "select source_table, count(*), count(*) - count(quarantine_reason), "
            "count(*) - count(raw_values) from quarantine.quarantined_rows group by all"
        ).fetchall()
    return {table: (listed, no_reason, no_text) for table, listed, no_reason, no_text in rows}


def check_build(build: Build, written: dict[str, int]) -> reliability.Counts:
    reconciliation = reliability.reconciliation(build.warehouse)
    quarantined = quarantine_figures(build.warehouse)
    for table, records in written.items():
        counts = reconciliation[table]
        assert counts.landed == records, table
        assert counts.landed == counts.staged + counts.quarantined, table
        assert quarantined.get(table, (0, 0, 0)) == (counts.quarantined, 0, 0), table
    assert reliability.opens_read_only(build.published)
    assert reliability.published_columns(build.published) == reliability.contract_columns()
    return reliability.total(reconciliation)


def test_junk_in_every_column_is_quarantined_never_a_crash(tmp_path_factory):
    with reliability.recorded("fuzz: junk in every column of every table") as case:

        def refresh_with_junk(junk: dict[str, list[tuple[int, list[str]]]]) -> None:
            case.tried += 1
            root = tmp_path_factory.mktemp("fuzz")
            build = Build(root / "landing", root / "warehouse" / "w.duckdb", HANDMADE_AS_OF)
            written = write_landing(build.landing, junk)
            result = reliability.refresh(build)
            assert result.returncode == 0, (
                f"the landing folder is kept in {build.landing}\n"
                + result.stdout[-3000:]
                + result.stderr[-3000:]
            )
            try:
                case.counts = case.counts + check_build(build, written)
            except AssertionError:
                case.published_intact = reliability.opens_read_only(build.published)
                raise
            # A passing example's files are not needed again.
            shutil.rmtree(root)

        if reliability.LEVEL == "fast":
            test = given(junk=junk_landing.map(with_sweep))(refresh_with_junk)
        else:
            test = example(junk=SWEEP)(given(junk=junk_landing)(refresh_with_junk))
        FUZZ_SETTINGS(test)()
