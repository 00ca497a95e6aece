"""Shared fixtures: the project's paths, running b2b-ops as `make build`
does, and the builds several tests share (the hand-made landing folder, the
demo, the demo at size M, the health test's XS pair, the deliveries test's
refreshes, the fresh clone, Superset's setup), made in the background while
other tests run (builds.py)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

import builds
from b2b_ops.settings import PROJECT_DIR
from b2b_ops.spark_tables import spark_missing
from builds import CLI, DEMO_AS_OF, HANDMADE_AS_OF, HANDMADE_LANDING, cli_environment

__all__ = ["CLI", "DEMO_AS_OF", "HANDMADE_AS_OF", "HANDMADE_LANDING", "PROJECT_DIR"]


# The fixtures that stand for a shared build, with the job that makes it. A
# test using one is slow, whatever its module says, so `make test-fast` (not
# slow) runs no build.
BUILD_FIXTURES: dict[str, Callable[[Path], builds.Job]] = {
    "handmade_build": builds.handmade_job,
    "demo_build": builds.demo_job,
    "demo_m_build": builds.demo_m_job,
    "xs_two_builds": builds.health_job,
    "fresh_clone": builds.fresh_clone_job,
    "superset_home": builds.superset_job,
    "deliveries_build": builds.deliveries_job,
    "xs_build": builds.xs_job,
    "spark_handmade_build": builds.spark_handmade_job,
    "spark_xs_build": builds.spark_xs_job,
}


def needs(item: pytest.Item) -> list[Callable[[Path], builds.Job]]:
    """The shared builds a test uses (through its fixtures, however indirectly)."""
    return [BUILD_FIXTURES[name] for name in item.fixturenames if name in BUILD_FIXTURES]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The Spark tests take many minutes and a JVM: they run only when asked
    # for by marker (make test-spark: -m spark), never in make test.
    if "spark" not in (config.option.markexpr or ""):
        skip_spark = "a Spark test: run it with make test-spark"
    else:
        skip_spark = spark_missing()
    if skip_spark:
        for item in items:
            if item.get_closest_marker("spark"):
                item.add_marker(pytest.mark.skip(reason=skip_spark))
    # Before -m deselects: `not slow` must leave these out.
    for item in items:
        if needs(item):
            item.add_marker(pytest.mark.slow)
    # The modules that use no shared build run first, while the background
    # makes the shared ones; then the modules in the order the background
    # finishes their builds (BUILD_PRIORITY). A module stays in one piece
    # (its fixtures are set up once).
    last_build: dict = {}
    for item in items:
        ranks = [build_rank(make_job) for make_job in needs(item)]
        last_build[item.module] = max([last_build.get(item.module, -1), *ranks])
    items.sort(key=lambda item: last_build[item.module])


# The order the background makes the builds in: the Spark builds of make
# test-spark (the longest), then the hand-made build, which most slow tests
# read and which have much work of their own to do while the others build,
# then the longest, and the two the BI test needs. A build a module defines
# comes after these.
BUILD_PRIORITY: list[Callable[[Path], builds.Job]] = [
    builds.spark_xs_job,
    builds.spark_handmade_job,
    builds.handmade_job,
    builds.deliveries_job,
    builds.health_job,
    builds.superset_job,
    builds.fresh_clone_job,
    builds.demo_job,
    builds.demo_m_job,
    builds.xs_job,
]


def build_rank(make_job: Callable[[Path], builds.Job]) -> int:
    if make_job in BUILD_PRIORITY:
        return BUILD_PRIORITY.index(make_job)
    return len(BUILD_PRIORITY)


@pytest.fixture(scope="session", autouse=True)
def background_builds(request, tmp_path_factory) -> Iterator[dict]:
    """Every shared build the selected tests need, started now, in the order they need them."""
    jobs = {
        make_job: make_job(tmp_path_factory.mktemp(make_job.__name__.removesuffix("_job")))
        for make_job in BUILD_FIXTURES.values()
    }
    # A skipped test's builds are not made (make test skips the Spark tests).
    needed = dict.fromkeys(
        make_job
        for item in request.session.items
        if not item.get_closest_marker("skip")
        for make_job in needs(item)
    )
    queue = sorted(needed, key=build_rank)
    runner = builds.BackgroundBuilds([jobs[make_job] for make_job in queue])
    runner.start()
    SHARED_JOBS.extend(jobs.values())
    yield {"runner": runner, "jobs": jobs}
    runner.stop()


# The session's shared builds, for the summary at the end.
SHARED_JOBS: list[builds.Job] = []


# Each test module's first start and last end (session seconds): the tests
# run one at a time, in the main thread, beside the background builds.
MODULE_TIMES: dict[str, list[float]] = {}


def pytest_runtest_logstart(nodeid: str, location: tuple) -> None:
    now = builds.session_seconds()
    MODULE_TIMES.setdefault(location[0], [now, now])


def pytest_runtest_logfinish(nodeid: str, location: tuple) -> None:
    MODULE_TIMES[location[0]][1] = builds.session_seconds()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The shared builds' times, and the test modules': pytest's durations
    count a build only in the test that first waited for it, and not at all
    while no test waited."""
    lines = builds.timeline(SHARED_JOBS)
    if lines:
        terminalreporter.section("shared builds (two at a time in the background)")
        for line in lines:
            terminalreporter.write_line(line)
    modules = sorted(MODULE_TIMES.items(), key=lambda item: item[1][0])
    if lines and modules:
        terminalreporter.section("test modules (one at a time, beside the builds)")
        for path, (started_at, ended_at) in modules:
            terminalreporter.write_line(builds.timeline_line(Path(path).stem, started_at, ended_at))


def shared_build(background_builds: dict, make_job: Callable[[Path], builds.Job]) -> dict:
    return background_builds["runner"].outcome(background_builds["jobs"][make_job])


def shared_build_fixture(make_job: Callable[[Path], builds.Job]) -> Callable:
    """A session fixture, `<job name>_build`, for a build a test module
    defines (e.g. a landing folder it edits), made in the background like
    the builds above. Assign it to a name in that module."""
    name = make_job.__name__.removesuffix("_job") + "_build"
    BUILD_FIXTURES[name] = make_job

    @pytest.fixture(scope="session", name=name)
    def build(background_builds) -> dict:
        return shared_build(background_builds, make_job)

    return build


def run_cli(arguments: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run the b2b-ops command as `make build` does, capturing its output."""
    return subprocess.run(
        [CLI, *arguments],
        cwd=PROJECT_DIR,
        env=cli_environment(**env),
        capture_output=True,
        text=True,
        check=False,
    )


def refresh(
    landing: Path, as_of: dt.date, warehouse: Path, **env: str
) -> subprocess.CompletedProcess:
    """`make build` of a landing folder at an as-of date into a warehouse;
    `env` adds variables (e.g. DAGSTER_HOME). Asserts it succeeded."""
    step = builds.build_step(landing, as_of, warehouse, **env)
    result = subprocess.run(
        step.command, cwd=step.cwd, env=step.env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def log_path(stdout: str) -> Path:
    """The log file a refresh names at the end of its output."""
    [line] = [line for line in stdout.splitlines() if line.strip().startswith("full log")]
    return Path(line.split(maxsplit=2)[2])


def query(warehouse: Path, sql: str, parameters: list | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql, parameters).fetchall()


@pytest.fixture(scope="session")
def handmade_build(background_builds) -> dict:
    """`make build` on the hand-written landing folder, as of 2025-06-30, its
    run recorded in a Dagster instance of its own (the UI test shows it)."""
    build = shared_build(background_builds, builds.handmade_job)
    [result] = build["results"]
    return {
        **build,
        "stdout": result.stdout,
        "stderr": result.stderr,
        "log": log_path(result.stdout),
    }


@pytest.fixture(scope="session")
def demo_build(background_builds) -> dict:
    """The demo as `make demo` makes it (size S, seed 42, its default dirty
    rate), as of 2026-06-30, built once per test session. Planted rates are
    recovered from its marts; ground truth is in its truth folder."""
    build = shared_build(background_builds, builds.demo_job)
    return {**build, "stdout": build["results"][-1].stdout, "as_of": DEMO_AS_OF}


@pytest.fixture(scope="session")
def demo_m_build(background_builds) -> dict:
    """The demo at size M (seed 42, clean) as of 2026-06-30, built once per
    test session (builds.demo_m_job): the action-effect recovery test's data."""
    return shared_build(background_builds, builds.demo_m_job)


@pytest.fixture(scope="session")
def xs_two_builds(background_builds) -> dict:
    """The XS demo (seed 11, data up to 2026-06-29) built twice: as of
    2026-05-31, when a month of its data is still in the future, and as of
    2026-06-30 (builds.health_job)."""
    return shared_build(background_builds, builds.health_job)


@pytest.fixture(scope="session")
def deliveries_build(background_builds) -> dict:
    """The XS demo's history, then two daily deliveries and a delivery of
    late trial logins with a shortened trial, each refreshed incrementally,
    and a full refresh of the same files (builds.deliveries_job)."""
    return shared_build(background_builds, builds.deliveries_job)


@pytest.fixture(scope="session")
def xs_build(background_builds) -> dict:
    """The XS demo (seed 11, clean) built once as of 2026-06-30 (builds.xs_job)."""
    return shared_build(background_builds, builds.xs_job)


@pytest.fixture(scope="session")
def spark_handmade_build(background_builds) -> dict:
    """The hand-made landing folder as of 2025-06-30 built on Spark
    (B2B_OPS_TARGET=spark, builds.spark_handmade_job)."""
    build = shared_build(background_builds, builds.spark_handmade_job)
    return {**build, "stdout": build["results"][-1].stdout}


@pytest.fixture(scope="session")
def spark_xs_build(background_builds) -> dict:
    """The XS demo of xs_build built on Spark (builds.spark_xs_job)."""
    return shared_build(background_builds, builds.spark_xs_job)


@pytest.fixture(scope="session")
def superset_home(background_builds) -> Path:
    """Superset's virtual environment, and a metadata database with its admin
    user in a folder of its own (builds.superset_job)."""
    return shared_build(background_builds, builds.superset_job)["bi_home"]


@pytest.fixture()
def landing_copy(tmp_path) -> Path:
    """A writable copy of the hand-written landing folder."""
    target = tmp_path / "landing"
    shutil.copytree(HANDMADE_LANDING, target)
    return target
