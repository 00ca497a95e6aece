"""The builds several slow tests share, made in the background.

A refresh keeps about one of the machine's two cores busy. So the shared
builds (the hand-made fixture, the demo, the demo at size M, the health
test's two XS builds, the deliveries, the fresh clone's `make demo`,
Superset's setup, the Spark builds of make test-spark, and the builds a
test module defines with conftest.shared_build_fixture, e.g. of a landing
folder it edits) run in the background, two at a time, each step a
subprocess, while the tests go on in the main thread: the tests' own
refreshes there had left a core idle for the last half of make test. The
fixture that needs a build waits for it, or runs it itself when no worker
has started it yet. Only the builds a collected, not skipped test needs are
queued, in the order the tests need them; one asked for without being
queued (e.g. through request.getfixturevalue) is made on the spot.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from b2b_ops.cli import DEMO_DIRTY_RATE
from b2b_ops.dev import slim_ci
from b2b_ops.settings import PROJECT_DIR

CLI = str(Path(sys.executable).with_name("b2b-ops"))
# The same fixture and as-of date slim CI builds its baseline on.
HANDMADE_LANDING = PROJECT_DIR / slim_ci.HANDMADE_LANDING
HANDMADE_AS_OF = slim_ci.HANDMADE_AS_OF
DEMO_AS_OF = dt.date(2026, 6, 30)
BI_PYTHON = PROJECT_DIR / "bi" / "superset" / ".venv" / "bin" / "python"
# The health test's XS demo (data up to 2026-06-29), built as of a day when
# a month of it is still in the future, and as of its end.
XS_AS_OF = dt.date(2026, 6, 30)
EARLY_AS_OF = XS_AS_OF - dt.timedelta(days=30)


# The clock of the timelines make test prints at the end: the builds' and
# the test modules' (conftest imports this module as the session starts).
SESSION_START = time.monotonic()


def session_seconds() -> float:
    return time.monotonic() - SESSION_START


@dataclass(frozen=True)
class Step:
    command: list[str]
    env: dict[str, str]
    cwd: Path = PROJECT_DIR


@dataclass(eq=False)
class Job:
    """A build: its steps, run in order until one fails, and where it writes."""

    name: str
    steps: list[Step]
    paths: dict[str, Path]
    results: list[subprocess.CompletedProcess] = field(default_factory=list)
    done: threading.Event = field(default_factory=threading.Event)
    # Seconds since the session's start when the job started and ended, for
    # the summary at the end of make test (a test's durations leave them out).
    started_at: float | None = None
    ended_at: float | None = None
    # Run (in the worker) before the steps: e.g. writing the landing folder a
    # test module makes from the hand-made one.
    prepare: Callable[[], None] | None = None

    def outcome(self) -> dict:
        """The paths and each step's output, once every step succeeded."""
        for result in self.results:
            assert result.returncode == 0, (
                f"{self.name}: {' '.join(result.args)} failed\n"
                + result.stdout[-3000:]
                + result.stderr[-3000:]
            )
        assert len(self.results) == len(self.steps), f"{self.name} was stopped"
        return {**self.paths, "results": self.results}


def cli_environment(**env: str) -> dict[str, str]:
    """The caller's environment for b2b-ops, without DAGSTER_HOME (a run then
    uses a throwaway Dagster instance, never the repo's .dagster) unless
    `env` names one, plus `env`."""
    inherited = {name: value for name, value in os.environ.items() if name != "DAGSTER_HOME"}
    return {**inherited, **env}


def build_step(landing: Path, as_of: dt.date, warehouse: Path, **env: str) -> Step:
    """`make build` of a landing folder at an as-of date into a warehouse."""
    return Step(
        [CLI, "build"],
        cli_environment(
            B2B_OPS_LANDING_DIR=str(landing),
            B2B_OPS_AS_OF_DATE=as_of.isoformat(),
            B2B_OPS_WAREHOUSE=str(warehouse),
            **env,
        ),
    )


def generate_step(size: str, seed: int, as_of: dt.date, root: Path, dirty_rate: float) -> Step:
    """Demo data into root/landing, its ground truth into root/ground_truth."""
    return Step(
        [sys.executable, "-m", "b2b_ops.demo_data", "--size", size, "--seed", str(seed)]
        + ["--as-of", as_of.isoformat(), "--format", "csv", "--dirty-rate", str(dirty_rate)]
        + ["--landing-dir", str(root / "landing"), "--truth-dir", str(root / "ground_truth")],
        cli_environment(),
    )


def handmade_job(root: Path) -> Job:
    """The hand-made landing folder as of 2025-06-30, its run recorded in a
    Dagster instance of its own (the UI test shows it)."""
    paths = {"warehouse": root / "warehouse.duckdb", "dagster_home": root / "dagster_home"}
    step = build_step(
        HANDMADE_LANDING,
        HANDMADE_AS_OF,
        paths["warehouse"],
        DAGSTER_HOME=str(paths["dagster_home"]),
    )
    return Job("handmade", [step], {**paths, "landing": HANDMADE_LANDING})


def demo_job(root: Path) -> Job:
    """The demo as `make demo` makes it: size S, seed 42, its dirty rate."""
    paths = {
        "landing": root / "landing",
        "truth": root / "ground_truth",
        "warehouse": root / "w.duckdb",
    }
    return Job(
        "demo",
        [
            generate_step("S", 42, DEMO_AS_OF, root, DEMO_DIRTY_RATE),
            build_step(paths["landing"], DEMO_AS_OF, paths["warehouse"]),
        ],
        paths,
    )


# The M demo's product events per account (the default is 1,000): the
# worklist items, their outcomes, owners and tiers do not depend on events,
# and 200 build in about two thirds of the time.
DEMO_M_EVENTS_PER_ACCOUNT = 200


def demo_m_job(root: Path) -> Job:
    """The demo at size M (10,000 accounts, seed 42, clean, lighter in
    events) as of the demo's as-of date: the action-effect recovery test's
    data. Check-ins and executive reviews answer the items of high-value
    accounts only, and at S too few of those churn to estimate what the
    actions are worth (docs/action-effects.md, "The demo's known answer")."""
    paths = {"truth": root / "ground_truth", "warehouse": root / "w.duckdb"}
    generate = generate_step("M", 42, DEMO_AS_OF, root, 0.0)
    generate = Step(
        generate.command + ["--events-per-account", str(DEMO_M_EVENTS_PER_ACCOUNT)],
        generate.env,
    )
    return Job(
        "demo_m",
        [generate, build_step(root / "landing", DEMO_AS_OF, paths["warehouse"])],
        paths,
    )


def xs_generate_step(root: Path) -> Step:
    """The XS demo (seed 11, clean, data up to XS_AS_OF) into root/landing:
    the health test's data, and the XS parity test's on both engines."""
    return generate_step("XS", 11, XS_AS_OF, root, 0.0)


def health_job(root: Path) -> Job:
    """The XS demo (seed 11, clean) built as of EARLY_AS_OF and as of XS_AS_OF."""
    paths = {"truth": root / "ground_truth", "early": root / "early.duckdb"}
    paths["late"] = root / "late.duckdb"
    landing = root / "landing"
    return Job(
        "health",
        [
            xs_generate_step(root),
            build_step(landing, EARLY_AS_OF, paths["early"]),
            build_step(landing, XS_AS_OF, paths["late"]),
        ],
        paths,
    )


# The deliveries test's dirty rows (duplicates, orphans ...): enough that
# some duplicates cross a file boundary.
DELIVERIES_DIRTY_RATE = 0.02


def deliveries_job(root: Path) -> Job:
    """The XS demo as daily event deliveries: the history built, then each
    held-back day delivered and refreshed incrementally, with the cases of
    tests/python/delivery_edits.py: billing/invoices is a folder of two
    delivery files from the start; with the first day, the CRM export loses
    an account (its events become orphans); with the second, it comes back
    and an earlier events file is redelivered without a row a later file
    repeats. That refresh rebuilds the event-day models (an events file
    was replaced), so a fourth one recomputes days and trials: late logins
    of a trial at its window's last moment and a day later (an old day to
    recompute), and a trial whose window the trials export shortens. Last,
    a copy of that warehouse (its ledger: the same delivery order and load
    times) refreshed from scratch with --full-refresh."""
    landing = root / "landing"
    paths = {
        "landing": landing,
        "incremental": root / "incremental" / "w.duckdb",
        "full": root / "full" / "w.duckdb",
    }
    generate = generate_step("XS", 42, DEMO_AS_OF, root, DELIVERIES_DIRTY_RATE)
    generate = Step(
        generate.command + ["--deliveries", "daily", "--hold-back-days", "2"],
        generate.env,
    )
    deliver = Step(
        [sys.executable, "-m", "b2b_ops.demo_data", "--landing-dir", str(landing)]
        + ["--deliver-next-day"],
        cli_environment(),
    )

    def edit(command: str) -> Step:
        script = PROJECT_DIR / "tests" / "python" / "delivery_edits.py"
        return Step([sys.executable, str(script), command, str(landing)], cli_environment())

    build = build_step(landing, DEMO_AS_OF, paths["incremental"])
    full = build_step(landing, DEMO_AS_OF, paths["full"])
    steps = [
        generate,
        edit("split-invoices"),
        Step(["mkdir", "-p", str(paths["incremental"].parent)], cli_environment()),
        build,
        deliver,
        edit("drop-account"),
        build,
        deliver,
        edit("restore-account"),
        edit("redeliver"),
        build,
        edit("late-trial-logins"),
        edit("shorten-trial"),
        build,
        Step(["mkdir", "-p", str(paths["full"].parent)], cli_environment()),
        Step(["cp", str(paths["incremental"]), str(paths["full"])], cli_environment()),
        Step(full.command + ["--full-refresh"], full.env),
    ]
    return Job("deliveries", steps, paths)


def xs_job(root: Path) -> Job:
    """The health test's XS demo (seed 11, clean) built once, as of XS_AS_OF:
    the DuckDB side of the XS parity test (make test-spark)."""
    paths = {"landing": root / "landing", "warehouse": root / "w.duckdb"}
    return Job(
        "xs",
        [
            xs_generate_step(root),
            build_step(paths["landing"], XS_AS_OF, paths["warehouse"]),
        ],
        paths,
    )


def spark_build_paths(root: Path) -> dict[str, Path]:
    """Where a Spark build into root writes: the DuckDB file (landing, the
    views over Spark's tables; the published copy beside it) and Spark's
    folder (by default beside the DuckDB file)."""
    return {"warehouse": root / "w.duckdb", "spark": root / "spark"}


def spark_build_step(landing: Path, as_of: dt.date, warehouse: Path) -> Step:
    """`b2b-ops build` with B2B_OPS_TARGET=spark into warehouse."""
    return build_step(landing, as_of, warehouse, B2B_OPS_TARGET="spark", TZ="UTC")


def spark_handmade_job(root: Path) -> Job:
    """The hand-made landing folder as of 2025-06-30 (as handmade_job) on Spark."""
    paths = spark_build_paths(root)
    step = spark_build_step(HANDMADE_LANDING, HANDMADE_AS_OF, paths["warehouse"])
    return Job("spark_handmade", [step], paths)


def spark_xs_job(root: Path) -> Job:
    """The XS demo as xs_job makes it (the generator is deterministic: the
    same files), built on Spark."""
    paths = spark_build_paths(root)
    return Job(
        "spark_xs",
        [xs_generate_step(root), spark_build_step(root / "landing", XS_AS_OF, paths["warehouse"])],
        paths,
    )


def superset_job(root: Path) -> Job:
    """Superset's own virtual environment (make bi-setup: minutes on a fresh
    clone) and a metadata database with its admin user in root/superset."""
    home = root / "superset"
    return Job(
        "superset",
        [
            Step(["make", "bi-setup"], cli_environment()),
            Step(
                [str(BI_PYTHON), "bi/superset/serve.py", "init"],
                cli_environment(B2B_OPS_BI_HOME=str(home)),
            ),
        ],
        {"bi_home": home},
    )


def clean_environment() -> dict[str, str]:
    """The caller's environment without this project's settings or venv."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("B2B_OPS_", "DBT_"))
        and name not in ("VIRTUAL_ENV", "PYTHONPATH", "DAGSTER_HOME")
    }


def fresh_clone_job(root: Path) -> Job:
    """A clone of the repository, then the README's first command in it (its own .venv)."""
    clone = root / "b2b-ops"
    return Job(
        "fresh_clone",
        [
            Step(["git", "clone", "--quiet", str(PROJECT_DIR), str(clone)], clean_environment()),
            Step(["make", "demo", "SIZE=XS"], clean_environment(), cwd=clone),
        ],
        {"clone": clone},
    )


class BackgroundBuilds:
    """Runs the queued jobs in order, two at a time, each in a thread of its
    own. A test that needs a job nobody has started yet runs it itself
    rather than wait for a worker."""

    WORKERS = 2

    def __init__(self, queued: list[Job]) -> None:
        self.queued = queued
        self.pending = list(queued)
        self.stopping = False
        self.running: set[subprocess.Popen] = set()
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self._work, name=f"background builds {number}", daemon=True)
            for number in range(self.WORKERS)
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def _next(self) -> Job | None:
        with self.lock:
            if self.stopping or not self.pending:
                return None
            return self.pending.pop(0)

    def _work(self) -> None:
        while job := self._next():
            self._run(job)

    def _run(self, job: Job) -> None:
        job.started_at = session_seconds()
        if self._prepare(job):
            self._run_steps(job)
        job.ended_at = session_seconds()
        job.done.set()

    def _run_steps(self, job: Job) -> None:
        for step in job.steps:
            with self.lock:
                if self.stopping:
                    return
                # Its own process group, so stop() ends dbt and the rest with it.
                process = subprocess.Popen(
                    step.command,
                    cwd=step.cwd,
                    env=step.env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    start_new_session=True,
                )
                self.running.add(process)
            stdout, stderr = process.communicate()
            with self.lock:
                self.running.discard(process)
            result = subprocess.CompletedProcess(step.command, process.returncode, stdout, stderr)
            job.results.append(result)
            if result.returncode != 0:
                return

    @staticmethod
    def _prepare(job: Job) -> bool:
        """Run the job's prepare, if any; its error becomes a failed result."""
        if job.prepare is None:
            return True
        try:
            job.prepare()
        except Exception:  # noqa: BLE001 - reported as the job's failure, in the test that needs it
            job.results.append(
                subprocess.CompletedProcess(["prepare", job.name], 1, "", traceback.format_exc())
            )
            return False
        return True

    def outcome(self, job: Job) -> dict:
        """The job's outcome, waiting for it (or running it now if no worker has started it)."""
        with self.lock:
            run_here = job not in self.queued or job in self.pending
            if job in self.pending:
                self.pending.remove(job)
        if run_here:
            self._run(job)
        job.done.wait()
        return job.outcome()

    def stop(self) -> None:
        """End the session: kill the steps running, start nothing more."""
        with self.lock:
            self.stopping = True
            for process in self.running:
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGKILL)
        for thread in self.threads:
            if thread.is_alive():
                thread.join(timeout=60)


def timeline_line(name: str, started_at: float, ended_at: float, note: str = "") -> str:
    """When something started and ended (minutes into the session) and how long it took."""
    return (
        f"{name:<24} {started_at / 60:5.1f} to {ended_at / 60:5.1f} min"
        f"  {ended_at - started_at:6.0f} s  {note}"
    ).rstrip()


def progress(job: Job) -> str:
    failed = any(result.returncode != 0 for result in job.results)
    return f"{len(job.results)} of {len(job.steps)} steps" + (", failed" if failed else "")


def timeline(jobs: list[Job]) -> list[str]:
    """One line per shared build that ran, in the order they started."""
    ran = sorted(
        (job for job in jobs if job.started_at is not None and job.ended_at is not None),
        key=lambda job: job.started_at,
    )
    return [timeline_line(job.name, job.started_at, job.ended_at, progress(job)) for job in ran]
