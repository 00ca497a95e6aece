"""b2b-ops: the warehouse's command line (the Makefile calls it).

Settings come from the environment (B2B_OPS_LANDING_DIR, B2B_OPS_AS_OF_DATE,
B2B_OPS_WAREHOUSE, ...; see b2b_ops.settings)."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import subprocess
import sys
import time

from b2b_ops.dbt_runner import dbt_executable, project_arguments
from b2b_ops.landing import StructuralBreakError, describe, load_landing
from b2b_ops.publishing import destination
from b2b_ops.refresh import RefreshFailedError, run_refresh
from b2b_ops.settings import (
    DEFAULT_LANDING_DIR,
    DEFAULT_TRUTH_DIR,
    PROJECT_DIR,
    Settings,
    SettingsError,
    from_environment,
    resolved,
)
from b2b_ops.summary import summary_text

DEMO_DIRTY_RATE = 0.002


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def next_steps(settings: Settings) -> list[str]:
    """What to do after a refresh: where BI tools read, and the make targets that show more."""
    steps = [
        ("BI tools read", f"{settings.published_path} (open it read-only)"),
        ("or Parquet", f"{settings.published_path.parent / 'parquet'}/<schema>/<table>.parquet"),
        *(
            [("Spark tables", f"{settings.spark_path / 'tables'}/<schema>.db/<table>/ (Parquet)")]
            if settings.is_spark
            else []
        ),
        ("make ui", "the Dagster UI with this run, on http://127.0.0.1:3000"),
        ("make docs", "the dbt docs (lineage, columns), on http://127.0.0.1:8080"),
    ]
    aside = destination(settings.published_path, settings.as_of, settings.past_as_of == "replace")
    if aside != settings.published_path:
        steps.insert(
            0,
            (
                "this build",
                f"{aside}: its as-of date is before the published copy's, which it left "
                "as it was (B2B_OPS_PAST_AS_OF_PUBLISH=replace publishes over it)",
            ),
        )
    if makefile_has_target("bi"):
        steps.append(("make bi", "dashboards on the published copy"))
    if makefile_has_target("metrics"):
        steps.append(("make metrics", "the KPI scorecard's metrics through the semantic layer"))
    return ["Next", *(f"  {command:<15}{what}" for command, what in steps)]


def makefile_has_target(name: str) -> bool:
    makefile = PROJECT_DIR / "Makefile"
    return makefile.exists() and any(
        line.startswith(f"{name}:") for line in makefile.read_text().splitlines()
    )


def refresh(settings: Settings, full_refresh: bool = False) -> None:
    """A refresh, as the Dagster job `refresh` (the one the schedules run):
    land new files, update and test every model, segment, publish. A full
    refresh lands every file again and rebuilds the incremental models."""
    started = time.perf_counter()
    _say(
        f"b2b-ops {'full ' if full_refresh else ''}refresh: {settings.landing_path} "
        f"as of {settings.as_of} into {settings.warehouse_path}"
    )
    report = run_refresh(settings, verbose=settings.is_verbose, full_refresh=full_refresh)
    _say(f"  {'done':<10}in {time.perf_counter() - started:.0f} s")
    for line in report.warnings:
        _say(line)
    print(summary_text(settings.warehouse_path, settings.as_of, settings.truth_path))
    print()
    print("\n".join([*next_steps(settings), f"  {'full log':<15}{report.log_path}"]))


def generate_demo_data(size: str, seed: int, dirty_rate: float, settings: Settings) -> None:
    from b2b_ops.demo_data import generate

    started = time.perf_counter()
    # The generator prints a line per table; the landing progress says the same.
    with contextlib.redirect_stderr(io.StringIO()):
        manifest = generate(
            size=size,
            seed=seed,
            as_of=settings.as_of,
            landing_dir=DEFAULT_LANDING_DIR,
            truth_dir=DEFAULT_TRUTH_DIR,
            file_format="csv",
            dirty_rate=dirty_rate,
        )
    rows = sum(int(table["rows"]) for table in manifest["tables"].values())
    _say(
        f"b2b-ops demo: generated size {size}, seed {seed}: {rows:,} rows in "
        f"{len(manifest['tables'])} files under {DEFAULT_LANDING_DIR} "
        f"({time.perf_counter() - started:.0f} s)"
    )


def load(settings: Settings, full_refresh: bool = False) -> None:
    for result in load_landing(
        settings.landing_path,
        settings.warehouse_path,
        duckdb_config=settings.duckdb_config,
        full_refresh=full_refresh,
    ):
        _say(describe(result, settings.landing_path))


def docs(settings: Settings, host: str, port: int) -> int:
    """dbt docs of the built warehouse, served on host:port."""
    if not settings.warehouse_path.exists():
        _say(f"error: no warehouse at {settings.warehouse_path}: run make demo or make build first")
        return 1
    common = project_arguments(PROJECT_DIR)
    vars_argument = ["--vars", json.dumps(settings.vars_for_dbt())]
    generated = subprocess.run(
        [dbt_executable(), "docs", "generate", *common, *vars_argument], cwd=PROJECT_DIR
    )
    if generated.returncode != 0:
        return generated.returncode
    served = subprocess.run(
        [dbt_executable(), "docs", "serve", *common, "--host", host, "--port", str(port)]
        + ["--no-browser"],
        cwd=PROJECT_DIR,
    )
    return served.returncode


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="b2b-ops", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")
    verbose = argparse.ArgumentParser(add_help=False)
    verbose.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="show the full Dagster and dbt log too (same as B2B_OPS_LOG_LEVEL=debug)",
    )
    demo = commands.add_parser(
        "demo", parents=[verbose], help="generate demo data into data/demo, then refresh from it"
    )
    demo.add_argument("--size", default="S", choices=["XS", "S", "M", "L"])
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--dirty-rate", type=float, default=DEMO_DIRTY_RATE)
    full_refresh = argparse.ArgumentParser(add_help=False)
    full_refresh.add_argument(
        "--full-refresh",
        action="store_true",
        help="land every file again and rebuild the incremental models (same results, slower)",
    )
    commands.add_parser(
        "build",
        parents=[verbose, full_refresh],
        help="refresh from $B2B_OPS_LANDING_DIR: land new files, update every model",
    )
    commands.add_parser(
        "load", parents=[full_refresh], help="only land new files into the raw schema"
    )
    commands.add_parser("summary", help="print the summary of the last refresh")
    serve = commands.add_parser("docs", help="serve the dbt docs of the built warehouse")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    overrides = {"log_level": "debug"} if getattr(arguments, "verbose", False) else {}
    if arguments.command == "demo":
        overrides["landing_dir"] = str(DEFAULT_LANDING_DIR)
    try:
        settings = resolved(from_environment(**overrides))
        if arguments.command == "demo":
            generate_demo_data(arguments.size, arguments.seed, arguments.dirty_rate, settings)
            # New demo data replaces the old: rebuilt from scratch.
            refresh(settings, full_refresh=True)
        elif arguments.command == "build":
            refresh(settings, full_refresh=arguments.full_refresh)
        elif arguments.command == "load":
            load(settings, full_refresh=arguments.full_refresh)
        elif arguments.command == "summary":
            print(summary_text(settings.warehouse_path, settings.as_of, settings.truth_path))
        elif arguments.command == "docs":
            return docs(settings, arguments.host, arguments.port)
    except (SettingsError, StructuralBreakError, RefreshFailedError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
