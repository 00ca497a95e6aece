"""The landing contract as the dbt sources files declare it
(models/staging/<system>/_<system>__sources.yml): every landing table with
its required columns, read from there so the loader and dbt never disagree."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from b2b_ops.settings import PROJECT_DIR

RAW_SCHEMA = "raw"


@dataclass(frozen=True)
class TableSpec:
    system: str
    table: str
    columns: tuple[str, ...]
    # The column that dates a row (dbt's `event_time` config on the source),
    # for tables whose rows roll up by day; None for the others.
    event_time: str | None = None

    @property
    def name(self) -> str:
        return f"{self.system}/{self.table}"

    @property
    def raw_table(self) -> str:
        return f"{self.system}__{self.table}"


def source_tables(project_dir: Path = PROJECT_DIR) -> list[tuple[dict, dict]]:
    """Every (source, table) pair declared in the staging sources files, in file order."""
    pairs = []
    for sources_file in sorted((project_dir / "models" / "staging").glob("*/_*__sources.yml")):
        document = yaml.safe_load(sources_file.read_text(encoding="utf-8"))
        for source in document.get("sources", []):
            for table in source.get("tables", []):
                pairs.append((source, table))
    return pairs


def read_table_specs(project_dir: Path = PROJECT_DIR) -> list[TableSpec]:
    """The landing tables and their required columns, from the dbt sources files."""
    # Only the landing systems live in raw; other sources (the segmentation
    # output) are written by the pipeline itself, and the loader's own tables
    # in raw (the ledger of landed files) start with an underscore.
    return [
        TableSpec(
            source["name"],
            table["name"],
            tuple(column["name"] for column in table.get("columns", [])),
            (table.get("config") or {}).get("event_time"),
        )
        for source, table in source_tables(project_dir)
        if source.get("schema") == RAW_SCHEMA
        and not table.get("identifier", table["name"]).startswith("_")
    ]
