"""Slim CI: build and test only the dbt nodes a change touches and what
depends on them, on small data, against a baseline of the main branch.

    make slim-ci-baseline   # main's models on the hand-made fixture -> .state/main/
    make slim-ci            # this checkout: dbt build --select state:modified+

The baseline (`baseline`) lands a small landing folder (the hand-made
fixture by default) into `<state>/b2b_ops.duckdb`, runs a full `dbt build` of
the project given (main's source) and keeps its `manifest.json` beside it.
The slim run (`run`) copies that warehouse into a scratch folder and runs
`dbt build --select state:modified+ --defer --state <state>` in the copy.

Why a copy: a deferred ref() points at the baseline's relation by name,
"<database>"."<schema>"."<model>", and DuckDB names a database after its
file. A scratch warehouse of another name would see neither that database
nor the landed raw tables, and dbt would also count every node as modified
(its relation moved). The copy has the same file name, so the unchanged
parents are there and --defer has nothing left to do: harmless, and right
if the copy ever lacks a parent.

Both runs open the warehouse by the relative path `b2b_ops.duckdb` from its
own folder (the profile's var b2b_ops_warehouse), so their dbt profiles are the same and the slim run can start
from the baseline's parse (dbt's partial_parse.msgpack): dbt re-parses only
the files that changed, instead of the whole project.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from b2b_ops.dbt_runner import connection_vars, dbt_executable, project_arguments
from b2b_ops.landing import load_landing
from b2b_ops.settings import PROJECT_DIR, from_environment, resolved
from b2b_ops.summary.common import comma_lines

DEFAULT_STATE_DIR = PROJECT_DIR / ".state" / "main"
WAREHOUSE_NAME = "b2b_ops.duckdb"
BASELINE_SETTINGS = "baseline.json"
PARTIAL_PARSE = "partial_parse.msgpack"
# The hand-made landing folder (relative to a project) and its as-of date;
# the pytest fixtures build on the same.
HANDMADE_LANDING = Path("tests") / "fixtures" / "landing_handmade"
HANDMADE_AS_OF = dt.date(2025, 6, 30)


class SlimCiError(RuntimeError):
    """Slim CI cannot run; the message says what to do."""


def memory_limit() -> str:
    """DuckDB's memory cap, from the project's settings."""
    return resolved(from_environment()).duckdb_memory_limit


def dbt_build(
    project_dir: Path, warehouse: Path, target_path: Path, as_of: str, selection: list[str]
) -> float:
    """`dbt build` of the project into the warehouse, run from the warehouse's
    folder (see the module docstring); returns the seconds it took."""
    started = time.perf_counter()
    result = subprocess.run(
        [
            dbt_executable(),
            "build",
            *project_arguments(project_dir, target_path),
            "--vars",
            json.dumps(
                {
                    "as_of_date": as_of,
                    **connection_vars(warehouse.name, {"memory_limit": memory_limit()}),
                }
            ),
            *selection,
        ],
        cwd=warehouse.parent,
        # A base branch from before the profile read the var finds the
        # warehouse in this variable instead: a child's environment only.
        env={**os.environ, "B2B_OPS_WAREHOUSE": warehouse.name},
        check=False,
    )
    if result.returncode != 0:
        raise SlimCiError(f"dbt build failed (exit {result.returncode}); its log is above")
    return time.perf_counter() - started


def make_baseline(project_dir: Path, state_dir: Path, landing_dir: Path, as_of: str) -> float:
    """Land the small data and build every model of `project_dir` (main) into
    the state folder; keep the manifest the slim run compares with."""
    state_dir.mkdir(parents=True, exist_ok=True)
    warehouse = state_dir / WAREHOUSE_NAME
    warehouse.unlink(missing_ok=True)
    load_landing(landing_dir, warehouse, duckdb_config={"memory_limit": memory_limit()})
    # Unit tests build no relation; the slim run runs those of what changed.
    seconds = dbt_build(
        project_dir,
        warehouse,
        state_dir / "target",
        as_of,
        ["--exclude-resource-type", "unit_test"],
    )
    shutil.copy2(state_dir / "target" / "manifest.json", state_dir / "manifest.json")
    (state_dir / BASELINE_SETTINGS).write_text(
        json.dumps({"as_of_date": as_of, "landing_dir": str(landing_dir)}, indent=2)
    )
    return seconds


def run_slim(project_dir: Path, state_dir: Path, workdir: Path) -> float:
    """Build and test the modified nodes and their children in a copy of the
    baseline warehouse; dbt's artifacts go to `<workdir>/target`."""
    baseline = state_dir / BASELINE_SETTINGS
    if not baseline.exists():
        raise SlimCiError(
            f"no baseline in {state_dir}: run `make slim-ci-baseline` first "
            "(it builds main's models on the hand-made fixture there)"
        )
    as_of = json.loads(baseline.read_text())["as_of_date"]
    workdir.mkdir(parents=True, exist_ok=True)
    warehouse = workdir / WAREHOUSE_NAME
    shutil.copy2(state_dir / WAREHOUSE_NAME, warehouse)
    parse = state_dir / "target" / PARTIAL_PARSE
    if parse.exists():
        (workdir / "target").mkdir(exist_ok=True)
        shutil.copy2(parse, workdir / "target" / PARTIAL_PARSE)
    return dbt_build(
        project_dir,
        warehouse,
        workdir / "target",
        as_of,
        ["--select", "state:modified+", "--defer", "--state", str(state_dir)],
    )


# How run_results.json names each kind of node, and the words for it.
NODE_KINDS = {"model": "models", "seed": "seeds", "test": "data tests", "unit_test": "unit tests"}


def ran_nodes(target: Path) -> dict[str, list[str]]:
    """The nodes the last dbt build ran, by kind, each with its status when it did not pass."""
    results = json.loads((target / "run_results.json").read_text())["results"]
    ran: dict[str, list[str]] = {}
    for result in sorted(results, key=lambda result: result["unique_id"]):
        # kind.package.name, and a hash after a data test's name; a unit
        # test's name comes after its model's.
        kind, _, name, *rest = result["unique_id"].split(".")
        if kind == "unit_test":
            name = f"{name}.{rest[0]}"
        if kind in NODE_KINDS:
            status = "" if result["status"] in ("success", "pass") else f" ({result['status']})"
            ran.setdefault(kind, []).append(f"{name}{status}")
    return ran


def ran_lines(ran: dict[str, list[str]]) -> list[str]:
    """What slim CI ran, for the pull request's description."""
    lines = ["What slim CI built and tested (paste into the pull request):"]
    for kind, words in NODE_KINDS.items():
        if ran.get(kind):
            lines += comma_lines(ran[kind], f"  {words} ({len(ran[kind])}): ")
    if len(lines) == 1:
        lines.append("  nothing: no model, seed or test differs from the baseline")
    return lines


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m b2b_ops.dev.slim_ci",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--state-dir", type=Path, default=DEFAULT_STATE_DIR)
    parser.add_argument("--project-dir", type=Path, default=PROJECT_DIR)
    commands = parser.add_subparsers(dest="command", required=True)
    baseline = commands.add_parser("baseline", help="build --project-dir (main) into --state-dir")
    baseline.add_argument(
        "--landing-dir", type=Path, default=None, help="default: the hand-made fixture"
    )
    baseline.add_argument("--as-of", default=HANDMADE_AS_OF.isoformat())
    run = commands.add_parser("run", help="state:modified+ of --project-dir against --state-dir")
    run.add_argument("--workdir", type=Path, default=None, help="kept afterwards if given")
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    project_dir, state_dir = arguments.project_dir.resolve(), arguments.state_dir.resolve()
    try:
        if arguments.command == "baseline":
            landing_dir = arguments.landing_dir or project_dir / HANDMADE_LANDING
            seconds = make_baseline(project_dir, state_dir, landing_dir.resolve(), arguments.as_of)
            print(f"slim-ci baseline: full dbt build in {seconds:.1f} s; state in {state_dir}")
        else:
            workdir = arguments.workdir or Path(tempfile.mkdtemp(prefix="b2b-ops-slim-ci-"))
            try:
                seconds = run_slim(project_dir, state_dir, workdir)
                ran = ran_nodes(workdir / "target")
            finally:
                if arguments.workdir is None:
                    shutil.rmtree(workdir, ignore_errors=True)
            print(f"slim-ci: dbt build of state:modified+ in {seconds:.1f} s")
            print("\n".join(ran_lines(ran)))
    except SlimCiError as error:
        print(f"slim-ci: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
