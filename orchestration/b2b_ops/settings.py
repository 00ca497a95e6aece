"""The run settings: the one module that reads the environment, and the one
place that holds every default.

`from_environment()` builds them once into a Dagster resource, `Settings`,
that the assets, the schedules and the sensor receive. A variable that is
set becomes an `EnvVar` (Dagster reads it again in the process that runs
the job, and the UI shows where the value comes from); an unset one takes
the default declared on the field below. No code writes the environment:
dbt gets the warehouse file and DuckDB's memory cap as vars (see
`dbt_runner.connection_vars` and profiles.yml).

The environment variables are a public interface (see the README):
B2B_OPS_LANDING_DIR, B2B_OPS_AS_OF_DATE, B2B_OPS_WAREHOUSE, B2B_OPS_VARS,
B2B_OPS_PUBLISH_DIR, B2B_OPS_DUCKDB_MEMORY_LIMIT, B2B_OPS_DUCKDB_THREADS,
B2B_OPS_DUCKDB_TEMP_DIR, B2B_OPS_QUALITY_SUITES_DIR, B2B_OPS_DAILY_REFRESH_CRON,
B2B_OPS_QUARTERLY_RETIERING_CRON, B2B_OPS_EVENT_PARTITIONS_START,
B2B_OPS_PAST_AS_OF_PUBLISH, B2B_OPS_LOG_LEVEL, B2B_OPS_TARGET and
B2B_OPS_SPARK_WAREHOUSE.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import yaml
from dagster import ConfigurableResource, EnvVar
from pydantic import Field

from b2b_ops.dbt_runner import CONNECTION_VARS, connection_vars
from b2b_ops.quality.suites import SUITES_DIR

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEMO_DIR = PROJECT_DIR / "data" / "demo"
DEFAULT_LANDING_DIR = DEMO_DIR / "landing"
DEFAULT_TRUTH_DIR = DEMO_DIR / "ground_truth"
PUBLISHED_FILE_NAME = "b2b_ops.duckdb"
LOG_LEVELS = ("info", "debug")
# Where a build at an as-of date before the published copy's goes: beside
# it (published/as_of_<date>/), or over it.
PAST_AS_OF_PUBLISH_CHOICES = ("aside", "replace")
# The engines dbt builds on: profiles.yml's outputs of the same names.
TARGETS = ("duckdb", "spark")

# Each setting's environment variable.
VARIABLES = {
    "landing_dir": "B2B_OPS_LANDING_DIR",
    "as_of_date": "B2B_OPS_AS_OF_DATE",
    "warehouse": "B2B_OPS_WAREHOUSE",
    "dbt_vars": "B2B_OPS_VARS",
    "publish_dir": "B2B_OPS_PUBLISH_DIR",
    "duckdb_memory_limit": "B2B_OPS_DUCKDB_MEMORY_LIMIT",
    "duckdb_threads": "B2B_OPS_DUCKDB_THREADS",
    "duckdb_temp_dir": "B2B_OPS_DUCKDB_TEMP_DIR",
    "quality_suites_dir": "B2B_OPS_QUALITY_SUITES_DIR",
    "daily_refresh_cron": "B2B_OPS_DAILY_REFRESH_CRON",
    "quarterly_retiering_cron": "B2B_OPS_QUARTERLY_RETIERING_CRON",
    "event_partitions_start": "B2B_OPS_EVENT_PARTITIONS_START",
    "log_level": "B2B_OPS_LOG_LEVEL",
    "past_as_of_publish": "B2B_OPS_PAST_AS_OF_PUBLISH",
    "target": "B2B_OPS_TARGET",
    "spark_warehouse": "B2B_OPS_SPARK_WAREHOUSE",
}


class SettingsError(ValueError):
    """A setting has a value the project cannot use; the message says which and how to fix it."""


class Settings(ConfigurableResource):
    """Where a refresh reads and writes, the date it computes at, and the knobs
    around it. Fields hold the text of the environment variable (or the
    default); the properties below parse it."""

    landing_dir: str = Field(
        default=str(DEFAULT_LANDING_DIR),
        description="B2B_OPS_LANDING_DIR: landing folder, <system>/<table>.csv|parquet",
    )
    as_of_date: str = Field(
        default="", description="B2B_OPS_AS_OF_DATE: YYYY-MM-DD; empty means today (UTC)"
    )
    warehouse: str = Field(
        default=str(PROJECT_DIR / "warehouse" / "b2b_ops.duckdb"),
        description="B2B_OPS_WAREHOUSE: the DuckDB file the refresh builds",
    )
    dbt_vars: str = Field(
        default="", description="B2B_OPS_VARS: dbt vars (YAML or JSON) over dbt_project.yml's"
    )
    publish_dir: str = Field(
        default="",
        description="B2B_OPS_PUBLISH_DIR: folder of the read-only copy; empty means "
        "published/ beside the warehouse",
    )
    # 2.5GB keeps a refresh at size L (50 M events) under 4 GiB of peak
    # memory: DuckDB spills to disk beyond its cap, and at the peak (the
    # events' staging in dbt) the Dagster process still holds some 0.7 GiB
    # from landing (a traced full refresh at L: 3.9 GiB with 3GB).
    duckdb_memory_limit: str = Field(
        default="2.5GB", description="B2B_OPS_DUCKDB_MEMORY_LIMIT: DuckDB's memory cap"
    )
    duckdb_threads: str = Field(
        default="",
        description="B2B_OPS_DUCKDB_THREADS: DuckDB's threads; empty means one per CPU core",
    )
    duckdb_temp_dir: str = Field(
        default="",
        description="B2B_OPS_DUCKDB_TEMP_DIR: where DuckDB spills beyond its memory cap; "
        "empty means <warehouse>.tmp beside the warehouse",
    )
    quality_suites_dir: str = Field(
        default=str(SUITES_DIR),
        description="B2B_OPS_QUALITY_SUITES_DIR: Great Expectations suites (landing/, marts/)",
    )
    daily_refresh_cron: str = Field(
        default="0 6 * * *", description="B2B_OPS_DAILY_REFRESH_CRON: daily_refresh (UTC)"
    )
    quarterly_retiering_cron: str = Field(
        default="0 5 1 1,4,7,10 *",
        description="B2B_OPS_QUARTERLY_RETIERING_CRON: quarterly_retiering (UTC)",
    )
    event_partitions_start: str = Field(
        default="2020-01-01",
        description="B2B_OPS_EVENT_PARTITIONS_START: first day of the daily partitions of the "
        "event models (YYYY-MM-DD)",
    )
    log_level: str = Field(
        default="info",
        description="B2B_OPS_LOG_LEVEL: info (progress and summary) or debug (the full log)",
    )
    past_as_of_publish: str = Field(
        default="aside",
        description="B2B_OPS_PAST_AS_OF_PUBLISH: a build at an as-of date before the published "
        "copy's publishes aside (published/as_of_<date>/, the copy BI tools read is kept) or "
        "replace (over it)",
    )
    target: str = Field(
        default="duckdb",
        description="B2B_OPS_TARGET: the engine dbt builds on, duckdb or spark (docs/spark.md)",
    )
    spark_warehouse: str = Field(
        default="",
        description="B2B_OPS_SPARK_WAREHOUSE: Spark's folder (its tables, metastore and the "
        "landed Parquet) on the spark target; empty means spark/ beside the warehouse",
    )

    @property
    def landing_path(self) -> Path:
        return _path(self.landing_dir)

    @property
    def warehouse_path(self) -> Path:
        return _path(self.warehouse)

    @property
    def as_of(self) -> dt.date:
        return parse_as_of_date(self.as_of_date)

    @property
    def published_path(self) -> Path:
        """The read-only copy of the marts that BI tools open."""
        folder = _path(self.publish_dir) if self.publish_dir.strip() else None
        return (folder or self.warehouse_path.parent / "published") / PUBLISHED_FILE_NAME

    @property
    def threads(self) -> int:
        text = self.duckdb_threads.strip()
        if not text:
            return os.cpu_count() or 1
        if not text.isdigit() or int(text) < 1:
            raise SettingsError(
                f"B2B_OPS_DUCKDB_THREADS={self.duckdb_threads!r}: use a whole number of "
                "threads, e.g. 2, or leave it empty for one per CPU core"
            )
        return int(text)

    @property
    def temp_directory(self) -> Path:
        return (
            _path(self.duckdb_temp_dir)
            if self.duckdb_temp_dir.strip()
            else self.warehouse_path.with_name(self.warehouse_path.name + ".tmp")
        )

    @property
    def partitions_start(self) -> dt.date:
        try:
            return dt.date.fromisoformat(self.event_partitions_start.strip())
        except ValueError as error:
            raise SettingsError(
                f"B2B_OPS_EVENT_PARTITIONS_START={self.event_partitions_start!r} is not a date: "
                "use YYYY-MM-DD, e.g. 2020-01-01"
            ) from error

    @property
    def duckdb_config(self) -> dict[str, str | int]:
        """DuckDB's settings for every connection that writes the warehouse."""
        return {
            "memory_limit": self.duckdb_memory_limit,
            "threads": self.threads,
            "temp_directory": str(self.temp_directory),
        }

    @property
    def truth_path(self) -> Path | None:
        """The demo's ground truth beside the landing folder, if there is one."""
        return truth_dir_beside(self.landing_path)

    @property
    def past_as_of(self) -> str:
        choice = self.past_as_of_publish.strip().lower()
        if choice not in PAST_AS_OF_PUBLISH_CHOICES:
            raise SettingsError(
                f"B2B_OPS_PAST_AS_OF_PUBLISH={self.past_as_of_publish!r}: use one of "
                f"{', '.join(PAST_AS_OF_PUBLISH_CHOICES)}"
            )
        return choice

    @property
    def dbt_target(self) -> str:
        """The profile's output every dbt run of a refresh uses (dbt's --target)."""
        choice = self.target.strip().lower()
        if choice not in TARGETS:
            raise SettingsError(f"B2B_OPS_TARGET={self.target!r}: use one of {', '.join(TARGETS)}")
        return choice

    @property
    def is_spark(self) -> bool:
        return self.dbt_target == "spark"

    @property
    def spark_path(self) -> Path:
        """Spark's folder: tables/ (dbt's tables), metastore_db/, landed/ (raw and ml as Parquet)."""
        if self.spark_warehouse.strip():
            return _path(self.spark_warehouse)
        return self.warehouse_path.parent / "spark"

    @property
    def suites_path(self) -> Path:
        return _path(self.quality_suites_dir)

    @property
    def is_verbose(self) -> bool:
        level = self.log_level.strip().lower()
        if level not in LOG_LEVELS:
            raise SettingsError(
                f"B2B_OPS_LOG_LEVEL={self.log_level!r}: use one of {', '.join(LOG_LEVELS)}"
            )
        return level == "debug"

    def vars_for_dbt(self) -> dict:
        """dbt's --vars: the user's vars, the as-of date, and the connection
        (the warehouse file and the memory cap, which profiles.yml reads)."""
        spark = {"b2b_ops_spark_warehouse": str(self.spark_path)} if self.is_spark else {}
        return {
            **parse_vars(self.dbt_vars),
            "as_of_date": self.as_of.isoformat(),
            **connection_vars(self.warehouse_path, self.duckdb_config),
            **spark,
        }

    def check(self) -> Settings:
        """Parse every setting once, so a bad value fails before any work starts."""
        self.vars_for_dbt()
        _ = self.is_verbose, self.partitions_start
        _ = self.past_as_of, self.dbt_target
        return self


def _path(text: str) -> Path:
    return Path(text.strip()).expanduser().resolve()


def truth_dir_beside(landing_path: Path) -> Path | None:
    """The ground-truth folder the demo generator writes beside its landing
    folder (data/demo/landing -> data/demo/ground_truth), when it holds the
    planted accounts; None for any other landing folder."""
    truth_dir = landing_path.parent / DEFAULT_TRUTH_DIR.name
    return truth_dir if (truth_dir / "accounts.csv").is_file() else None


def parse_as_of_date(text: str | None) -> dt.date:
    if not text or not text.strip():
        return dt.datetime.now(dt.UTC).date()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as error:
        raise SettingsError(
            f"B2B_OPS_AS_OF_DATE={text!r} is not a date: use YYYY-MM-DD, e.g. 2026-06-30"
        ) from error


def parse_vars(text: str | None) -> dict:
    """Parse B2B_OPS_VARS, YAML or JSON like dbt's --vars."""
    if not text or not text.strip():
        return {}
    try:
        parsed = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise SettingsError(
            f"B2B_OPS_VARS is neither YAML nor JSON ({error}); "
            "example: B2B_OPS_VARS='{\"churn_no_login_days\": 15}'"
        ) from error
    if not isinstance(parsed, dict):
        raise SettingsError(
            f"B2B_OPS_VARS must be a mapping of var names to values, got {json.dumps(parsed)}"
        )
    if "as_of_date" in parsed:
        raise SettingsError("set the as-of date with B2B_OPS_AS_OF_DATE, not in B2B_OPS_VARS")
    taken = sorted(set(parsed) & set(CONNECTION_VARS))
    if taken:
        raise SettingsError(
            f"B2B_OPS_VARS sets {taken[0]}, which the project sets from "
            f"{CONNECTION_VARS[taken[0]]}: set that variable instead"
        )
    return parsed


def from_environment(**overrides: str) -> Settings:
    """The settings from the environment: a set variable as an EnvVar, an
    unset (or blank) one as the field's default; `overrides` replace both."""
    values: dict[str, str | EnvVar] = {
        field: EnvVar(variable)
        for field, variable in VARIABLES.items()
        if os.environ.get(variable, "").strip()
    }
    return Settings(**{**values, **overrides})


def resolved(settings: Settings) -> Settings:
    """The settings with every EnvVar read, checked (raises SettingsError)."""
    return settings.process_config_and_initialize().check()


def dagster_home() -> Path | None:
    """$DAGSTER_HOME, where Dagster records runs (make sets it), or None."""
    home = os.environ.get("DAGSTER_HOME", "").strip()
    return Path(home) if home else None


def dbt_target_path() -> Path:
    """dbt's artifacts folder: $DBT_TARGET_PATH (dbt's own variable), else target/."""
    return Path(os.environ.get("DBT_TARGET_PATH", "").strip() or "target")


def dagster_dbt_target_path() -> Path:
    """Dagster's dbt manifest and its runs' folders: apart from what dbt run by
    hand writes, so one never reads the other's half-written files."""
    return dbt_target_path() / "dagster"


def dbt_run_target_path(run_id: str) -> Path:
    """The folder the dbt runs of one Dagster run share: the first run's
    parse, which the others reuse, and the compiled SQL."""
    return PROJECT_DIR / dagster_dbt_target_path() / f"refresh-{run_id[:8]}"
