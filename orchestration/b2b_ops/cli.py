"""Command line: `b2b-ops demo|build|load|generate|summary` (the Makefile calls it)."""

from __future__ import annotations

import argparse
import sys
import time

from b2b_ops import settings as run_settings
from b2b_ops.landing import StructuralBreakError, load_landing
from b2b_ops.pipeline import RefreshFailedError, run_refresh
from b2b_ops.summary import print_summary

DEMO_DIRTY_RATE = 0.002


def _progress(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


def refresh(settings: run_settings.Settings) -> None:
    """The full refresh, as the Dagster job `refresh` (the one the schedules
    run): land every file, build and test every model, segment, publish."""
    started = time.perf_counter()
    _progress(
        f"refreshing from {settings.landing_dir} as of {settings.as_of_date} "
        f"into {settings.warehouse_path} (Dagster job `refresh`, in process)"
    )
    run_refresh(settings)
    _progress(
        f"refresh finished in {time.perf_counter() - started:.0f}s; "
        f"BI tools read {settings.published_path}"
    )
    print_summary(settings)


def generate_demo_data(
    size: str, seed: int, dirty_rate: float, settings: run_settings.Settings
) -> None:
    from b2b_ops.demo_data import generate

    _progress(f"generating demo data: size {size}, seed {seed}, as of {settings.as_of_date}")
    generate(
        size=size,
        seed=seed,
        as_of=settings.as_of_date,
        landing_dir=run_settings.DEFAULT_LANDING_DIR,
        truth_dir=run_settings.DEFAULT_TRUTH_DIR,
        file_format="csv",
        dirty_rate=dirty_rate,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="b2b-ops", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="generate demo data into data/demo, then build")
    demo.add_argument("--size", default="S", choices=["XS", "S", "M", "L"])
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--dirty-rate", type=float, default=DEMO_DIRTY_RATE)
    commands.add_parser("build", help="full refresh from $B2B_OPS_LANDING_DIR")
    commands.add_parser("load", help="only land the files into the raw schema")
    commands.add_parser("summary", help="print the summary of the last build")
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        settings = run_settings.from_environment()
        if arguments.command == "demo":
            generate_demo_data(arguments.size, arguments.seed, arguments.dirty_rate, settings)
            settings = run_settings.Settings(
                landing_dir=run_settings.DEFAULT_LANDING_DIR,
                warehouse_path=settings.warehouse_path,
                as_of_date=settings.as_of_date,
                dbt_vars=settings.dbt_vars,
                publish_dir=settings.publish_dir,
            )
            refresh(settings)
        elif arguments.command == "build":
            refresh(settings)
        elif arguments.command == "load":
            load_landing(settings.landing_dir, settings.warehouse_path)
        elif arguments.command == "summary":
            print_summary(settings)
    except (run_settings.SettingsError, StructuralBreakError, RefreshFailedError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
