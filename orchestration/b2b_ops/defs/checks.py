"""The Great Expectations suites (b2b_ops.quality) as Dagster asset checks.

Each suite gives its asset up to two checks: `gx_blocking` (severity ERROR,
blocking: a failure stops every downstream asset, so `published_marts` keeps
the last good copy) and `gx_warn` (severity WARN: the run goes on). The
checks of the assets one op produces run together in one step after it
(`land_files_expectations`, `dbt_warehouse_expectations`, ...). A failing
check's metadata, and one log line per failed expectation, name the table,
the expectation and sample bad values.
"""

from collections.abc import Iterator, Sequence

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    AssetsDefinition,
    MetadataValue,
    multi_asset_check,
)

from b2b_ops.quality.suites import SEVERITIES, Suite, SuiteError, load_suites
from b2b_ops.quality.validate import Outcome, run_suite
from b2b_ops.settings import Settings

DAGSTER_SEVERITY = {"blocking": AssetCheckSeverity.ERROR, "warn": AssetCheckSeverity.WARN}


def check_name(severity: str) -> str:
    return f"gx_{severity}"


def check_specs(suite: Suite) -> list[AssetCheckSpec]:
    """One spec per severity the suite uses."""
    return [
        AssetCheckSpec(
            name=check_name(severity),
            asset=AssetKey(list(suite.asset_key)),
            blocking=severity == "blocking",
            description=(
                f"Great Expectations suite {suite.path.parent.name}/{suite.path.name}: "
                f"its {len(suite.with_severity(severity))} {severity} expectations on {suite.table}."
            ),
        )
        for severity in SEVERITIES
        if suite.with_severity(severity)
    ]


def _markdown_cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def failure_table(outcomes: Sequence[Outcome]) -> str:
    """The failed expectations as a Markdown table, for the Dagster UI."""
    lines = [
        "| expectation | frame | unexpected | sample bad values / observed | why |",
        "| --- | --- | --- | --- | --- |",
    ]
    for outcome in outcomes:
        unexpected = (
            f"{outcome.unexpected_count} of {outcome.element_count}"
            if outcome.unexpected_count is not None
            else (outcome.error or "")
        )
        shown = outcome.sample_values or outcome.observed_value
        cells = [
            outcome.expectation.describe(),
            outcome.expectation.frame,
            unexpected,
            shown,
            outcome.expectation.why,
        ]
        lines.append("| " + " | ".join(_markdown_cell(cell) for cell in cells) + " |")
    return "\n".join(lines)


def check_result(
    suite: Suite, severity: str, outcomes: Sequence[Outcome], frame_rows: dict[str, int]
) -> AssetCheckResult:
    """The result of one severity's check: passed, or the failed expectations with sample values."""
    mine = [outcome for outcome in outcomes if outcome.expectation.severity == severity]
    failed = [outcome for outcome in mine if not outcome.success]
    metadata = {
        "table": MetadataValue.text(suite.table),
        "suite": MetadataValue.path(str(suite.path)),
        "expectations": len(mine),
        "expectations_failed": len(failed),
        "rows_validated": MetadataValue.json(frame_rows),
    }
    if suite.sample_rows:
        metadata["sample_rows"] = suite.sample_rows
    if failed:
        metadata["failed_expectations"] = MetadataValue.md(failure_table(failed))
        metadata["failures"] = MetadataValue.json(
            [
                {
                    "table": suite.table,
                    "expectation": outcome.expectation.describe(),
                    "frame": outcome.expectation.frame,
                    "unexpected_count": outcome.unexpected_count,
                    "element_count": outcome.element_count,
                    "sample_values": outcome.sample_values,
                    "observed_value": outcome.observed_value,
                    "error": outcome.error,
                    "why": outcome.expectation.why,
                }
                for outcome in failed
            ]
        )
    return AssetCheckResult(
        asset_key=AssetKey(list(suite.asset_key)),
        check_name=check_name(severity),
        passed=not failed,
        severity=DAGSTER_SEVERITY[severity],
        metadata=metadata,
        description=(
            f"{len(failed)} of {len(mine)} {severity} expectations failed on {suite.table}"
            if failed
            else f"all {len(mine)} {severity} expectations passed on {suite.table}"
        ),
    )


def _current_suites(settings: Settings) -> dict[AssetKey, Suite]:
    """The suites read again at run time, so a run uses the files as they are now."""
    return {AssetKey(list(suite.asset_key)): suite for suite in load_suites(settings.suites_path)}


def _build_check(producer: AssetsDefinition, suites: list[Suite]) -> AssetChecksDefinition:
    specs = [spec for suite in suites for spec in check_specs(suite)]

    @multi_asset_check(
        name=f"{producer.node_def.name}_expectations",
        specs=specs,
        can_subset=True,
        description="Great Expectations suites (orchestration/b2b_ops/quality/suites) on the assets of "
        f"{producer.node_def.name}.",
    )
    def _expectations(
        context: AssetCheckExecutionContext, settings: Settings
    ) -> Iterator[AssetCheckResult]:
        selected: set[AssetCheckKey] = set(context.selected_asset_check_keys)
        current = _current_suites(settings)
        for asset_key in sorted({key.asset_key for key in selected}, key=str):
            if asset_key not in current:
                raise SuiteError(
                    f"{settings.suites_path}: no suite for {asset_key.to_user_string()} any more; "
                    "reload the code location after removing a suite."
                )
            suite = current[asset_key]
            outcomes, frame_rows = run_suite(settings.warehouse_path, suite)
            for outcome in outcomes:
                if outcome.success:
                    continue
                log = (
                    context.log.error
                    if outcome.expectation.severity == "blocking"
                    else context.log.warning
                )
                log(outcome.summary(suite.table))
            for severity in SEVERITIES:
                if AssetCheckKey(asset_key, check_name(severity)) in selected:
                    yield check_result(suite, severity, outcomes, frame_rows)

    return _expectations


def expectation_checks(
    producers: Sequence[AssetsDefinition], suites: list[Suite]
) -> list[AssetChecksDefinition]:
    """One multi-asset check per producing op, covering the suites of the assets it makes."""
    unclaimed = {suite.asset_key: suite for suite in suites}
    checks = []
    for producer in producers:
        mine = [suite for suite in suites if AssetKey(list(suite.asset_key)) in producer.keys]
        for suite in mine:
            unclaimed.pop(suite.asset_key)
        if mine:
            checks.append(_build_check(producer, mine))
    if unclaimed:
        suite = next(iter(unclaimed.values()))
        raise SuiteError(
            f"{suite.path}: asset {'/'.join(suite.asset_key)} is not an asset of the project; "
            "name a landing table as system/table or a mart as marts/<model>."
        )
    return checks
