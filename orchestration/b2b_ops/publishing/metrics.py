"""The semantic layer's metrics (models/semantic/_semantic__models.yml),
answered by MetricFlow from the published copy.

    python -m b2b_ops.publishing.metrics                       # the KPI scorecard by month
    python -m b2b_ops.publishing.metrics --saved-query kpi_scorecard_quarterly
    python -m b2b_ops.publishing.metrics --metrics nps,csat_rate \\
        --group-by metric_time__quarter,satisfaction__industry

`make metrics` parses the dbt project against the published copy first
(profile target `published`): the semantic manifest names the database,
which DuckDB takes from the file's name, b2b_ops. MetricFlow's own `mf
query` works too (see the README); this module opens the published file
read-only with DuckDB directly, so it needs no dbt connection and no
target/ folder of the project's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb
from metricflow.data_table.mf_table import MetricFlowDataTable
from metricflow.engine.metricflow_engine import MetricFlowEngine, MetricFlowQueryRequest
from metricflow.protocols.sql_client import SqlEngine
from metricflow.sql.render.duckdb_renderer import DuckDbSqlPlanRenderer
from metricflow.sql.render.sql_plan_renderer import SqlPlanRenderer
from metricflow_semantics.model.dbt_manifest_parser import (
    parse_manifest_from_dbt_generated_manifest,
)
from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup
from metricflow_semantics.sql.sql_bind_parameters import SqlBindParameterSet

from b2b_ops.dbt_runner import dbt_executable, project_arguments
from b2b_ops.settings import PROJECT_DIR, from_environment, resolved

SEMANTIC_MANIFEST = "semantic_manifest.json"
DEFAULT_SAVED_QUERY = "kpi_scorecard_monthly"
PUBLISHED_TARGET = "published"  # the profile target (profiles.yml) of the published copy
# Where `make metrics` has dbt write the published target's manifests, apart
# from target/ (dbt by hand) and target/dagster/ (the refresh).
METRICS_TARGET_PATH = Path("target") / "metrics"


def parse_semantic_manifest(project_dir: Path, published_path: Path, target_path: Path) -> Path:
    """`dbt parse` against the published copy (profile target `published`) into
    target_path; returns the semantic manifest it wrote."""
    result = subprocess.run(
        [
            dbt_executable(),
            "parse",
            "--quiet",
            *project_arguments(project_dir, target_path),
            "--target",
            PUBLISHED_TARGET,
            "--vars",
            json.dumps({"b2b_ops_published": str(published_path)}),
        ],
        cwd=project_dir,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"dbt parse failed:\n{result.stdout[-3000:]}{result.stderr[-2000:]}")
    return target_path / SEMANTIC_MANIFEST


NO_PARAMETERS = SqlBindParameterSet()


class PublishedCopyClient:
    """MetricFlow's SqlClient on a read-only DuckDB connection to the published copy."""

    def __init__(self, published_path: Path) -> None:
        self._connection = duckdb.connect(str(published_path), read_only=True)

    @property
    def sql_engine_type(self) -> SqlEngine:
        return SqlEngine.DUCKDB

    @property
    def sql_plan_renderer(self) -> SqlPlanRenderer:
        return DuckDbSqlPlanRenderer()

    def query(
        self, stmt: str, sql_bind_parameter_set: SqlBindParameterSet = NO_PARAMETERS
    ) -> MetricFlowDataTable:
        cursor = self._connection.execute(stmt, dict(sql_bind_parameter_set.param_dict) or None)
        names = [column[0] for column in cursor.description]
        return MetricFlowDataTable.create_from_rows(names, cursor.fetchall())

    def execute(
        self, stmt: str, sql_bind_parameter_set: SqlBindParameterSet = NO_PARAMETERS
    ) -> None:
        self._connection.execute(stmt, dict(sql_bind_parameter_set.param_dict) or None).fetchall()

    def dry_run(
        self, stmt: str, sql_bind_parameter_set: SqlBindParameterSet = NO_PARAMETERS
    ) -> None:
        self.execute(f"explain {stmt}", sql_bind_parameter_set)

    def close(self) -> None:
        self._connection.close()

    def render_bind_parameter_key(self, bind_parameter_key: str) -> str:
        return f"${bind_parameter_key}"


class Metrics:
    """Metric queries on a published copy, with the semantic manifest dbt wrote."""

    def __init__(self, published_path: Path, semantic_manifest_path: Path) -> None:
        if not semantic_manifest_path.exists():
            raise FileNotFoundError(
                f"{semantic_manifest_path} is missing: run `make metrics`, which parses the "
                "dbt project against the published copy first"
            )
        self.semantic_manifest = parse_manifest_from_dbt_generated_manifest(
            semantic_manifest_path.read_text()
        )
        self._client = PublishedCopyClient(published_path)
        self._engine = MetricFlowEngine(
            SemanticManifestLookup(self.semantic_manifest), self._client
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Metrics:
        return self

    def __exit__(self, *exception: object) -> None:
        self.close()

    def query(
        self,
        metrics: Sequence[str] = (),
        group_by: Sequence[str] = (),
        where: Sequence[str] = (),
        saved_query: str | None = None,
        order_by: Sequence[str] = (),
    ) -> tuple[list[str], list[tuple]]:
        """Column names and rows of a metric query (or a saved query)."""
        request = MetricFlowQueryRequest.create(
            saved_query_name=saved_query,
            metric_names=list(metrics) or None,
            group_by_names=list(group_by) or None,
            where_constraints=list(where) or None,
            order_by_names=list(order_by) or None,
        )
        table = self._engine.query(request).result_df
        return list(table.column_names), [tuple(row) for row in table.rows]

    def period_totals(self, metrics: Sequence[str], first_day: dt.date, last_day: dt.date) -> dict:
        """Each metric over the months first_day..last_day, as one period (no
        grouping); the marts are monthly, so the filter is on months."""
        month = "{{ TimeDimension('metric_time', 'month') }}"
        names, rows = self.query(
            metrics,
            where=[
                f"{month} >= '{first_day.replace(day=1).isoformat()}'",
                f"{month} <= '{last_day.replace(day=1).isoformat()}'",
            ],
        )
        [row] = rows
        return dict(zip(names, row, strict=True))


def format_table(names: list[str], rows: list[tuple]) -> str:
    """The rows as aligned text, ordered by their first columns (the time, then the groups)."""
    ordered = sorted(rows, key=lambda row: [(value is None, str(value)) for value in row])
    cells = [names, *([_cell(value) for value in row] for row in ordered)]
    widths = [max(len(row[index]) for row in cells) for index in range(len(names))]
    return "\n".join(
        "  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True))
        for row in cells
    )


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.4f}" if abs(value) < 10 else f"{value:,.2f}"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m b2b_ops.publishing.metrics", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--published", type=Path, help="the published b2b_ops.duckdb (default: the settings')"
    )
    parser.add_argument("--saved-query", help=f"a saved query (default {DEFAULT_SAVED_QUERY})")
    parser.add_argument("--metrics", help="metric names, comma-separated")
    parser.add_argument(
        "--group-by", default="", help="e.g. metric_time__quarter,account__industry"
    )
    parser.add_argument("--where", action="append", default=[], help="a MetricFlow where filter")
    arguments = parser.parse_args(argv)
    split = [name.strip() for name in (arguments.metrics or "").split(",") if name.strip()]
    group_by = [name.strip() for name in arguments.group_by.split(",") if name.strip()]
    saved_query = arguments.saved_query or (None if split else DEFAULT_SAVED_QUERY)
    published = (arguments.published or resolved(from_environment()).published_path).resolve()
    if not published.exists():
        print(
            f"error: no published copy at {published}: run make demo or make build", file=sys.stderr
        )
        return 1
    manifest = parse_semantic_manifest(PROJECT_DIR, published, PROJECT_DIR / METRICS_TARGET_PATH)
    try:
        with Metrics(published, manifest) as metrics:
            names, rows = metrics.query(split, group_by, arguments.where, saved_query)
    except (FileNotFoundError, duckdb.Error) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(format_table(names, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
