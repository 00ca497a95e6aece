"""Summary lines for acquisition and growth (filled in by the growth marts)."""

from __future__ import annotations

import datetime as dt

import duckdb


def summary_lines(connection: duckdb.DuckDBPyConnection, as_of: dt.date) -> list[str]:
    return []
