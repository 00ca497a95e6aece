"""Command line: python -m b2b_ops.demo_data --size S --seed 42 --as-of 2026-11-24 ..."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from b2b_ops.demo_data.config import SIZES
from b2b_ops.demo_data.generator import generate
from b2b_ops.demo_data.writer import FORMATS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m b2b_ops.demo_data",
        description="Generate deterministic demo landing data and its ground truth.",
    )
    parser.add_argument("--size", default="S", choices=list(SIZES), help="XS, S (default), M or L")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--as-of",
        type=dt.date.fromisoformat,
        default=dt.datetime.now(dt.UTC).date(),
        help="YYYY-MM-DD; every value is before this date (default: today, UTC)",
    )
    parser.add_argument("--landing-dir", type=Path, default=Path("data/demo/landing"))
    parser.add_argument("--truth-dir", type=Path, default=Path("data/demo/ground_truth"))
    parser.add_argument("--format", dest="file_format", default="csv", choices=list(FORMATS))
    parser.add_argument(
        "--dirty-rate", type=float, default=0.0, help="share of extra defective rows (default 0)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    started = time.perf_counter()
    manifest = generate(
        size=arguments.size,
        seed=arguments.seed,
        as_of=arguments.as_of,
        landing_dir=arguments.landing_dir,
        truth_dir=arguments.truth_dir,
        file_format=arguments.file_format,
        dirty_rate=arguments.dirty_rate,
    )
    rows = sum(table["rows"] for table in manifest["tables"].values())
    print(f"done: {rows:,} rows in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
