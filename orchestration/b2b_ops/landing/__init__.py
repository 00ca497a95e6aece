"""Landing: the contract read from the dbt sources files, the structural
checks of a landing folder, and the loader into the `raw` schema with its
ledger of landed files."""

from b2b_ops.landing.contract import RAW_SCHEMA, TableSpec, read_table_specs
from b2b_ops.landing.files import StructuralBreakError, TablePlan, check_landing
from b2b_ops.landing.loader import (
    LEDGER,
    LOADER_COLUMNS,
    REFRESH_STATE,
    REMOVED_DAYS,
    LoadResult,
    connect,
    describe,
    load_landing,
)

__all__ = [
    "LEDGER",
    "LOADER_COLUMNS",
    "RAW_SCHEMA",
    "REFRESH_STATE",
    "REMOVED_DAYS",
    "LoadResult",
    "StructuralBreakError",
    "TablePlan",
    "TableSpec",
    "check_landing",
    "connect",
    "describe",
    "load_landing",
    "read_table_specs",
]
