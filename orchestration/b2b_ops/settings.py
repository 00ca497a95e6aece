"""Run settings, resolved once from environment variables with defaults.

The environment variables are a public interface (see the data contract):
B2B_OPS_LANDING_DIR, B2B_OPS_AS_OF_DATE, B2B_OPS_WAREHOUSE, B2B_OPS_VARS.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEFAULT_LANDING_DIR = PROJECT_DIR / "data" / "demo" / "landing"
DEFAULT_TRUTH_DIR = PROJECT_DIR / "data" / "demo" / "ground_truth"
DEFAULT_WAREHOUSE = PROJECT_DIR / "warehouse" / "b2b_ops.duckdb"
PUBLISHED_FILE_NAME = "b2b_ops.duckdb"


class SettingsError(ValueError):
    """A setting has a value the project cannot use; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    warehouse_path: Path
    as_of_date: dt.date
    dbt_vars: dict = field(default_factory=dict)
    publish_dir: Path | None = None

    @property
    def published_path(self) -> Path:
        """The read-only copy of the marts that BI tools open."""
        directory = self.publish_dir or self.warehouse_path.parent / "published"
        return directory / PUBLISHED_FILE_NAME

    def vars_for_dbt(self) -> dict:
        """The --vars dict for dbt: user vars on top, the as-of date always set."""
        merged = dict(self.dbt_vars)
        merged["as_of_date"] = self.as_of_date.isoformat()
        return merged


def parse_as_of_date(text: str | None) -> dt.date:
    if not text:
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
    return parsed


def _path_from_env(name: str, default: Path | None) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser().resolve() if value else default


def from_environment() -> Settings:
    return Settings(
        landing_dir=_path_from_env("B2B_OPS_LANDING_DIR", DEFAULT_LANDING_DIR),
        warehouse_path=_path_from_env("B2B_OPS_WAREHOUSE", DEFAULT_WAREHOUSE),
        as_of_date=parse_as_of_date(os.environ.get("B2B_OPS_AS_OF_DATE")),
        dbt_vars=parse_vars(os.environ.get("B2B_OPS_VARS")),
        publish_dir=_path_from_env("B2B_OPS_PUBLISH_DIR", None),
    )


def to_environment(settings: Settings) -> dict[str, str]:
    """The environment variables that reproduce these settings in another step or process."""
    environment = {
        "B2B_OPS_LANDING_DIR": str(settings.landing_dir),
        "B2B_OPS_WAREHOUSE": str(settings.warehouse_path),
        "B2B_OPS_AS_OF_DATE": settings.as_of_date.isoformat(),
        "B2B_OPS_VARS": json.dumps(settings.dbt_vars) if settings.dbt_vars else "",
    }
    if settings.publish_dir:
        environment["B2B_OPS_PUBLISH_DIR"] = str(settings.publish_dir)
    return environment
