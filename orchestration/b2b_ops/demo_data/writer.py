"""Write landing tables (CSV or Parquet, all text) and the ground-truth files."""

from __future__ import annotations

import csv
import json
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from b2b_ops.demo_data.common import child_rng
from b2b_ops.demo_data.dirty import Injector, planned_counts, split_counts

FORMATS = ("csv", "parquet")


class _FileWriter:
    """One landing file, written in one or more pieces."""

    def __init__(self, path: Path, schema: pa.Schema, file_format: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # A file of the same table in the other format, left by an earlier
        # run, would make the landing folder ambiguous: remove it.
        for other in FORMATS:
            if other != file_format:
                path.with_suffix(f".{other}").unlink(missing_ok=True)
        if file_format == "csv":
            # RFC 4180: header row, fields quoted where needed; nulls stay empty.
            self._writer: pa_csv.CSVWriter | pq.ParquetWriter = pa_csv.CSVWriter(str(path), schema)
        else:
            self._writer = pq.ParquetWriter(str(path), schema, compression="zstd")

    def write(self, table: pa.Table) -> None:
        self._writer.write_table(table)

    def close(self) -> None:
        self._writer.close()


class LandingSink:
    """Writes every landing table, injects defects in dirty mode, keeps the manifest."""

    def __init__(
        self,
        landing_dir: Path,
        file_format: str,
        seed: int,
        dirty_rate: float,
        history_start_day: int,
    ) -> None:
        if file_format not in FORMATS:
            raise ValueError(f"file format must be one of {FORMATS}, got {file_format!r}")
        self.landing_dir = landing_dir
        self.file_format = file_format
        self.seed = seed
        self.dirty_rate = dirty_rate
        self.history_start_day = history_start_day
        self.tables: dict[str, dict[str, object]] = {}
        self.injectors: dict[str, Injector] = {}

    def _path(self, table: str) -> str:
        return f"{table}.{self.file_format}"

    def write(self, table: str, clean: pa.Table, started: float) -> None:
        """A table built in memory."""
        self.write_chunks(table, [clean], [clean.num_rows], clean.schema, started)

    def write_chunks(
        self,
        table: str,
        chunks: Iterable[pa.Table],
        chunk_rows: Sequence[int],
        schema: pa.Schema,
        started: float,
    ) -> None:
        """A table built chunk by chunk; `chunk_rows` are the clean rows of each chunk, known up front."""
        injector = Injector(table, self.history_start_day)
        counts = planned_counts(table, sum(chunk_rows), self.dirty_rate)
        shares = split_counts(
            child_rng(self.seed, "dirty", table, "split"), counts, list(chunk_rows)
        )
        writer = _FileWriter(self.landing_dir / self._path(table), schema, self.file_format)
        rows = 0
        for index, (chunk, share) in enumerate(zip(chunks, shares, strict=True)):
            dirty = injector.inject(child_rng(self.seed, "dirty", table, index), chunk, share)
            writer.write(dirty)
            rows += dirty.num_rows
        writer.close()
        self.injectors[table] = injector
        self.tables[table] = {
            "path": self._path(table),
            "rows": rows,
            "clean_rows": int(sum(chunk_rows)),
            "injected_rows": int(sum(injector.injected.values())),
        }
        seconds = time.perf_counter() - started
        print(f"{table:<24} {rows:>11,} rows {seconds:7.1f} s", file=sys.stderr, flush=True)

    def defect_rows(self) -> list[tuple[str, str, int]]:
        """(table, defect_kind, rows_injected) for every table x applicable kind."""
        result = []
        for table, injector in self.injectors.items():
            for kind in injector.spec.kinds():
                result.append((table, kind, int(injector.injected.get(kind, 0))))
        return result


def write_csv_rows(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(header)
        out.writerows(rows)


def write_json(path: Path, payload: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, sort_keys=False) + "\n", encoding="utf-8")


def day_text(days: np.ndarray) -> list[str]:
    """`YYYY-MM-DD`, or empty for -1."""
    text = np.where(days >= 0, np.maximum(days, 0).astype("datetime64[D]").astype(str), "")
    return text.tolist()


def bool_text(values: np.ndarray) -> list[str]:
    return np.where(values, "true", "false").tolist()
