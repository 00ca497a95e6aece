"""What landed, what staging kept and what it quarantined (by reason), and
the landing files that were absent."""

from __future__ import annotations

import datetime as dt

import duckdb

from b2b_ops.summary.common import comma_lines, rows

TABLES = (
    "quarantine.landing_reconciliation",
    "quarantine.quarantined_rows",
    "raw._landing_loads",
)


def lines(connection: duckdb.DuckDBPyConnection, as_of: dt.date) -> list[str]:
    landed, staged, quarantined = rows(
        connection,
        "select sum(rows_landed), sum(rows_staged), sum(rows_quarantined) "
        "from quarantine.landing_reconciliation",
    )[0]
    result = [
        f"Landed {landed or 0:,} rows: {staged or 0:,} staged, {quarantined or 0:,} quarantined"
        + (" (see quarantine.quarantined_rows)" if quarantined else "")
    ]
    reasons = [
        f"{reason} {count:,}"
        for reason, count in rows(
            connection,
            "select quarantine_reason, count(*) from quarantine.quarantined_rows "
            "group by all order by quarantine_reason",
        )
    ]
    result += comma_lines(reasons, "  by reason: ")
    absent = [
        table
        for (table,) in rows(
            connection, "select source_table from raw._landing_loads where is_absent order by 1"
        )
    ]
    result += comma_lines(absent, "  absent, read as empty: ")
    return result
