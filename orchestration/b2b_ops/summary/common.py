"""What every summary section shares: number formats, the query helper, and
whether the tables a section reads exist."""

from __future__ import annotations

import datetime as dt

import duckdb


def percent(value: float | None, digits: int = 1) -> str:
    """A 0..1 rate as a percentage, n/a when there is none."""
    return "n/a" if value is None else f"{100 * value:.{digits}f} %"


def money(value: float | None) -> str:
    """An amount in the reporting currency, whole units."""
    return "n/a" if value is None else f"{value:,.0f}"


def days(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} d"


def rows(connection: duckdb.DuckDBPyConnection, sql: str, parameters: list | None = None) -> list:
    return connection.execute(sql, parameters or []).fetchall()


def tables_exist(connection: duckdb.DuckDBPyConnection, tables: tuple[str, ...]) -> bool:
    """Whether every schema.table exists (a warehouse from an older version, or
    a refresh that stopped early, may lack a section's marts)."""
    found = {
        f"{schema}.{table}"
        for schema, table in rows(
            connection, "select table_schema, table_name from information_schema.tables"
        )
    }
    return set(tables) <= found


def last_full_month(as_of: dt.date) -> dt.date:
    """The first day of the month before the as-of date's month."""
    return (as_of.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def quarter_name(first_day: dt.date) -> str:
    return f"{first_day.year}-Q{(first_day.month - 1) // 3 + 1}"


def comma_lines(items: list[str], lead: str, width: int = 96) -> list[str]:
    """`lead` then the items, comma-separated, over as many lines of `width` as needed."""
    lines: list[str] = []
    current = ""
    for item in items:
        if current and len(lead) + len(current) + len(item) + 2 > width:
            lines.append(current + ",")
            current = ""
        current = f"{current}, {item}" if current else item
    if current:
        lines.append(current)
    return [(lead if index == 0 else " " * len(lead)) + line for index, line in enumerate(lines)]
