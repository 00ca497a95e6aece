"""Settings from environment variables: read once into the Dagster resource,
defaults in one place, clear errors for bad values."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from dagster import EnvVar

from b2b_ops.settings import (
    PROJECT_DIR,
    VARIABLES,
    Settings,
    SettingsError,
    from_environment,
    parse_as_of_date,
    parse_vars,
    resolved,
)


@pytest.fixture()
def clean_environment(monkeypatch):
    for variable in VARIABLES.values():
        monkeypatch.delenv(variable, raising=False)
    return monkeypatch


def test_vars_accept_yaml_and_json():
    assert parse_vars("churn_no_login_days: 15") == {"churn_no_login_days": 15}
    assert parse_vars('{"reporting_currency": "EUR"}') == {"reporting_currency": "EUR"}
    assert parse_vars("") == {}


@pytest.mark.parametrize("text", ["[1, 2]", "just text", "{unclosed: "])
def test_vars_that_are_not_a_mapping_are_refused(text):
    with pytest.raises(SettingsError, match="B2B_OPS_VARS"):
        parse_vars(text)


def test_as_of_date_cannot_hide_in_vars():
    with pytest.raises(SettingsError, match="B2B_OPS_AS_OF_DATE"):
        parse_vars("as_of_date: 2025-01-01")


def test_the_warehouse_cannot_hide_in_vars():
    with pytest.raises(
        SettingsError, match="sets b2b_ops_warehouse, which the project sets from B2B_OPS_WAREHOUSE"
    ):
        parse_vars("b2b_ops_warehouse: /tmp/other.duckdb")


def test_as_of_date_parses_or_says_how():
    assert parse_as_of_date("2025-06-30") == dt.date(2025, 6, 30)
    assert parse_as_of_date(None) == dt.datetime.now(dt.UTC).date()
    with pytest.raises(SettingsError, match="YYYY-MM-DD"):
        parse_as_of_date("30/06/2025")


def test_unset_variables_take_the_defaults(clean_environment):
    settings = resolved(from_environment())
    assert settings.warehouse_path == PROJECT_DIR / "warehouse" / "b2b_ops.duckdb"
    assert settings.landing_path == PROJECT_DIR / "data" / "demo" / "landing"
    assert settings.published_path == PROJECT_DIR / "warehouse" / "published" / "b2b_ops.duckdb"
    assert settings.as_of == dt.datetime.now(dt.UTC).date()
    assert settings.duckdb_memory_limit == "2.5GB"
    assert settings.threads == os.cpu_count()
    assert settings.temp_directory == PROJECT_DIR / "warehouse" / "b2b_ops.duckdb.tmp"
    assert not settings.is_verbose


def test_set_variables_are_env_vars_read_when_resolved(clean_environment, tmp_path):
    clean_environment.setenv("B2B_OPS_WAREHOUSE", str(tmp_path / "w.duckdb"))
    clean_environment.setenv("B2B_OPS_AS_OF_DATE", "2025-06-30")
    clean_environment.setenv("B2B_OPS_VARS", "{churn_no_login_days: 15}")
    clean_environment.setenv("B2B_OPS_PUBLISH_DIR", "  ")  # blank: the default
    settings = from_environment()
    # Dagster reads an EnvVar in the process that runs the job.
    assert isinstance(settings.warehouse, EnvVar)
    assert settings.publish_dir == ""
    values = resolved(settings)
    assert values.warehouse_path == tmp_path / "w.duckdb"
    assert values.published_path == tmp_path / "published" / "b2b_ops.duckdb"
    assert values.vars_for_dbt() == {
        "churn_no_login_days": 15,
        "as_of_date": "2025-06-30",
        "b2b_ops_warehouse": str(tmp_path / "w.duckdb"),
        "b2b_ops_duckdb_memory_limit": "2.5GB",
        "b2b_ops_duckdb_threads": str(os.cpu_count()),
        "b2b_ops_duckdb_temp_dir": str(tmp_path / "w.duckdb.tmp"),
    }


def test_overrides_win_over_the_environment(clean_environment, tmp_path):
    clean_environment.setenv("B2B_OPS_LANDING_DIR", "/somewhere/else")
    settings = resolved(from_environment(landing_dir=str(tmp_path)))
    assert settings.landing_path == tmp_path


def test_a_bad_value_fails_when_resolved_and_names_the_variable(clean_environment):
    clean_environment.setenv("B2B_OPS_AS_OF_DATE", "yesterday")
    with pytest.raises(SettingsError, match="B2B_OPS_AS_OF_DATE='yesterday'"):
        resolved(from_environment())
    clean_environment.setenv("B2B_OPS_AS_OF_DATE", "2025-06-30")
    clean_environment.setenv("B2B_OPS_LOG_LEVEL", "loud")
    with pytest.raises(SettingsError, match="B2B_OPS_LOG_LEVEL"):
        resolved(from_environment())


def test_debug_log_level_is_verbose():
    assert Settings(log_level="DEBUG").is_verbose
    assert not Settings(log_level="info").is_verbose


def test_every_setting_has_its_variable_and_a_default_only_on_the_field():
    # One table of variables, one default per field: nothing else to keep in step.
    assert set(VARIABLES) == set(Settings.model_fields)
    for field, variable in VARIABLES.items():
        assert variable.startswith("B2B_OPS_"), field
        assert variable in (Settings.model_fields[field].description or ""), field
