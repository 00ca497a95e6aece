"""How many landed rows are dated after the as-of date: valid data that this
build left out (it is not yet visible at that date), so a build of history
says how much newer data it ignored."""

from __future__ import annotations

import datetime as dt

import duckdb

from b2b_ops.summary.common import comma_lines, rows, tables_exist

TABLES = ("quarantine.landing_reconciliation",)

# Per landing table, the column that dates a row: when it happened.
ROW_DATES = {
    "crm/accounts": "created_at",
    "crm/contacts": "created_at",
    "crm/leads": "created_at",
    "crm/opportunities": "created_at",
    "billing/subscriptions": "started_on",
    "billing/invoices": "issued_at",
    "product/trials": "started_at",
    "product/events": "occurred_at",
    "support/tickets": "created_at",
    "survey/nps_responses": "responded_at",
    "marketing/campaigns": "started_on",
    "marketing/spend": "spend_date",
    "marketing/email_sends": "sent_at",
    "cs/activities": "performed_at",
}


def staging_table(landing_table: str) -> str:
    system, table = landing_table.split("/")
    return f"staging.stg_{system}__{table}"


def rows_after(connection: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict[str, int]:
    """Staged rows dated after the as-of date, per landing table that has any."""
    counts = {}
    for landing_table, column in ROW_DATES.items():
        table = staging_table(landing_table)
        if not tables_exist(connection, (table,)):
            continue
        [(count,)] = rows(
            connection, f"select count(*) from {table} where cast({column} as date) > ?", [as_of]
        )
        if count:
            counts[landing_table] = count
    return counts


def lines(connection: duckdb.DuckDBPyConnection, as_of: dt.date) -> list[str]:
    counts = rows_after(connection, as_of)
    if not counts:
        return [f"Rows dated after the as-of date {as_of}: none"]
    return [
        f"Rows dated after the as-of date {as_of}, left out of this build: "
        f"{sum(counts.values()):,}",
        *comma_lines(
            [f"{table} {count:,}" for table, count in sorted(counts.items())], "  by table: "
        ),
    ]
