"""Settings from environment variables: clear errors for bad values."""

from __future__ import annotations

import datetime as dt

import pytest

from b2b_ops.settings import SettingsError, parse_as_of_date, parse_vars


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


def test_as_of_date_parses_or_says_how():
    assert parse_as_of_date("2025-06-30") == dt.date(2025, 6, 30)
    assert parse_as_of_date(None) == dt.datetime.now(dt.UTC).date()
    with pytest.raises(SettingsError, match="YYYY-MM-DD"):
        parse_as_of_date("30/06/2025")
