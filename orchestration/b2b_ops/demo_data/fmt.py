"""Turn numpy columns into Arrow string columns in the landing formats.

Every landing column is text. Arrow's compute kernels do the formatting in C++,
which keeps 50 million events affordable. A False in `valid` makes a blank.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from b2b_ops.demo_data.config import ID_FORMAT


def _mask(valid: np.ndarray | None) -> np.ndarray | None:
    return None if valid is None else ~np.asarray(valid, dtype=bool)


def ids(prefix: str, numbers: np.ndarray, width: int, valid: np.ndarray | None = None) -> pa.Array:
    """`acc_000123`: prefix, underscore, zero-padded number."""
    digits = pa.array(np.asarray(numbers, dtype=np.int64), mask=_mask(valid)).cast(pa.string())
    return pc.binary_join_element_wise(f"{prefix}_", pc.utf8_lpad(digits, width, "0"), "")


def key_ids(table: str, numbers: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """The ids of `table`'s rows numbered `numbers` (1-based), in its ID_FORMAT."""
    prefix, width = ID_FORMAT[table]
    return ids(prefix, numbers, width, valid)


def timestamps(seconds: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """`YYYY-MM-DDTHH:MM:SSZ` from seconds since the epoch (UTC)."""
    instants = pa.array(
        np.asarray(seconds, dtype=np.int64).astype("datetime64[s]"), mask=_mask(valid)
    )
    text = pc.utf8_replace_slice(instants.cast(pa.string()), 10, 11, "T")
    return pc.binary_join_element_wise(text, "Z", "")


def dates(days: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """`YYYY-MM-DD` from days since the epoch."""
    calendar_days = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    return pa.array(calendar_days, mask=_mask(valid)).cast(pa.string())


def integers(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    return pa.array(np.asarray(values, dtype=np.int64), mask=_mask(valid)).cast(pa.string())


def money(cents: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """`1234.50` from integer cents (amounts are never negative in clean data)."""
    cents = np.asarray(cents, dtype=np.int64)
    units = integers(cents // 100, valid)
    fraction = pc.utf8_lpad(integers(cents % 100, valid), 2, "0")
    return pc.binary_join_element_wise(units, fraction, ".")


def labels(values: Sequence[str], codes: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Category text from integer codes into `values`."""
    indices = pa.array(np.asarray(codes, dtype=np.int64), mask=_mask(valid))
    return pc.take(pa.array(list(values), type=pa.string()), indices)


def text(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Free text from a numpy array of str (or object)."""
    return pa.array(np.asarray(values, dtype=object), type=pa.string(), mask=_mask(valid))


def blank(n: int) -> pa.Array:
    return pa.nulls(n, type=pa.string())


def table(columns: dict[str, pa.Array], order: Sequence[str]) -> pa.Table:
    """An all-string table with exactly the contract's columns in its order."""
    missing = set(order) - set(columns)
    extra = set(columns) - set(order)
    if missing or extra:
        raise ValueError(
            f"columns do not match the contract: missing {sorted(missing)}, extra {sorted(extra)}"
        )
    schema = pa.schema([pa.field(name, pa.string()) for name in order])
    return pa.Table.from_arrays([columns[name] for name in order], schema=schema)
