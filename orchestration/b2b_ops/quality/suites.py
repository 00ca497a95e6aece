"""Read the expectation suites (suites/<layer>/<table>.yml) into plain records.

A suite file names the table it checks and lists its expectations; each
expectation is a Great Expectations expectation type with its arguments,
plus `severity` (blocking or warn), `why`, `frame` (what it runs on: `rows`
by default) and `min_rows` (optional: the fewest rows the frame needs before
the expectation means anything; a share of a handful of rows says nothing
about an export, so with fewer rows it is not checked).
Reading a suite does not import Great Expectations (it is slow to import, and
the Dagster definitions read every suite when they load); the expectation
arguments are checked when the suite runs, and by the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SUITES_DIR = Path(__file__).resolve().parent / "suites"
SEVERITIES = ("blocking", "warn")
# Frames every suite has: `rows` (the table, or a random sample of a landing
# table) and, for landing tables, `table_stats` (one row of figures computed
# in DuckDB over the whole table: see validate.TABLE_STATS_SQL).
BUILT_IN_FRAMES = ("rows", "table_stats")
LANDING_SCHEMA = "raw"
EXPECTATION_KEYS = ("type", "severity", "why", "frame", "min_rows")


class SuiteError(ValueError):
    """A suite file cannot be used; the message names the file, the expectation and the fix."""


@dataclass(frozen=True)
class Expectation:
    number: int  # 1-based position in the file, for messages
    type: str  # e.g. expect_column_values_to_be_between
    severity: str  # blocking or warn
    why: str
    frame: str  # rows, table_stats or a query name
    arguments: dict[str, Any]
    min_rows: int = 0  # fewer rows in the frame: not checked

    def describe(self) -> str:
        """The expectation in one line: type(argument=value, ...)."""
        shown = ", ".join(f"{name}={value!r}" for name, value in self.arguments.items())
        return f"{self.type}({shown})"


@dataclass(frozen=True)
class Suite:
    path: Path
    asset_key: tuple[str, ...]
    table: str
    expectations: tuple[Expectation, ...]
    sample_rows: int | None = None
    key_columns: tuple[str, ...] = ()
    queries: dict[str, str] = field(default_factory=dict)

    @property
    def is_landing(self) -> bool:
        return self.table.split(".")[0] == LANDING_SCHEMA

    @property
    def landing_name(self) -> str:
        """system/table, as raw._landing_loads names a landing table."""
        return "/".join(self.asset_key)

    def with_severity(self, severity: str) -> list[Expectation]:
        return [
            expectation for expectation in self.expectations if expectation.severity == severity
        ]


def _fail(path: Path, message: str, number: int | None = None) -> SuiteError:
    where = f"{path}, expectation {number}" if number else str(path)
    return SuiteError(f"{where}: {message}")


def _read_expectation(path: Path, number: int, entry: Any, frames: set[str]) -> Expectation:
    if not isinstance(entry, dict):
        raise _fail(path, "each expectation must be a mapping with type, severity and why.", number)
    odd = [key for key in entry if not isinstance(key, str)]
    if odd:
        # YAML reads a bare on, yes or no key as a boolean.
        raise _fail(
            path, f"key {odd[0]!r} is not a name; quote it, or use frame: instead of on:.", number
        )
    missing = [key for key in ("type", "severity", "why") if not entry.get(key)]
    if missing:
        raise _fail(path, f"{entry.get('type', '?')}: {', '.join(missing)} missing.", number)
    type_name = str(entry["type"])
    if not type_name.startswith("expect_"):
        raise _fail(
            path,
            f"type {type_name!r} is not a Great Expectations expectation "
            "(e.g. expect_column_values_to_be_between).",
            number,
        )
    if entry["severity"] not in SEVERITIES:
        raise _fail(
            path, f"{type_name}: severity {entry['severity']!r} must be blocking or warn.", number
        )
    frame = entry.get("frame", "rows")
    if frame not in frames:
        raise _fail(
            path,
            f"{type_name}: frame {frame!r} is not a frame of this suite; use one of: "
            f"{', '.join(sorted(frames))}.",
            number,
        )
    min_rows = entry.get("min_rows", 0)
    if not isinstance(min_rows, int) or isinstance(min_rows, bool) or min_rows < 0:
        raise _fail(
            path, f"{type_name}: min_rows {min_rows!r} must be a whole number >= 0.", number
        )
    arguments = {key: value for key, value in entry.items() if key not in EXPECTATION_KEYS}
    return Expectation(
        number, type_name, entry["severity"], entry["why"], frame, arguments, min_rows
    )


def load_suite(path: Path) -> Suite:
    """Read one suite file; a SuiteError names the file (and the expectation) when it is malformed."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise _fail(path, f"not valid YAML ({error}).") from error
    if not isinstance(document, dict):
        raise _fail(path, "a suite is a mapping with asset, table and expectations.")
    missing = [key for key in ("asset", "table", "expectations") if not document.get(key)]
    if missing:
        raise _fail(path, f"{', '.join(missing)} missing.")
    queries = document.get("queries") or {}
    frames = {"rows", *queries}
    is_landing = str(document["table"]).split(".")[0] == LANDING_SCHEMA
    if is_landing:
        if not document.get("sample_rows") or not document.get("key_columns"):
            raise _fail(path, "a landing suite needs sample_rows and key_columns.")
        frames.add("table_stats")
    clash = set(queries) & set(BUILT_IN_FRAMES)
    if clash:
        raise _fail(path, f"query name {sorted(clash)[0]!r} is reserved; rename the query.")
    expectations = tuple(
        _read_expectation(path, number, entry, frames)
        for number, entry in enumerate(document["expectations"], start=1)
    )
    return Suite(
        path=path,
        asset_key=tuple(str(document["asset"]).split("/")),
        table=str(document["table"]),
        expectations=expectations,
        sample_rows=document.get("sample_rows"),
        key_columns=tuple(document.get("key_columns") or ()),
        queries=dict(queries),
    )


def load_suites(directory: Path = SUITES_DIR) -> list[Suite]:
    """Every suite under the folder (landing/ and marts/), in file-name order."""
    suites = [load_suite(path) for path in sorted(directory.glob("*/*.yml"))]
    seen: dict[tuple[str, ...], Path] = {}
    for suite in suites:
        if suite.asset_key in seen:
            raise _fail(
                suite.path,
                f"asset {'/'.join(suite.asset_key)} already has a suite in {seen[suite.asset_key]}; "
                "keep one suite per asset.",
            )
        seen[suite.asset_key] = suite.path
    return suites
