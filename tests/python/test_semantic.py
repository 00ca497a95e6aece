"""The semantic layer (models/semantic) against the KPI scorecard: every
KPI of mart_kpi_scorecard equals the metric of the same name queried
through MetricFlow from the published copy, for the same period, so the
two definitions can never drift apart."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import duckdb
import pytest

from b2b_ops.publishing.metrics import Metrics, parse_semantic_manifest
from b2b_ops.settings import PROJECT_DIR


@pytest.fixture(scope="module")
def metrics(demo_build, tmp_path_factory):
    published = demo_build["warehouse"].parent / "published" / "b2b_ops.duckdb"
    manifest = parse_semantic_manifest(
        PROJECT_DIR, published, tmp_path_factory.mktemp("semantic_target")
    )
    with Metrics(published, manifest) as opened:
        yield published, opened


def scorecard(published: Path) -> list[tuple]:
    with duckdb.connect(str(published), read_only=True) as connection:
        return connection.execute(
            "select period_kind, period_start, period_end_on, kpi, actual_value "
            "from marts.mart_kpi_scorecard order by period_kind, period_start, kpi"
        ).fetchall()


def same(scorecard_value: float | None, metric_value: float | None) -> bool:
    if scorecard_value is None or metric_value is None:
        return scorecard_value is None and metric_value is None
    return math.isclose(scorecard_value, float(metric_value), rel_tol=1e-9, abs_tol=1e-9)


def test_every_scorecard_kpi_is_a_metric_of_the_same_name(metrics):
    published, engine = metrics
    kpis = {kpi for _, _, _, kpi, _ in scorecard(published)}
    assert len(kpis) >= 9
    assert kpis <= {metric.name for metric in engine.semantic_manifest.metrics}


def test_every_scorecard_kpi_equals_its_metric_for_the_same_period(metrics):
    published, engine = metrics
    rows = scorecard(published)
    # Every KPI the scorecard has, so a new one is compared without editing this test.
    kpis = sorted({kpi for _, _, _, kpi, _ in rows})
    names, monthly = engine.query(kpis, group_by=["metric_time__month"])
    by_month = {
        row[0].date() if isinstance(row[0], dt.datetime) else row[0]: dict(
            zip(names, row, strict=True)
        )
        for row in monthly
    }
    totals: dict[tuple, dict] = {}
    differences, compared = [], 0
    for kind, start, end, kpi, actual in rows:
        if kind == "month":
            value = by_month.get(start, {}).get(kpi)
        else:
            if (start, end) not in totals:
                totals[(start, end)] = engine.period_totals(kpis, start, end)
            value = totals[(start, end)][kpi]
        compared += actual is not None
        if not same(actual, value):
            differences.append(f"{kind} {start} {kpi}: scorecard {actual}, metric {value}")
    assert differences == []
    assert {kind for kind, *_ in rows} == {"month", "quarter", "year"}
    # Most KPI values exist in the demo: the comparison is not of nulls.
    assert compared > len(rows) // 2


def test_every_metric_and_saved_query_answers_from_the_published_copy(metrics):
    _, engine = metrics
    manifest = engine.semantic_manifest
    # Every failure is listed, not just the first.
    failures = []
    for metric in manifest.metrics:
        try:
            _, rows = engine.query([metric.name], group_by=["metric_time__quarter"])
            assert rows, "no rows"
        except Exception as error:
            failures.append(f"{metric.name}: {str(error).splitlines()[0][:200]}")
    for saved_query in manifest.saved_queries:
        try:
            assert engine.query(saved_query=saved_query.name)[1], "no rows"
        except Exception as error:
            failures.append(f"saved query {saved_query.name}: {str(error).splitlines()[0][:200]}")
    assert failures == []
    assert len(manifest.metrics) > 60
