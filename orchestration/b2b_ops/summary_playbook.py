"""Summary lines for the KPI scorecard and next actions (filled in by the playbook marts)."""

from __future__ import annotations

import datetime as dt

import duckdb


def summary_lines(connection: duckdb.DuckDBPyConnection, as_of: dt.date) -> list[str]:
    return []
