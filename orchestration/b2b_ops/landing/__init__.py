"""Landing: the contract read from the dbt sources files, the structural
checks of a landing folder, and the loader into the `raw` schema."""

from b2b_ops.landing.contract import RAW_SCHEMA, TableSpec, read_table_specs
from b2b_ops.landing.files import StructuralBreakError, check_landing
from b2b_ops.landing.loader import LOADER_COLUMNS, LoadResult, describe, load_landing

__all__ = [
    "LOADER_COLUMNS",
    "RAW_SCHEMA",
    "LoadResult",
    "StructuralBreakError",
    "TableSpec",
    "check_landing",
    "describe",
    "load_landing",
    "read_table_specs",
]
