"""Each model's output columns against the columns its yml lists, without
the warehouse: the models' compiled SQL becomes views over empty tables in an
in-memory DuckDB, and DuckDB names each view's columns.

Sources are empty tables of the columns their yml lists (text, as the loader
lands them, or the yml's data_type), plus the loader's own columns in `raw`;
seeds are read from their CSVs; models are created in dependency order under
the relation names of the compiled SQL. A column the SQL outputs but the yml
does not list (or the other way round) is a mismatch; a model whose SQL does
not bind (e.g. it reads a column a source does not have) is reported too.
"""

from __future__ import annotations

from dataclasses import dataclass
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb

from b2b_ops.landing import RAW_SCHEMA

# The columns the loader adds to every landed table (b2b_ops.landing), typed
# as it writes them.
LOADER_COLUMN_TYPES = {
    "_delivery_id": "bigint",
    "_delivery_order": "bigint",
    "_landing_row_number": "bigint",
    "_source_file": "varchar",
    "_loaded_at": "timestamp",
}


@dataclass(frozen=True)
class ColumnMismatch:
    """A model whose output columns differ from its yml, or whose SQL does not bind.

    kind: undocumented_column (the SQL outputs a column the yml does not
    list), stale_column (the yml lists a column the SQL does not output) or
    unbound_sql (the SQL does not bind, so its columns are unknown)."""

    model: str
    sql_file: str
    yml_file: str
    kind: str
    message: str


def _quoted(*names: str) -> str:
    return ".".join('"' + name.replace('"', '""') + '"' for name in names)


def _create_sources(connection: duckdb.DuckDBPyConnection, manifest: dict) -> None:
    for source in manifest["sources"].values():
        columns = {
            name: column.get("data_type") or "varchar"
            for name, column in source.get("columns", {}).items()
        }
        if source["schema"] == RAW_SCHEMA:
            columns = {**LOADER_COLUMN_TYPES, **columns}
        definition = ", ".join(f"{_quoted(name)} {kind}" for name, kind in columns.items())
        connection.execute(f"create schema if not exists {_quoted(source['schema'])}")
        connection.execute(
            f"create table {_quoted(source['schema'], source['identifier'])} ({definition})"
        )


def _create_seeds(connection: duckdb.DuckDBPyConnection, manifest: dict, project_dir: Path) -> None:
    for seed in manifest["nodes"].values():
        if seed["resource_type"] != "seed":
            continue
        path = project_dir / seed["original_file_path"]
        types = seed["config"].get("column_types") or {}
        read = "read_csv(?, header = true" + (", types = ?)" if types else ")")
        connection.execute(f"create schema if not exists {_quoted(seed['schema'])}")
        connection.execute(
            f"create table {_quoted(seed['schema'], seed['alias'])} as "
            f"select * from {read} limit 0",
            [str(path), types] if types else [str(path)],
        )


def _models_in_dependency_order(manifest: dict) -> list[dict]:
    models = {
        unique_id: node
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model"
    }
    graph = {
        unique_id: [parent for parent in node["depends_on"]["nodes"] if parent in models]
        for unique_id, node in models.items()
    }
    return [models[unique_id] for unique_id in TopologicalSorter(graph).static_order()]


def _yml_file(node: dict) -> str:
    patch_path = node.get("patch_path") or ""
    return patch_path.split("://", 1)[-1] if patch_path else "a yml beside it (none yet)"


def _output_columns(connection: duckdb.DuckDBPyConnection, node: dict) -> list[str]:
    rows = connection.execute(
        "select column_name from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [node["schema"], node["alias"]],
    ).fetchall()
    return [name for (name,) in rows]


def _compare(node: dict, output: list[str]) -> list[ColumnMismatch]:
    documented = list(node.get("columns", {}))
    documented_lower = {name.lower() for name in documented}
    output_lower = {name.lower() for name in output}
    found = [
        ("undocumented_column", f"outputs column {column}, which its yml does not list.")
        for column in output
        if column.lower() not in documented_lower
    ] + [
        ("stale_column", f"its yml lists column {column}, which the SQL does not output.")
        for column in documented
        if column.lower() not in output_lower
    ]
    return [
        ColumnMismatch(node["name"], node["original_file_path"], _yml_file(node), kind, message)
        for kind, message in found
    ]


def column_mismatches(manifest: dict, project_dir: Path) -> list[ColumnMismatch]:
    """Every model whose output columns differ from its yml's, from a manifest
    whose models are compiled (`dbt compile`) against an in-memory target."""
    found: list[ColumnMismatch] = []
    unbound: set[str] = set()
    with duckdb.connect(":memory:") as connection:
        _create_sources(connection, manifest)
        _create_seeds(connection, manifest, project_dir)
        for node in _models_in_dependency_order(manifest):
            # A model that reads an unbound one cannot bind either; the
            # first one is the one to fix.
            if unbound.intersection(node["depends_on"]["nodes"]):
                unbound.add(node["unique_id"])
                continue
            connection.execute(f"create schema if not exists {_quoted(node['schema'])}")
            try:
                connection.execute(
                    f"create view {_quoted(node['schema'], node['alias'])} as "
                    f"{node['compiled_code']}"
                )
            except duckdb.Error as error:
                unbound.add(node["unique_id"])
                first_line = str(error).splitlines()[0]
                found.append(
                    ColumnMismatch(
                        node["name"],
                        node["original_file_path"],
                        _yml_file(node),
                        "unbound_sql",
                        f"its SQL does not bind, so its columns are unknown: {first_line}",
                    )
                )
                continue
            found += _compare(node, _output_columns(connection, node))
    return found
