"""Write landing tables (CSV or Parquet, all text) and the ground-truth files."""

from __future__ import annotations

import csv
import json
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
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


class _DailyFiles:
    """A time-ordered table as a folder of daily delivery files, one per day
    of `time_column` (`<table>/<YYYY-MM-DD>.<format>`): a clean row goes to
    its own day's file; an injected row goes with the clean row before it,
    so a duplicate placed after its original may land in a later file, as a
    real export's would. Clean rows come in time order, so one file is open
    at a time."""

    def __init__(self, folder: Path, schema: pa.Schema, file_format: str, time_column: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.*"):
            old.unlink()
        self.folder, self.schema, self.file_format = folder, schema, file_format
        self.time_column = time_column
        self.day: str | None = None
        self.files: list[str] = []
        self._writer: _FileWriter | None = None

    def write(self, table: pa.Table, injected: np.ndarray) -> None:
        if table.num_rows == 0:
            return
        days = pc.utf8_slice_codeunits(table[self.time_column], 0, 10).to_numpy(
            zero_copy_only=False
        )
        delivery_days = pd.Series(np.where(injected, None, days), dtype=object)
        if self.day:
            delivery_days.iloc[0] = delivery_days.iloc[0] or self.day
        # Injected rows before the table's first clean row go with that row.
        delivery_days = delivery_days.ffill().bfill().to_numpy()
        boundaries = np.flatnonzero(delivery_days[1:] != delivery_days[:-1]) + 1
        for start, end in zip(
            np.r_[0, boundaries], np.r_[boundaries, len(delivery_days)], strict=True
        ):
            if start == end:
                continue
            self._switch_to(str(delivery_days[start]))
            self._writer.write(table.slice(start, end - start))

    def _switch_to(self, day: str) -> None:
        if day == self.day and self._writer:
            return
        self.close()
        self.day = day
        self.files.append(f"{day}.{self.file_format}")
        self._writer = _FileWriter(self.folder / self.files[-1], self.schema, self.file_format)

    def close(self) -> None:
        if self._writer:
            self._writer.close()
            self._writer = None


class LandingSink:
    """Writes every landing table, injects defects in dirty mode, keeps the manifest."""

    def __init__(
        self,
        landing_dir: Path,
        file_format: str,
        seed: int,
        dirty_rate: float,
        history_start_day: int,
        daily: dict[str, str] | None = None,
    ) -> None:
        """`daily` names the tables written as daily delivery files, each with
        the column that dates its rows (e.g. {"product/events": "occurred_at"})."""
        if file_format not in FORMATS:
            raise ValueError(f"file format must be one of {FORMATS}, got {file_format!r}")
        self.landing_dir = landing_dir
        self.file_format = file_format
        self.seed = seed
        self.dirty_rate = dirty_rate
        self.history_start_day = history_start_day
        self.daily = daily or {}
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
        if table in self.daily:
            for other in FORMATS:
                (self.landing_dir / f"{table}.{other}").unlink(missing_ok=True)
            daily = _DailyFiles(
                self.landing_dir / table, schema, self.file_format, self.daily[table]
            )
        else:
            writer = _FileWriter(self.landing_dir / self._path(table), schema, self.file_format)
        rows = 0
        for index, (chunk, share) in enumerate(zip(chunks, shares, strict=True)):
            dirty, injected = injector.inject(
                child_rng(self.seed, "dirty", table, index), chunk, share
            )
            if table in self.daily:
                daily.write(dirty, injected)
            else:
                writer.write(dirty)
            rows += dirty.num_rows
        (daily if table in self.daily else writer).close()
        self.injectors[table] = injector
        self.tables[table] = {
            "path": f"{table}/" if table in self.daily else self._path(table),
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
