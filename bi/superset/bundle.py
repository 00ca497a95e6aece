"""Turn the dashboards kept as code (bi/superset/assets/) into a Superset
import bundle: the ZIP that Superset's own export writes and its
`POST /api/v1/assets/import/` reads back, overwriting what it holds.

The files in assets/ say only what a person decides: a dataset's mart or
SQL and its metrics, a chart's type and settings, a dashboard's rows. This
module fills in the rest of Superset's format: uuids (derived from the file
names, so a re-import updates the same objects), the database uuid, the
columns and their types (read from the published copy, so they follow the
marts), the dashboard's layout and its filters.

Runs with the Python of Superset's virtual environment (bi/superset/.venv),
which has duckdb and PyYAML.
"""

from __future__ import annotations

import json
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import yaml

ASSETS_DIR = Path(__file__).resolve().parent / "assets"
SCHEMA = "marts"
BUNDLE_VERSION = "1.0.0"
# Every uuid is derived from this one and a file's kind and name.
NAMESPACE = uuid.UUID("6f1d7c55-3b0e-4f59-9a57-2f4c1b8d0e21")
TEMPORAL_TYPES = ("DATE", "TIMESTAMP")
GRID_COLUMNS = 12
DEFAULT_CHART_HEIGHT = 50  # grid units of 8 px

# Settings every chart gets unless its file says otherwise.
CHART_DEFAULTS: dict[str, Any] = {
    "adhoc_filters": [],
    "annotation_layers": [],
    "extra_form_data": {},
    "color_scheme": "supersetColors",
    "row_limit": 10000,
}


class AssetError(ValueError):
    """An asset file is wrong; the message names the file and the fix."""


def asset_uuid(kind: str, name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}/{name}"))


def read_yaml(path: Path) -> dict[str, Any]:
    content = yaml.safe_load(path.read_text())
    if not isinstance(content, dict):
        raise AssetError(f"{path}: expected a YAML mapping (key: value lines)")
    return content


def require(content: dict[str, Any], key: str, path: Path) -> Any:
    if key not in content:
        raise AssetError(f"{path}: missing the key '{key}'")
    return content[key]


def sqlalchemy_uri(published: Path) -> str:
    # duckdb-engine passes the query string to duckdb.connect as its config.
    return f"duckdb:///{published.resolve()}?access_mode=read_only"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str | None


def source(table: str, sql: str | None) -> str:
    """What a dataset reads, for a FROM clause: its mart, or its query as a subquery."""
    return f"({sql})" if sql else f"{SCHEMA}.{table}"


def describe(connection: duckdb.DuckDBPyConnection, table: str, sql: str | None) -> list[Column]:
    """The columns of a mart, or of a virtual dataset's query, as the published copy has them."""
    described = connection.execute(f"describe select * from {source(table, sql)}").fetchall()
    comments: dict[str, str] = {}
    if not sql:
        # Descriptions the publish step keeps (dbt persist_docs) show in Superset.
        comments = dict(
            connection.execute(
                "select column_name, comment from duckdb_columns() "
                "where schema_name = ? and table_name = ? and comment is not null",
                [SCHEMA, table],
            ).fetchall()
        )
    return [Column(name, kind, comments.get(name)) for name, kind, *_ in described]


def dataset_config(
    path: Path, database_uuid: str, connection: duckdb.DuckDBPyConnection
) -> dict[str, Any]:
    content = read_yaml(path)
    table = require(content, "table_name", path)
    if table != path.stem:
        raise AssetError(f"{path}: table_name '{table}' must equal the file name '{path.stem}'")
    sql = content.get("sql")
    try:
        columns = describe(connection, table, sql)
    except duckdb.Error as error:
        what = "its sql" if sql else f"the mart {SCHEMA}.{table}"
        raise AssetError(f"{path}: the published copy cannot answer {what}: {error}") from error
    known = {column.name for column in columns}
    metrics = content.get("metrics", [])
    for metric in metrics:
        for key in ("metric_name", "expression"):
            require(metric, key, path)
        if metric["metric_name"] in known:
            # Superset would label the metric with the column's name in legends.
            raise AssetError(
                f"{path}: metric '{metric['metric_name']}' has the name of a column of {table}; "
                "give it another name (e.g. total_..., average_...)"
            )
    main_dttm_col = content.get("main_dttm_col")
    if main_dttm_col and main_dttm_col not in known:
        raise AssetError(f"{path}: main_dttm_col '{main_dttm_col}' is not a column of {table}")
    return {
        "table_name": table,
        "main_dttm_col": main_dttm_col,
        "description": content.get("description"),
        "default_endpoint": None,
        "offset": 0,
        "cache_timeout": None,
        "schema": SCHEMA,
        "sql": sql,
        "params": None,
        "template_params": None,
        "filter_select_enabled": True,
        "fetch_values_predicate": None,
        "extra": None,
        "normalize_columns": False,
        "uuid": asset_uuid("dataset", table),
        "metrics": [
            {
                "metric_name": metric["metric_name"],
                "verbose_name": metric.get("verbose_name"),
                "metric_type": None,
                "expression": metric["expression"],
                "description": metric.get("description"),
                "d3format": metric.get("d3format"),
                "extra": {},
                "warning_text": None,
            }
            for metric in metrics
        ],
        "columns": [
            {
                "column_name": column.name,
                "verbose_name": None,
                "is_dttm": column.type.startswith(TEMPORAL_TYPES),
                "is_active": True,
                "type": column.type,
                "advanced_data_type": None,
                "groupby": True,
                "filterable": True,
                "expression": None,
                "description": column.description,
                "python_date_format": None,
                "extra": {},
            }
            for column in columns
        ],
        "version": BUNDLE_VERSION,
        "database_uuid": database_uuid,
    }


def referenced_names(params: dict[str, Any]) -> tuple[set[str], set[str]]:
    """The saved metrics and the columns a chart's settings name."""
    metrics = {params["metric"]} if isinstance(params.get("metric"), str) else set()
    metrics |= {name for name in params.get("metrics", []) if isinstance(name, str)}
    columns: set[str] = set()
    for key in ("x_axis", "column", "groupby", "all_columns"):
        value = params.get(key, [])
        columns |= {value} if isinstance(value, str) else set(value)
    # A table's sort order is written as '["column", ascending]'.
    columns |= {json.loads(order)[0] for order in params.get("order_by_cols", [])}
    return metrics, columns


def chart_config(path: Path, datasets: dict[str, dict[str, Any]]) -> dict[str, Any]:
    content = read_yaml(path)
    dataset = require(content, "dataset", path)
    if dataset not in datasets:
        raise AssetError(
            f"{path}: dataset '{dataset}' has no file; add assets/datasets/{dataset}.yaml "
            f"or use one of {sorted(datasets)}"
        )
    viz_type = require(content, "viz_type", path)
    params = {**CHART_DEFAULTS, **content.get("params", {}), "viz_type": viz_type}
    metrics, columns = referenced_names(params)
    known_metrics = {metric["metric_name"] for metric in datasets[dataset]["metrics"]}
    known_columns = {column["column_name"] for column in datasets[dataset]["columns"]}
    if metrics - known_metrics:
        raise AssetError(
            f"{path}: metrics {sorted(metrics - known_metrics)} are not defined in "
            f"assets/datasets/{dataset}.yaml (it has {sorted(known_metrics)})"
        )
    if columns - known_columns:
        raise AssetError(
            f"{path}: columns {sorted(columns - known_columns)} are not in dataset {dataset}; "
            f"did a mart column change its name? Columns: {sorted(known_columns)}"
        )
    return {
        "slice_name": require(content, "slice_name", path),
        "description": content.get("description"),
        "certified_by": None,
        "certification_details": None,
        "viz_type": viz_type,
        "params": params,
        "query_context": None,
        "cache_timeout": None,
        "uuid": asset_uuid("chart", path.stem),
        "version": BUNDLE_VERSION,
        "dataset_uuid": datasets[dataset]["uuid"],
    }


def dashboard_position(
    path: Path, title: str, rows: list[list[dict[str, Any]]], charts: dict[str, dict[str, Any]]
) -> tuple[dict[str, Any], dict[str, int]]:
    """Superset's layout tree: a header, then one grid row per entry of `rows`.

    Returns the layout and the bundle's chart ids by chart name (the import
    replaces them with the ids it gives the charts)."""
    position: dict[str, Any] = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
        "GRID_ID": {"type": "GRID", "id": "GRID_ID", "children": [], "parents": ["ROOT_ID"]},
        "HEADER_ID": {"type": "HEADER", "id": "HEADER_ID", "meta": {"text": title}},
    }
    chart_ids: dict[str, int] = {}
    for row_number, row in enumerate(rows, start=1):
        row_id = f"ROW-{row_number}"
        parents = ["ROOT_ID", "GRID_ID", row_id]
        children = []
        widths = 0
        for item_number, item in enumerate(row, start=1):
            width = require(item, "width", path)
            height = item.get("height", DEFAULT_CHART_HEIGHT)
            widths += width
            if "chart" in item:
                name = item["chart"]
                if name not in charts:
                    raise AssetError(
                        f"{path}: row {row_number} names the chart '{name}', which has no file "
                        f"under assets/charts/ (file name = chart name)"
                    )
                if name in chart_ids:
                    raise AssetError(f"{path}: the chart '{name}' is placed twice")
                chart_ids[name] = len(chart_ids) + 1
                item_id = f"CHART-{name}"
                meta = {
                    "chartId": chart_ids[name],
                    "uuid": charts[name]["uuid"],
                    "sliceName": charts[name]["slice_name"],
                    "width": width,
                    "height": height,
                }
                kind = "CHART"
            elif "markdown" in item:
                item_id = f"MARKDOWN-{row_number}-{item_number}"
                meta = {"code": item["markdown"], "width": width, "height": height}
                kind = "MARKDOWN"
            else:
                raise AssetError(
                    f"{path}: row {row_number} item {item_number} needs chart: or markdown:"
                )
            position[item_id] = {
                "type": kind,
                "id": item_id,
                "children": [],
                "parents": parents,
                "meta": meta,
            }
            children.append(item_id)
        if widths > GRID_COLUMNS:
            raise AssetError(
                f"{path}: row {row_number} is {widths} columns wide; a row holds {GRID_COLUMNS}"
            )
        position[row_id] = {
            "type": "ROW",
            "id": row_id,
            "children": children,
            "parents": ["ROOT_ID", "GRID_ID"],
            "meta": {"background": "BACKGROUND_TRANSPARENT"},
        }
        position["GRID_ID"]["children"].append(row_id)
    return position, chart_ids


def native_filter(
    path: Path,
    number: int,
    spec: dict[str, Any],
    datasets: dict[str, dict[str, Any]],
    chart_ids: dict[str, int],
    connection: duckdb.DuckDBPyConnection,
) -> dict[str, Any]:
    """A dashboard filter (a drop-down of one column's values) on the charts it names.

    With `all_by_default: true` it starts empty (the charts show every value)
    and may be cleared. Otherwise a value is required: it starts on `default:`,
    or else on the column's first value in the published copy, so the charts
    it drives open on one value."""
    name = require(spec, "name", path)
    dataset = require(spec, "dataset", path)
    if dataset not in datasets:
        raise AssetError(f"{path}: filter '{name}' reads dataset '{dataset}', which has no file")
    column = require(spec, "column", path)
    if column not in {c["column_name"] for c in datasets[dataset]["columns"]}:
        raise AssetError(f"{path}: filter '{name}' column '{column}' is not a column of {dataset}")
    applies_to = require(spec, "charts", path)
    unknown = sorted(set(applies_to) - set(chart_ids))
    if unknown:
        raise AssetError(f"{path}: filter '{name}' names charts not on the dashboard: {unknown}")
    required = not spec.get("all_by_default", False)
    default = spec.get("default")
    if required and default is None:
        read = source(dataset, datasets[dataset]["sql"])
        [(default,)] = connection.execute(f'select min("{column}") from {read}').fetchall()
    selected = [] if default is None else [default]
    return {
        "id": f"NATIVE_FILTER-{number}",
        "name": name,
        "description": spec.get("description", ""),
        "type": "NATIVE_FILTER",
        "filterType": "filter_select",
        "targets": [{"column": {"name": column}, "datasetUuid": datasets[dataset]["uuid"]}],
        "controlValues": {
            "enableEmptyFilter": required,
            "defaultToFirstItem": False,
            "multiSelect": False,
            "searchAllOptions": False,
            "inverseSelection": False,
            "sortAscending": True,
        },
        "defaultDataMask": {
            "extraFormData": {"filters": [{"col": column, "op": "IN", "val": selected}]}
            if selected
            else {},
            "filterState": {"value": selected or None},
            "ownState": {},
        },
        "cascadeParentIds": [],
        # No chartsInScope: the import renumbers the charts in scope.excluded
        # but not there, and Superset works it out from the scope.
        "scope": {
            "rootPath": ["ROOT_ID"],
            "excluded": [
                chart_id for chart, chart_id in chart_ids.items() if chart not in applies_to
            ],
        },
    }


def dashboard_config(
    path: Path,
    charts: dict[str, dict[str, Any]],
    datasets: dict[str, dict[str, Any]],
    connection: duckdb.DuckDBPyConnection,
) -> dict[str, Any]:
    content = read_yaml(path)
    title = require(content, "dashboard_title", path)
    position, chart_ids = dashboard_position(path, title, require(content, "rows", path), charts)
    filters = [
        native_filter(path, number, spec, datasets, chart_ids, connection)
        for number, spec in enumerate(content.get("filters", []), start=1)
    ]
    return {
        "dashboard_title": title,
        "description": content.get("description"),
        "css": "",
        "slug": path.stem,
        "certified_by": "",
        "certification_details": "",
        "published": True,
        "uuid": asset_uuid("dashboard", path.stem),
        "position": position,
        "metadata": {
            "color_scheme": "supersetColors",
            "refresh_frequency": 0,
            "expanded_slices": {},
            "label_colors": content.get("label_colors", {}),
            "shared_label_colors": [],
            "timed_refresh_immune_slices": [],
            "cross_filters_enabled": False,
            "default_filters": "{}",
            "native_filter_configuration": filters,
        },
        "version": BUNDLE_VERSION,
    }


def database_config(published: Path) -> dict[str, Any]:
    path = ASSETS_DIR / "database.yaml"
    content = read_yaml(path)
    name = require(content, "database_name", path)
    return {
        **content,
        "sqlalchemy_uri": sqlalchemy_uri(published),
        "uuid": asset_uuid("database", name),
        "version": BUNDLE_VERSION,
    }


def build(published: Path, assets_dir: Path = ASSETS_DIR) -> dict[str, dict[str, Any]]:
    """Every file of the bundle (its path inside the ZIP -> its content)."""
    database = database_config(published)
    files: dict[str, dict[str, Any]] = {
        "metadata.yaml": {
            "version": BUNDLE_VERSION,
            "type": "assets",
            "timestamp": datetime.now(UTC).isoformat(),
        },
        "databases/b2b_ops.yaml": database,
    }
    with duckdb.connect(str(published), read_only=True) as connection:
        datasets = {
            path.stem: dataset_config(path, database["uuid"], connection)
            for path in sorted((assets_dir / "datasets").glob("*.yaml"))
        }
        charts: dict[str, dict[str, Any]] = {}
        for path in sorted((assets_dir / "charts").rglob("*.yaml")):
            if path.stem in charts:
                raise AssetError(
                    f"{path}: another chart file is named {path.stem}; chart names are unique"
                )
            charts[path.stem] = chart_config(path, datasets)
        dashboards = {
            path.stem: dashboard_config(path, charts, datasets, connection)
            for path in sorted((assets_dir / "dashboards").glob("*.yaml"))
        }
    placed = {
        key.removeprefix("CHART-")
        for dashboard in dashboards.values()
        for key in dashboard["position"]
        if key.startswith("CHART-")
    }
    unplaced = sorted(set(charts) - placed)
    if unplaced:
        raise AssetError(f"charts on no dashboard (add them to a dashboard's rows): {unplaced}")
    for kind, configs in (
        ("datasets/b2b_ops", datasets),
        ("charts", charts),
        ("dashboards", dashboards),
    ):
        for name, config in configs.items():
            files[f"{kind}/{name}.yaml"] = config
    return files


def write_bundle(files: dict[str, dict[str, Any]], destination: Path) -> Path:
    destination.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, content in files.items():
            # Superset reads the files of a bundle under one top folder.
            bundle.writestr(f"b2b_ops_assets/{name}", yaml.safe_dump(content, sort_keys=False))
    return destination


def summary(files: dict[str, dict[str, Any]]) -> str:
    """E.g. '12 datasets, 30 charts, 5 dashboards'."""
    kinds = ("datasets", "charts", "dashboards")
    return ", ".join(
        f"{sum(name.startswith(f'{kind}/') for name in files)} {kind}" for kind in kinds
    )
