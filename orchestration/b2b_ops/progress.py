"""The refresh's progress in a few lines per stage, read off the Dagster
run's events as they happen: each landing table with its rows, dbt's models
built out of the total, the checks, the segmentation and the publish; then
the warnings in a few lines. The full log goes elsewhere (see refresh.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TextIO

from dagster import AssetCheckSeverity, DagsterEventType, EventLogEntry

from b2b_ops.summary.common import comma_lines

# Steps of the refresh job, in the words the progress uses.
LANDING_STEP = "land_files"
SEGMENTATION_STEP = "ml__account_clusters"
PUBLISH_STEP = "published_marts"
CHECK_STEPS = {
    "land_files_expectations": "landing files",
    "dbt_warehouse_expectations": "marts",
    "dbt_segments_expectations": "segments",
}
MOST_WARNINGS_SHOWN = 5
# A failed expectation is shown up to this many characters (the log has it whole).
LONGEST_EXPECTATION = 100
# Steps building fewer dbt nodes than this get no "n of total" lines on the way.
FEW_NODES = 8


@dataclass
class Checks:
    passed: int = 0
    warned: int = 0
    failed: int = 0

    def text(self) -> str:
        parts = [f"{self.passed} passed"]
        if self.warned:
            parts.append(f"{self.warned} warned")
        if self.failed:
            parts.append(f"{self.failed} FAILED")
        return ", ".join(parts)


@dataclass
class Progress:
    """Prints one line per landing table and per stage to `stream`.

    `dbt_nodes` is how many models and seeds each dbt step builds, for the
    "n of total" lines, printed at each quarter of the way.
    """

    stream: TextIO
    dbt_nodes: dict[str, int]
    # The assets each dbt step built: an event-day step reports one asset
    # once per day it recomputed, and each asset counts once.
    built: dict[str, set[str]] = field(default_factory=dict)
    step_checks: dict[str, Checks] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def say(self, stage: str, text: str) -> None:
        print(f"  {stage:<10}{text}", file=self.stream, flush=True)

    def on_event(self, entry: EventLogEntry) -> None:
        event = entry.dagster_event
        if event is None:
            return
        step = event.step_key or ""
        if event.event_type == DagsterEventType.STEP_START:
            self._step_started(step)
        elif event.event_type == DagsterEventType.ASSET_MATERIALIZATION:
            self._materialized(step, event.step_materialization_data.materialization)
        elif event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
            self._checked(step, event.event_specific_data)
        elif event.event_type == DagsterEventType.STEP_SUCCESS:
            self._step_done(step)
        elif event.event_type == DagsterEventType.STEP_FAILURE:
            error = event.event_specific_data.error if event.event_specific_data else None
            message = error.message.strip().splitlines()[0] if error else "failed"
            self.failures.append(f"{step}: {message}")
            self.say("FAILED", f"{step}: {message[:160]}")

    def _step_started(self, step: str) -> None:
        if step == LANDING_STEP:
            self.say("landing", "checking and reading the files")
        elif step in self.dbt_nodes:
            self.say("dbt", f"building {self.dbt_nodes[step]} models and seeds ({step})")
        elif step == PUBLISH_STEP:
            self.say("publish", "copying the marts to the published file")

    def _materialized(self, step: str, materialization) -> None:
        metadata = {key: value.value for key, value in materialization.metadata.items()}
        name = "/".join(materialization.asset_key.path)
        if step == LANDING_STEP:
            absent = str(metadata.get("file", "")).startswith("absent")
            self.say(
                "landing",
                f"{name:<26}" + ("absent: read as empty" if absent else metadata.get("landed", "")),
            )
            if absent:
                self.absent.append(name)
        elif step in self.dbt_nodes:
            self._built_one(step, name)
        elif step == SEGMENTATION_STEP:
            reason = metadata.get("reason", "")
            silhouette = metadata.get("silhouette")
            fit = f", silhouette {silhouette:.2f}" if isinstance(silhouette, float) else ""
            self.say(
                "segments",
                f"k = {metadata.get('k')} on {metadata.get('accounts', 0):,} customers{fit}",
            )
            if reason and reason != "clustered as asked":
                self.say("segments", reason)
                self.warnings.append(f"segmentation: {reason}")
        elif step == PUBLISH_STEP:
            tables = metadata.get("tables") or []
            self.say(
                "publish", f"{len(tables)} tables (marts and semantic) in {metadata.get('path')}"
            )

    def _built_one(self, step: str, name: str) -> None:
        total = self.dbt_nodes[step]
        built = self.built.setdefault(step, set())
        if name in built:
            return
        built.add(name)
        done = len(built)
        # A line at 25, 50 and 75 %, not one per model (the step's end says 100 %).
        quarter_passed = (4 * done) // total > (4 * (done - 1)) // total
        if total >= FEW_NODES and quarter_passed and done < total:
            self.say("dbt", f"{done} of {total} built")

    def _checked(self, step: str, evaluation) -> None:
        checks = self.step_checks.setdefault(step, Checks())
        if evaluation.passed:
            checks.passed += 1
        elif evaluation.severity == AssetCheckSeverity.WARN:
            checks.warned += 1
            self.warnings.append(warning_text(evaluation))
        else:
            checks.failed += 1

    def _step_done(self, step: str) -> None:
        if step in self.dbt_nodes:
            checks = self.step_checks.get(step, Checks())
            self.say(
                "dbt",
                f"{len(self.built.get(step, ()))} of {self.dbt_nodes[step]} built; "
                f"tests: {checks.text()}",
            )
        elif step in CHECK_STEPS:
            checks = self.step_checks.get(step, Checks())
            self.say("checks", f"{CHECK_STEPS[step]}: {checks.text()}")

    def warning_lines(self) -> list[str]:
        """The warnings in a few lines: absent files, failed warn checks, the segmentation's reason."""
        count = len(self.warnings) + len(self.absent)
        if not count:
            return []
        shown = comma_lines(self.absent, f"  {len(self.absent)} files absent, read as empty: ")
        shown += [f"  {line}" for line in self.warnings[:MOST_WARNINGS_SHOWN]]
        more = len(self.warnings) - MOST_WARNINGS_SHOWN
        if more > 0:
            shown.append(f"  ... and {more} more (see the log)")
        return [f"Warnings ({count}; the refresh went on)", *shown]


def warning_text(evaluation) -> str:
    """A failed warn check in one line: the table and its first failed expectation."""
    failures = evaluation.metadata.get("failures")
    if failures is None:
        # A dbt test of severity warn: its name says what it tests.
        return f"{'/'.join(evaluation.asset_key.path)}: dbt test {evaluation.check_name} failed"
    first, *rest = failures.value
    unexpected = (
        f" ({first['unexpected_count']} of {first['element_count']} unexpected)"
        if first.get("unexpected_count") is not None
        else ""
    )
    more = f"; {len(rest)} more" if rest else ""
    expectation = first["expectation"]
    if len(expectation) > LONGEST_EXPECTATION:
        expectation = expectation[: LONGEST_EXPECTATION - 4] + " ...)"
    return f"{first['table']}: {expectation}{unexpected}{more}"
