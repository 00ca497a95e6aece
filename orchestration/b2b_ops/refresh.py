"""Run the `refresh` job in this process: the path `make demo` and `make build`
take (the schedules and the sensor run the same job from `make ui`).

The terminal gets the progress (b2b_ops.progress); the full Dagster and dbt
log goes to a log file beside the warehouse (logs/refresh-<time>-<run>.log)
and, as always, to the Dagster run. Verbose (-v, or B2B_OPS_LOG_LEVEL=debug)
shows the full log on the terminal as well.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from dagster import DagsterEventType, DagsterInstance, ExecuteInProcessResult

from b2b_ops.landing import check_landing
from b2b_ops.progress import Progress
from b2b_ops.runs import FULL_REFRESH_TAG, clamp_to_partitions, event_day_partitions, range_tags
from b2b_ops.settings import PROJECT_DIR, Settings, dagster_home, dbt_run_target_path, resolved

LOG_FOLDER = "logs"
LOGS_KEPT = 20


class RefreshFailedError(RuntimeError):
    """The refresh job failed; the message is the failing step's own error."""


@dataclass(frozen=True)
class RefreshReport:
    log_path: Path
    warnings: list[str] = field(default_factory=list)


def prepare_dagster_home(home: Path) -> None:
    """Create $DAGSTER_HOME with the project's instance settings (kept if already there)."""
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(PROJECT_DIR / "orchestration" / "dagster.yaml", home / "dagster.yaml")


@contextlib.contextmanager
def _instance() -> Iterator[DagsterInstance]:
    """The Dagster instance in $DAGSTER_HOME when set (so the UI shows the run), else a throwaway one."""
    home = dagster_home()
    if home:
        prepare_dagster_home(home)
        with DagsterInstance.get() as instance:
            yield instance
    else:
        with DagsterInstance.ephemeral() as instance:
            yield instance


def new_log_path(settings: Settings, run_id: str) -> Path:
    """A fresh log file in logs/ beside the warehouse; the oldest beyond LOGS_KEPT go."""
    folder = settings.warehouse_path.parent / LOG_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for old in sorted(folder.glob("refresh-*.log"))[: -LOGS_KEPT + 1]:
        old.unlink(missing_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    return folder / f"refresh-{stamp}-{run_id[:8]}.log"


class Tee:
    """A text stream that writes to several (the log file and the terminal)."""

    def __init__(self, *streams: TextIO) -> None:
        self.streams = streams

    def write(self, text: str) -> int:
        for stream in self.streams:
            stream.write(text)
        return len(text)

    def flush(self) -> None:
        for stream in self.streams:
            stream.flush()

    def isatty(self) -> bool:
        return False


@contextlib.contextmanager
def _full_log(log_path: Path, verbose: bool) -> Iterator[None]:
    """Everything this process prints (Dagster's console log, dbt's log, library
    warnings) into the log file, and also on the terminal when verbose."""
    with log_path.open("w", encoding="utf-8") as log:
        out = Tee(log, sys.stdout) if verbose else log
        err = Tee(log, sys.stderr) if verbose else log
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            yield


def _root_cause(error) -> str:
    """The message of the project's own error (the first in the chain that is
    not Dagster's wrapper, so a structural break keeps the file it names),
    else the innermost one's, without its class path."""
    chain = [error]
    while getattr(chain[-1], "cause", None) is not None:
        chain.append(chain[-1].cause)
    own = [link for link in chain if not (link.cls_name or "").startswith("Dagster")]
    message = (own[0] if own else chain[-1]).message.strip()
    head, _, tail = message.partition(": ")
    return tail if "Error" in head and tail else message


def dbt_step_sizes() -> dict[str, int]:
    """How many models and seeds each dbt step builds, for the progress."""
    from b2b_ops.defs.dbt import EVENT_DAY_MODELS, dbt_segments, dbt_warehouse

    sizes = {assets.node_def.name: len(assets.keys) for assets in (dbt_warehouse, dbt_segments)}
    return {**sizes, "event_days": len(EVENT_DAY_MODELS.split())}


def run_tags(settings: Settings, full_refresh: bool) -> dict[str, str]:
    """The run targets the event day before the as-of date (the day a morning
    delivery brings); any other day whose events changed is recomputed too."""
    partitions = event_day_partitions(settings.partitions_start)
    day = clamp_to_partitions(settings.as_of - dt.timedelta(days=1), partitions)
    return {**range_tags(day, day), **({FULL_REFRESH_TAG: "true"} if full_refresh else {})}


def check_nothing_skipped(result: ExecuteInProcessResult, log_path: Path) -> None:
    """Every step of a refresh runs: Dagster skips a step whose inputs an
    earlier step did not yield, and still calls the run a success. That
    happened when Spark's progress bar garbled dbt's event lines: the marts
    were never checked or published, and the refresh exited 0."""
    skipped = [
        event.step_key
        for event in result.all_events
        if event.event_type == DagsterEventType.STEP_SKIPPED
    ]
    if skipped:
        raise RefreshFailedError(
            f"the refresh skipped {', '.join(skipped)}: an earlier step did not report "
            f"everything it built; the full log is in {log_path}"
        )


def run_refresh(
    settings: Settings,
    verbose: bool = False,
    stream: TextIO | None = None,
    full_refresh: bool = False,
) -> RefreshReport:
    """Run the refresh job in process; progress to `stream` (stderr by default).
    A full refresh lands every file again and rebuilds the incremental models.
    Raises RefreshFailedError with the failing step's message."""
    settings = resolved(settings)
    # A structural break found from the headers fails here, in seconds and
    # with one message, before Dagster and dbt start; the job checks again
    # (schedules and the sensor start it without this function).
    check_landing(settings.landing_path)
    # Imported here: loading the definitions reads the dbt manifest.
    from b2b_ops.defs import build_definitions

    job = build_definitions(settings).resolve_job_def("refresh")
    run_id = str(uuid.uuid4())
    log_path = new_log_path(settings, run_id)
    progress = Progress(stream or sys.stderr, dbt_step_sizes())
    progress.say("log", str(log_path))
    with _instance() as instance, _full_log(log_path, verbose):
        instance.add_event_listener(run_id, progress.on_event)
        result = job.execute_in_process(
            instance=instance,
            run_id=run_id,
            tags=run_tags(settings, full_refresh),
            raise_on_error=False,
        )
    if not result.success:
        failures = [event for event in result.all_events if event.is_step_failure]
        if failures and failures[0].event_specific_data and failures[0].event_specific_data.error:
            raise RefreshFailedError(_root_cause(failures[0].event_specific_data.error))
        raise RefreshFailedError(f"the refresh failed; the full log is in {log_path}")
    check_nothing_skipped(result, log_path)
    # After a failure the folder stays: dbt's error names the compiled SQL in it.
    shutil.rmtree(dbt_run_target_path(run_id), ignore_errors=True)
    return RefreshReport(log_path, progress.warning_lines())
