"""Shared by the reliability tests (test_reliability_*.py): the fast/long
knob, building through the real refresh, per-mart checksums of the published
copy, the landing reconciliation, and the figures `make reliability` prints.

One knob selects the scale, so the same test code serves both:
B2B_OPS_RELIABILITY_LEVEL=fast (the default, `make test`: the hand-made
landing folder, 3 kills, 2 fuzz examples) or long (`make reliability`: demo
data, more kills at random delays, more fuzz examples). With
B2B_OPS_RELIABILITY_REPORT=<file> each case appends its figures to that file
as JSON lines; `python tests/python/reliability.py <file>` prints the table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import yaml

from b2b_ops.settings import PROJECT_DIR, PUBLISHED_FILE_NAME
from conftest import HANDMADE_AS_OF, run_cli


@dataclass(frozen=True)
class Scale:
    demo_size: str | None  # None: the hand-made landing folder
    kills: int
    random_kill_delays: bool
    fuzz_examples: int


SCALES = {
    "fast": Scale(demo_size=None, kills=3, random_kill_delays=False, fuzz_examples=1),
    "long": Scale(demo_size="S", kills=6, random_kill_delays=True, fuzz_examples=8),
}
LEVEL = os.environ.get("B2B_OPS_RELIABILITY_LEVEL", "fast").strip().lower() or "fast"
if LEVEL not in SCALES:
    raise ValueError(f"B2B_OPS_RELIABILITY_LEVEL={LEVEL!r}: use one of {', '.join(SCALES)}")
SCALE = SCALES[LEVEL]
DEMO_AS_OF = dt.date(2026, 6, 30)
DEMO_SEED = 42
# The shared build reference_build reads at this level, named in each
# module's marks so the background makes it (conftest.needs) instead of the
# first test that asks for it.
REFERENCE_FIXTURES = ["handmade_build"] if SCALE.demo_size is None else []


@dataclass(frozen=True)
class Build:
    landing: Path
    warehouse: Path
    as_of: dt.date

    @property
    def published(self) -> Path:
        return self.warehouse.parent / "published" / PUBLISHED_FILE_NAME


def refresh_env(landing: Path, warehouse: Path, as_of: dt.date) -> dict[str, str]:
    return {
        "B2B_OPS_LANDING_DIR": str(landing),
        "B2B_OPS_AS_OF_DATE": as_of.isoformat(),
        "B2B_OPS_WAREHOUSE": str(warehouse),
        # The published copy sits beside the warehouse (the default), so a
        # copied warehouse folder carries its own published copy.
        "B2B_OPS_PUBLISH_DIR": "",
    }


def refresh(build: Build) -> subprocess.CompletedProcess:
    """`b2b-ops build` (the `make build` path) on this landing folder and warehouse."""
    return run_cli(["build"], refresh_env(build.landing, build.warehouse, build.as_of))


def assert_refreshed(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def reference_build(request, tmp_path_factory) -> Build:
    """A good build at this level's scale: the session's hand-made build
    (fast), or demo data of size SCALE.demo_size built once (long)."""
    if SCALE.demo_size is None:
        handmade = request.getfixturevalue("handmade_build")
        return Build(handmade["landing"], handmade["warehouse"], HANDMADE_AS_OF)
    return _demo_build(tmp_path_factory)


_demo_builds: dict[str, Build] = {}


def _demo_build(tmp_path_factory) -> Build:
    if SCALE.demo_size not in _demo_builds:
        from b2b_ops.cli import DEMO_DIRTY_RATE
        from b2b_ops.demo_data import generate

        root = tmp_path_factory.mktemp(f"reliability_demo_{SCALE.demo_size}")
        build = Build(root / "landing", root / "warehouse" / "w.duckdb", DEMO_AS_OF)
        generate(
            size=SCALE.demo_size,
            seed=DEMO_SEED,
            as_of=DEMO_AS_OF,
            landing_dir=build.landing,
            truth_dir=root / "ground_truth",
            file_format="csv",
            dirty_rate=DEMO_DIRTY_RATE,
        )
        assert_refreshed(refresh(build))
        _demo_builds[SCALE.demo_size] = build
    return _demo_builds[SCALE.demo_size]


def copy_build(build: Build, target: Path, landing: Path | None = None) -> Build:
    """A copy of a build's warehouse and published copy, to mutate or kill runs in."""
    shutil.copytree(build.warehouse.parent, target / "warehouse")
    return Build(landing or build.landing, target / "warehouse" / build.warehouse.name, build.as_of)


def copy_landing(build: Build, target: Path) -> Path:
    shutil.copytree(build.landing, target)
    return target


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def opens_read_only(published: Path) -> bool:
    """A BI tool can open the published copy read-only and read every mart."""
    try:
        with duckdb.connect(str(published), read_only=True) as connection:
            tables = connection.execute(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
            for schema, table in tables:
                connection.execute(f'select count(*) from "{schema}"."{table}"').fetchall()
        return bool(tables)
    except duckdb.Error:
        return False


@dataclass(frozen=True)
class Counts:
    landed: int
    staged: int
    quarantined: int

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.landed + other.landed,
            self.staged + other.staged,
            self.quarantined + other.quarantined,
        )


NO_ROWS = Counts(0, 0, 0)


def reconciliation(warehouse: Path) -> dict[str, Counts]:
    """Rows landed, staged and quarantined per landing table, from quarantine.landing_reconciliation."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute(
            "select source_table, rows_landed, rows_staged, rows_quarantined "
            "from quarantine.landing_reconciliation order by source_table"
        ).fetchall()
    return {
        table: Counts(landed, staged, quarantined) for table, landed, staged, quarantined in rows
    }


def total(counts: dict[str, Counts]) -> Counts:
    return sum(counts.values(), NO_ROWS)


def contract_columns() -> dict[str, list[str]]:
    """Each published mart's columns as its enforced contract declares them
    (models/marts/*/_*.yml and the final layer's models/playbook/marts/_*.yml)."""
    contracts = {}
    models_files = [
        *(PROJECT_DIR / "models" / "marts").glob("*/_*.yml"),
        *(PROJECT_DIR / "models" / "playbook" / "marts").glob("_*.yml"),
    ]
    for models_file in sorted(models_files):
        document = yaml.safe_load(models_file.read_text(encoding="utf-8")) or {}
        for model in document.get("models", []):
            contracts[model["name"]] = [column["name"] for column in model.get("columns", [])]
    return contracts


def published_columns(published: Path) -> dict[str, list[str]]:
    with duckdb.connect(str(published), read_only=True) as connection:
        rows = connection.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = 'marts' order by table_name, ordinal_position"
        ).fetchall()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    return columns


@dataclass(frozen=True)
class CaseFigures:
    case: str
    tried: int
    failures: int
    landed: int
    staged: int
    quarantined: int
    published_intact: bool


def record(figures: CaseFigures) -> None:
    """Append a case's figures to $B2B_OPS_RELIABILITY_REPORT, when set."""
    report = os.environ.get("B2B_OPS_RELIABILITY_REPORT")
    if report:
        with open(report, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"level": LEVEL, **asdict(figures)}) + "\n")


@dataclass
class Case:
    """A case's figures, filled in by the test as it runs."""

    name: str
    tried: int = 0
    failures: int = 0
    counts: Counts = NO_ROWS
    published_intact: bool = True


@contextmanager
def recorded(name: str) -> Iterator[Case]:
    """Record the case's figures however the test ends; a raised error counts as a failure."""
    case = Case(name)
    try:
        yield case
    except BaseException:
        case.tried = max(case.tried, 1)
        case.failures = max(case.failures, 1)
        raise
    finally:
        record(
            CaseFigures(
                case=case.name,
                tried=case.tried,
                failures=case.failures,
                landed=case.counts.landed,
                staged=case.counts.staged,
                quarantined=case.counts.quarantined,
                published_intact=case.published_intact,
            )
        )


def format_report(lines: list[str]) -> str:
    entries = [json.loads(line) for line in lines if line.strip()]
    header = ("case", "tried", "failures", "landed", "staged", "quarantined", "published intact")
    rows = [
        (
            entry["case"],
            f"{entry['tried']:,}",
            f"{entry['failures']:,}",
            f"{entry['landed']:,}",
            f"{entry['staged']:,}",
            f"{entry['quarantined']:,}",
            "yes" if entry["published_intact"] else "NO",
        )
        for entry in entries
    ]
    if entries:
        rows.append(
            (
                "total",
                f"{sum(entry['tried'] for entry in entries):,}",
                f"{sum(entry['failures'] for entry in entries):,}",
                "",
                "",
                "",
                "yes" if all(entry["published_intact"] for entry in entries) else "NO",
            )
        )
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    formatted = [
        " | ".join(
            str(cell).ljust(width) if i == 0 else str(cell).rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        for row in [header, *rows]
    ]
    formatted.insert(1, "-+-".join("-" * width for width in widths))
    level = entries[0]["level"] if entries else LEVEL
    return f"reliability report ({level})\n" + "\n".join(formatted)


if __name__ == "__main__":
    report_path = Path(sys.argv[1])
    report_lines = (
        report_path.read_text(encoding="utf-8").splitlines() if report_path.exists() else []
    )
    print(format_report(report_lines))
