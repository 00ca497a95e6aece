"""Per-mart checksums of a published copy, to prove a change kept every mart
identical (a restructuring, a refactor) or to compare two builds.

    python -m b2b_ops.dev.checksums PUBLISHED.duckdb                 # print them
    python -m b2b_ops.dev.checksums PUBLISHED.duckdb --save before.json
    python -m b2b_ops.dev.checksums PUBLISHED.duckdb --compare before.json

`--compare` prints every table whose checksum differs and exits 1 if any does.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import duckdb

# Doubles are compared at this many significant digits: DuckDB sums in
# parallel, so the last bits of a double sum depend on thread timing.
FLOAT_DIGITS = 10

# Columns that legitimately differ between two runs on identical data, left
# out of the checksums; every other published column must match exactly.
RUN_SPECIFIC_COLUMNS = {
    "account_segments": (
        "model_run_id",  # the Dagster run id of the clustering: new every run
        "trained_at",  # the wall-clock time the clustering ran
    ),
}


def mart_checksums(published: Path) -> dict[str, str]:
    """Per published table: row count and an order-independent hash of its rows.

    Each row is hashed whole (as a struct of its columns, minus
    RUN_SPECIFIC_COLUMNS) and the hashes are summed, so row order does not
    matter and a repeated row counts twice. Floating-point columns are
    hashed at FLOAT_DIGITS significant digits; decimal, integer, text and
    date columns are compared exactly.
    """
    checksums = {}
    with duckdb.connect(str(published), read_only=True) as connection:
        columns = connection.execute(
            "select table_schema, table_name, column_name, data_type "
            "from information_schema.columns order by table_schema, table_name, ordinal_position"
        ).fetchall()
        tables: dict[tuple[str, str], list[str]] = {}
        for schema, table, column, data_type in columns:
            if column in RUN_SPECIFIC_COLUMNS.get(table, ()):
                continue
            expression = (
                f"printf('%.{FLOAT_DIGITS}g', \"{column}\")"
                if data_type in ("DOUBLE", "FLOAT")
                else f'"{column}"'
            )
            tables.setdefault((schema, table), []).append(f'{expression} as "{column}"')
        for (schema, table), select_list in tables.items():
            rows, digest = connection.execute(
                f"select count(*), coalesce(sum(hash(row_values)::hugeint), 0) "
                f'from (select {", ".join(select_list)} from "{schema}"."{table}") as row_values'
            ).fetchall()[0]
            checksums[f"{schema}.{table}"] = f"{rows}:{digest}"
    return checksums


def differences(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """One line per table that is missing on one side or whose checksum changed."""
    lines = []
    for table in sorted(before.keys() | after.keys()):
        if table not in after:
            lines.append(f"{table}: missing after")
        elif table not in before:
            lines.append(f"{table}: new (not in the saved checksums)")
        elif before[table] != after[table]:
            lines.append(f"{table}: {before[table]} -> {after[table]} (rows:hash)")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m b2b_ops.dev.checksums", description=__doc__)
    parser.add_argument("published", type=Path, help="a published copy (b2b_ops.duckdb)")
    parser.add_argument("--save", type=Path, help="write the checksums to this JSON file")
    parser.add_argument("--compare", type=Path, help="compare with checksums saved earlier")
    arguments = parser.parse_args(argv)
    checksums = mart_checksums(arguments.published)
    if arguments.save:
        arguments.save.write_text(json.dumps(checksums, indent=2, sort_keys=True) + "\n")
    if arguments.compare:
        changed = differences(json.loads(arguments.compare.read_text()), checksums)
        for line in changed:
            print(line)
        print(f"{len(checksums)} tables, {len(changed)} differ")
        return 1 if changed else 0
    if not arguments.save:
        for table, checksum in sorted(checksums.items()):
            print(f"{table:45} {checksum}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
