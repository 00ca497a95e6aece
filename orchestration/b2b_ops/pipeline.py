"""Run the `refresh` job in this process: the path `make demo` and `make build` take."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from b2b_ops import settings as run_settings
from b2b_ops.landing import check_landing


class RefreshFailedError(RuntimeError):
    """The refresh job failed; the message is the failing step's own error."""


@contextmanager
def _instance() -> Iterator[object]:
    """The Dagster instance in $DAGSTER_HOME when set (so the UI shows the run), else a throwaway one."""
    from dagster import DagsterInstance

    home = os.environ.get("DAGSTER_HOME")
    if home:
        prepare_dagster_home(Path(home))
        with DagsterInstance.get() as instance:
            yield instance
    else:
        with DagsterInstance.ephemeral() as instance:
            yield instance


def prepare_dagster_home(home: Path) -> None:
    """Create $DAGSTER_HOME with the project's instance settings (kept if already there)."""
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(
            run_settings.PROJECT_DIR / "orchestration" / "dagster.yaml", home / "dagster.yaml"
        )


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


def run_refresh(settings: run_settings.Settings) -> None:
    # A structural break found from the headers fails here, in seconds and
    # with one message, before Dagster and dbt start; the job checks again
    # (schedules and the sensor start it without this function).
    check_landing(settings.landing_dir)
    os.environ.update(run_settings.to_environment(settings))
    # Imported here: loading the definitions parses the dbt project.
    from b2b_ops.definitions import defs

    with _instance() as instance:
        result = defs.resolve_job_def("refresh").execute_in_process(
            instance=instance, raise_on_error=False
        )
    if not result.success:
        failures = [event for event in result.all_events if event.is_step_failure]
        if failures and failures[0].event_specific_data and failures[0].event_specific_data.error:
            raise RefreshFailedError(_root_cause(failures[0].event_specific_data.error))
        raise RefreshFailedError("the refresh failed; see the run's log above")
