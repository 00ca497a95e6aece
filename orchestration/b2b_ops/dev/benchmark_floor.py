"""The floor the benchmark compares the warehouse with: bare DuckDB (no dbt,
no Dagster, no checks) reading every landing row once into tables, then
rolling the events up to account-days (events per account per day).

    python -m b2b_ops.dev.benchmark_floor LANDING_DIR DATABASE

The benchmark runs it in a process of its own, so the time and peak memory
it measures are this work's alone. DuckDB keeps its own settings (no memory
cap): this is what the bare tool does out of the box.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import duckdb

from b2b_ops.landing import check_landing

# The raw table the loader would land product/events into.
EVENTS_TABLE = "product__events"


def reader(paths: list[Path]) -> str:
    """A DuckDB table function reading a table's files (all CSV or all Parquet)."""
    listed = "[" + ", ".join(f"'{path}'" for path in paths) + "]"
    if paths[0].suffix == ".parquet":
        return f"read_parquet({listed}, union_by_name = true)"
    return f"read_csv({listed}, header = true, all_varchar = true, union_by_name = true)"


def land_and_roll_up(landing_dir: Path, database: Path) -> dict[str, int]:
    """Every landing table into a table of its own, and events per account and
    day into `account_days`; the rows of each."""
    rows = {}
    database.parent.mkdir(parents=True, exist_ok=True)
    database.unlink(missing_ok=True)
    with duckdb.connect(str(database)) as connection:
        connection.execute("set TimeZone = 'UTC'")
        for plan in check_landing(landing_dir):
            if not plan.files:
                continue
            name = plan.spec.raw_table
            connection.execute(
                f"create table {name} as select * from {reader([file.path for file in plan.files])}"
            )
            rows[plan.spec.name] = connection.execute(f"select count(*) from {name}").fetchone()[0]
        connection.execute(
            "create table account_days as "
            "select account_id, cast(try_cast(occurred_at as timestamptz) as date) as event_on, "
            f"count(*) as events from {EVENTS_TABLE} group by all"
        )
        rows["account_days"] = connection.execute("select count(*) from account_days").fetchone()[0]
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("landing_dir", type=Path)
    parser.add_argument("database", type=Path)
    arguments = parser.parse_args(argv)
    started = time.perf_counter()
    rows = land_and_roll_up(arguments.landing_dir, arguments.database)
    landed = sum(count for name, count in rows.items() if name != "account_days")
    print(
        f"floor: {landed:,} rows landed, {rows['account_days']:,} account-days, "
        f"{time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
