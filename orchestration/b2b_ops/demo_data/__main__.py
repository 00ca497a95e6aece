"""Command line: python -m b2b_ops.demo_data --size S --seed 42 --as-of 2026-11-24 ..."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from b2b_ops.demo_data.config import EVENTS_PER_ACCOUNT, SIZES
from b2b_ops.demo_data.deliveries import deliver_next_day
from b2b_ops.demo_data.generator import DELIVERIES, generate
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
    parser.add_argument(
        "--events-per-account",
        type=int,
        default=EVENTS_PER_ACCOUNT,
        help=f"product events per account over the history (default {EVENTS_PER_ACCOUNT}); "
        "fewer make a lighter demo whose other tables are unchanged",
    )
    parser.add_argument(
        "--deliveries",
        default="none",
        choices=list(DELIVERIES),
        help="daily: product/events as one delivery file per day, product/events/<day>.<format>",
    )
    parser.add_argument(
        "--hold-back-days",
        type=int,
        default=0,
        help="with daily deliveries: keep the last N days' files (and a few late rows) out of "
        "the landing folder, in --next-days-dir, to deliver one by one",
    )
    parser.add_argument(
        "--next-days-dir",
        type=Path,
        default=None,
        help="default: next_days/ beside the landing folder",
    )
    parser.add_argument(
        "--deliver-next-day",
        action="store_true",
        help="generate nothing: move the earliest held-back day into the landing folder",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    if arguments.deliver_next_day:
        next_days = arguments.next_days_dir or arguments.landing_dir.parent / "next_days"
        day = deliver_next_day(next_days, arguments.landing_dir)
        print(f"delivered {day}" if day else f"no day left in {next_days}", file=sys.stderr)
        return 0 if day else 1
    started = time.perf_counter()
    manifest = generate(
        size=arguments.size,
        seed=arguments.seed,
        as_of=arguments.as_of,
        landing_dir=arguments.landing_dir,
        truth_dir=arguments.truth_dir,
        file_format=arguments.file_format,
        dirty_rate=arguments.dirty_rate,
        deliveries=arguments.deliveries,
        hold_back_days=arguments.hold_back_days,
        next_days_dir=arguments.next_days_dir,
        events_per_account=arguments.events_per_account,
    )
    rows = sum(table["rows"] for table in manifest["tables"].values())
    print(f"done: {rows:,} rows in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
