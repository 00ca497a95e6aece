"""Time every suite on a built warehouse and print the figures:
`python -m b2b_ops.quality.timing warehouse.duckdb`.

Per suite: the time DuckDB takes to prepare the frames, the time Great
Expectations takes to validate them, the rows validated; then the total and
the process's peak memory (DuckDB and pandas included).
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import duckdb

from b2b_ops.quality.suites import load_suites
from b2b_ops.quality.validate import MEMORY_LIMIT, read_frames, validate_frames


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path)
    warehouse = parser.parse_args().warehouse
    started = time.perf_counter()
    import great_expectations  # noqa: F401  (imported once per refresh; timed on its own)

    print(f"{'import great_expectations':<40} {time.perf_counter() - started:6.1f}s")
    total = time.perf_counter()
    for suite in load_suites():
        read_started = time.perf_counter()
        with duckdb.connect(
            str(warehouse), read_only=True, config={"memory_limit": MEMORY_LIMIT}
        ) as connection:
            frames = read_frames(connection, suite)
        validate_started = time.perf_counter()
        outcomes = validate_frames(suite, frames)
        failed = sum(not outcome.success for outcome in outcomes)
        print(
            f"{suite.table:<40} frames {validate_started - read_started:6.1f}s  "
            f"validate {time.perf_counter() - validate_started:6.1f}s  "
            f"rows {sum(len(frame) for frame in frames.values()):>9,}  failed {failed}"
        )
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(f"{'all suites':<40} {time.perf_counter() - total:6.1f}s  peak memory {peak_gb:.2f} GB")


if __name__ == "__main__":
    main()
