"""Summary lines for account health and early warning (filled in by the health marts)."""

from __future__ import annotations

import datetime as dt

import duckdb


def summary_lines(connection: duckdb.DuckDBPyConnection, as_of: dt.date) -> list[str]:
    return []
