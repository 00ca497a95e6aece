"""The demo's events as daily deliveries, and "the next day".

With `--deliveries daily` the generator writes product/events as a folder of
daily files (b2b_ops.demo_data.writer). `hold_back` then keeps the last days'
files out of the landing folder, in `<next days>/<YYYY-MM-DD>/`, each with a
few late rows taken out of an earlier day's file (an event that reaches the
export days after it happened); `deliver_next_day` moves the earliest of them
into the landing folder, as the next morning's delivery. The landing folder
plus every held-back day holds exactly the rows the generator made, so a
refresh after each delivery can be compared with one full refresh.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from b2b_ops.demo_data.common import child_rng

# A late row reaches the export this many days after its own day ...
LATE_DAYS = 3
# ... and a held-back day's file carries this share of a day's rows as late
# rows (at least one).
LATE_ROWS_SHARE = 0.001


def read_text_table(path: Path) -> pa.Table:
    """A landing file with every column as text, blanks as nulls (as written)."""
    if path.suffix == ".parquet":
        return pq.read_table(path)
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    types = {name: pa.string() for name in header}
    return pa_csv.read_csv(
        path,
        convert_options=pa_csv.ConvertOptions(column_types=types, strings_can_be_null=True),
    )


def write_text_table(path: Path, table: pa.Table) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".parquet":
        pq.write_table(table, path, compression="zstd")
    else:
        pa_csv.write_csv(table, path)


def hold_back(
    landing_dir: Path, next_days_dir: Path, table: str, days: int, seed: int
) -> dict[str, object]:
    """Move the last `days` daily files of `table` to next_days_dir/<day>/,
    each with late rows taken from the file LATE_DAYS before it."""
    folder = landing_dir / table
    files = sorted(path for path in folder.iterdir() if path.is_file())
    if days >= len(files):
        raise ValueError(
            f"cannot hold back {days} days of {table}: it has {len(files)} daily files"
        )
    history = {path.stem: path for path in files[:-days]}
    shutil.rmtree(next_days_dir, ignore_errors=True)
    held, late_rows = [], 0
    for index, path in enumerate(files[-days:]):
        day = dt.date.fromisoformat(path.stem)
        source = history.get((day - dt.timedelta(days=LATE_DAYS)).isoformat()) or files[-days - 1]
        rows = read_text_table(source)
        rng = child_rng(seed, "deliveries", table, index)
        count = max(1, round(LATE_ROWS_SHARE * rows.num_rows))
        late = np.zeros(rows.num_rows, dtype=bool)
        late[rng.choice(rows.num_rows, size=count, replace=False)] = True
        write_text_table(source, rows.filter(pa.array(~late)))
        delivered = pa.concat_tables([read_text_table(path), rows.filter(pa.array(late))])
        target = next_days_dir / path.stem / table / path.name
        write_text_table(target, delivered)
        path.unlink()
        held.append(path.stem)
        late_rows += count
    return {"days": held, "late_rows": late_rows, "next_days_dir": str(next_days_dir)}


def deliver_next_day(next_days_dir: Path, landing_dir: Path) -> str | None:
    """Move the earliest held-back day's files into the landing folder; its
    day, or None when no day is left."""
    if not next_days_dir.is_dir():
        return None
    days = sorted(path for path in next_days_dir.iterdir() if path.is_dir())
    if not days:
        return None
    for path in sorted(days[0].rglob("*")):
        if path.is_file():
            target = landing_dir / path.relative_to(days[0])
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, target)
    shutil.rmtree(days[0])
    return days[0].name
