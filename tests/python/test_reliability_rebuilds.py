"""Crash safety and idempotency, through the real refresh (`b2b-ops build`).

Crash: a refresh started in its own process group is killed with SIGKILL
(the whole group, dbt included) at a stage read off its output; after each
kill the published copy must still open read-only with the same mart
checksums as before, no process of the group may survive, and after all the
kills the next refresh must complete and give the marts of an uninterrupted
build. Fast: 3 kills (landing, dbt, publishing); long: more kills, each at a
random delay after its stage begins.

Idempotency: building the same landing again gives identical marts, and a
landing whose files repeat rows (a file concatenated with itself, a file
that repeats some earlier rows) gives the same marts, its repeats
quarantined as duplicate_key.
"""

from __future__ import annotations

import csv
import io
import os
import random
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

import reliability
from b2b_ops.dev.checksums import mart_checksums
from b2b_ops.settings import PROJECT_DIR
from conftest import CLI
from reliability import SCALE, Build

pytestmark = [
    pytest.mark.slow,
    pytest.mark.reliability,
    pytest.mark.usefixtures(*reliability.REFERENCE_FIXTURES),
]

# Each stage: a line of the refresh's progress printed when the stage is under
# way (dbt: a quarter of its models built, so dbt itself is running), and the
# longest random delay after it at the long level (roughly the stage's length
# at demo size S).
STAGES = {
    "landing": ("  landing   checking and reading the files", 3.0),
    "dbt": (" built", 25.0),
    "segmentation": ("  checks    marts:", 3.0),
    "publishing": ("  publish   copying the marts", 1.0),
}
FAST_KILLS = ("landing", "dbt", "publishing")
KILL_SEED = int(os.environ.get("B2B_OPS_RELIABILITY_SEED", "7"))


@dataclass(frozen=True)
class Kill:
    stage: str
    delay_seconds: float

    @property
    def label(self) -> str:
        return f"crash: SIGKILL during {self.stage} +{self.delay_seconds:.1f}s"


def kill_plan() -> list[Kill]:
    if not SCALE.random_kill_delays:
        return [Kill(stage, 0.0) for stage in FAST_KILLS[: SCALE.kills]]
    rng = random.Random(KILL_SEED)
    stages = list(STAGES)
    return [
        Kill(stage, round(rng.uniform(0, STAGES[stage][1]), 1))
        for stage in (stages[index % len(stages)] for index in range(SCALE.kills))
    ]


@dataclass(frozen=True)
class KillOutcome:
    kill: Kill
    was_running: bool  # False: the refresh ended before the signal
    survivors: bool  # a process of the refresh's group outlived the kill
    published_intact: bool
    output_tail: str


def group_is_gone(group: int, wait_seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False


def run_and_kill(build: Build, kill: Kill) -> tuple[bool, bool, str]:
    """Start the refresh, SIGKILL its process group once the stage has begun plus the delay."""
    inherited = {name: value for name, value in os.environ.items() if name != "DAGSTER_HOME"}
    process = subprocess.Popen(
        [CLI, "build"],
        cwd=PROJECT_DIR,
        env={**inherited, **reliability.refresh_env(build.landing, build.warehouse, build.as_of)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    marker = STAGES[kill.stage][0]
    stage_began = threading.Event()
    lines: list[str] = []

    def drain() -> None:
        # Keeps reading until the end, so the refresh never blocks on a full pipe.
        for line in process.stdout:
            lines.append(line)
            if marker in line:
                stage_began.set()
        stage_began.set()

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    stage_began.wait(timeout=900)
    time.sleep(kill.delay_seconds)
    was_running = process.poll() is None
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=60)
    reader.join(timeout=30)
    return was_running, not group_is_gone(process.pid), "".join(lines[-20:])


def leftover_temporaries(published: Path) -> list[Path]:
    return sorted(published.parent.glob(f".{published.name}.*"))


@dataclass(frozen=True)
class CrashRuns:
    reference: Build
    build: Build
    expected: dict[str, str]
    outcomes: list[KillOutcome]
    recovery: subprocess.CompletedProcess


@pytest.fixture(scope="module")
def reference(request, tmp_path_factory) -> Build:
    return reliability.reference_build(request, tmp_path_factory)


@pytest.fixture(scope="module")
def crash_runs(reference, tmp_path_factory) -> CrashRuns:
    """Kills on a copy of a good build, then one refresh to completion."""
    expected = mart_checksums(reference.published)
    build = reliability.copy_build(reference, tmp_path_factory.mktemp("crash"))
    outcomes = []
    for kill in kill_plan():
        was_running, survivors, tail = run_and_kill(build, kill)
        intact = reliability.opens_read_only(build.published) and (
            mart_checksums(build.published) == expected
        )
        outcomes.append(KillOutcome(kill, was_running, survivors, intact, tail))
    return CrashRuns(reference, build, expected, outcomes, reliability.refresh(build))


def test_a_killed_refresh_leaves_the_published_copy_intact(crash_runs):
    for outcome in crash_runs.outcomes:
        with reliability.recorded(outcome.kill.label) as case:
            case.tried = 1
            case.published_intact = outcome.published_intact
            case.failures = int(not outcome.published_intact or outcome.survivors)
    for outcome in crash_runs.outcomes:
        assert outcome.was_running, f"{outcome.kill}: ended before the kill\n{outcome.output_tail}"
        assert not outcome.survivors, f"{outcome.kill}: a process outlived SIGKILL"
        assert outcome.published_intact, f"{outcome.kill}\n{outcome.output_tail}"


def test_the_next_refresh_completes_with_the_marts_of_an_uninterrupted_build(crash_runs):
    build = crash_runs.build
    with reliability.recorded("crash: the refresh after the kills") as case:
        case.tried = 1
        reliability.assert_refreshed(crash_runs.recovery)
        case.counts = reliability.total(reliability.reconciliation(build.warehouse))
        case.published_intact = reliability.opens_read_only(build.published)
        assert mart_checksums(build.published) == crash_runs.expected
        # The killed publish's temporary file is gone (the next publish removes it).
        assert leftover_temporaries(build.published) == []


def test_building_the_same_landing_twice_gives_identical_marts(crash_runs):
    # The refresh after the kills is the same landing built a second time,
    # into a warehouse that already holds a complete build (the last kill
    # came after dbt had finished): every mart must match the first build.
    reliability.assert_refreshed(crash_runs.recovery)
    first = crash_runs.expected
    second = mart_checksums(crash_runs.build.published)
    assert [table for table in first if first[table] != second.get(table)] == []
    assert sorted(first) == sorted(second)


def data_records(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        header, *records = list(csv.reader(handle))
    return header, records


def repeat_rows(landing: Path) -> dict[str, list[int]]:
    """Append repeats to every file: alternately the whole file again, or every
    other earlier row. Returns, per table, the row numbers repeated."""
    repeated = {}
    for index, path in enumerate(sorted(landing.glob("*/*.csv"))):
        _, records = data_records(path)
        positions = list(range(len(records))) if index % 2 == 0 else list(range(0, len(records), 2))
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(records[p] for p in positions)
        content = path.read_text(encoding="utf-8")
        separator = "" if content.endswith("\n") else "\n"
        path.write_text(content + separator + buffer.getvalue(), encoding="utf-8")
        repeated[f"{path.parent.name}/{path.stem}"] = [position + 1 for position in positions]
    return repeated


def reasons_by_row(warehouse: Path) -> dict[tuple[str, int], str]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute(
            "select source_table, landing_row_number, quarantine_reason "
            "from quarantine.quarantined_rows"
        ).fetchall()
    return {(table, row): reason for table, row, reason in rows}


def duplicate_counts(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return dict(
            connection.execute(
                "select source_table, rows_duplicates_resolved from quarantine.landing_reconciliation"
            ).fetchall()
        )


def test_repeated_rows_are_quarantined_as_duplicates_and_never_double_count(reference, tmp_path):
    landing = reliability.copy_landing(reference, tmp_path / "landing")
    repeated = repeat_rows(landing)
    build = reliability.copy_build(reference, tmp_path, landing=landing)
    with reliability.recorded("idempotency: repeated rows") as case:
        case.tried = 1
        reliability.assert_refreshed(reliability.refresh(build))
        before, after = (
            reliability.reconciliation(reference.warehouse),
            reliability.reconciliation(build.warehouse),
        )
        case.counts = reliability.total(after)
        assert mart_checksums(build.published) == mart_checksums(reference.published)
        # A repeat of a staged row (or of a duplicate) is a duplicate_key; a
        # repeat of a row quarantined for a failed check fails that check again.
        reasons = reasons_by_row(reference.warehouse)
        duplicates_before, duplicates_after = (
            duplicate_counts(reference.warehouse),
            duplicate_counts(build.warehouse),
        )
        for table, rows in repeated.items():
            assert after[table].landed == before[table].landed + len(rows), table
            assert after[table].staged == before[table].staged, table
            assert after[table].quarantined == before[table].quarantined + len(rows), table
            new_duplicates = sum(
                reasons.get((table, row)) in (None, "duplicate_key") for row in rows
            )
            assert duplicates_after[table] == duplicates_before[table] + new_duplicates, table
