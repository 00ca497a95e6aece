"""The summary printed after a refresh, one section per module.

A section is a module with `TABLES` (the schema.table names it reads) and
`lines(connection, as_of) -> list[str]`; it is shown only when all its
tables exist, so an older or half-built warehouse still gets a summary. To
add a section, write such a module and list it in SECTIONS. The demo's
planted churners (`churners`) follow the health section when a ground-truth
folder is given (the demo's, found beside its landing folder); the outcomes
section (`outcomes`, after the playbook) then shows the planted effects too.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import ModuleType

import duckdb

from b2b_ops.summary import (
    accounts,
    after_as_of,
    churners,
    growth,
    health,
    outcomes,
    playbook,
    quarantine,
    revenue,
    segments,
)
from b2b_ops.summary.common import tables_exist

SECTIONS: tuple[ModuleType, ...] = (
    accounts,
    revenue,
    segments,
    health,
    growth,
    playbook,
    quarantine,
    after_as_of,
)


def section_lines(
    section: ModuleType, connection: duckdb.DuckDBPyConnection, as_of: dt.date
) -> list[str]:
    """The section's lines, or none when the warehouse lacks a table it reads."""
    if not tables_exist(connection, section.TABLES):
        return []
    return section.lines(connection, as_of)


def truth_lines(
    connection: duckdb.DuckDBPyConnection, as_of: dt.date, truth_dir: Path | None
) -> list[str]:
    """The planted churners the warning reached, when there is ground truth."""
    if truth_dir is None or not tables_exist(connection, churners.TABLES):
        return []
    return churners.lines(connection, as_of, truth_dir)


def summary_text(warehouse_path: Path, as_of: dt.date, truth_dir: Path | None = None) -> str:
    """The summary of a built warehouse; with the demo's ground-truth folder
    (truth_dir), also how many planted churners the warning reached."""
    with duckdb.connect(str(warehouse_path), read_only=True) as connection:
        blocks = [[f"b2b-ops warehouse {warehouse_path}, as of {as_of}"]]
        for section in SECTIONS:
            blocks.append(section_lines(section, connection, as_of))
            if section is health:
                blocks.append(truth_lines(connection, as_of, truth_dir))
            if section is playbook and tables_exist(connection, outcomes.TABLES):
                blocks.append(outcomes.lines(connection, as_of, truth_dir))
    return "\n\n".join("\n".join(block) for block in blocks if block)
