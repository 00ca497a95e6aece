"""PII and access: no contact's name, email or phone number (nor a raw
contact id) reaches the published copy, in any column's name or value;
nothing secret is tracked in git and the dbt profile takes its settings from
environment variables; the local servers bind to 127.0.0.1.

No mart needs a contact today (the decision chain counts contacts by buying
role per account). Should one need to, it must carry a stable pseudonymous
key (a salted hash of contact_id), never the CRM's contact_id or the person.
"""

from __future__ import annotations

import csv
import re
import subprocess
from pathlib import Path

import duckdb
import pytest
import yaml

import reliability
from b2b_ops.settings import PROJECT_DIR
from reliability import Build

pytestmark = [
    pytest.mark.slow,
    pytest.mark.reliability,
    pytest.mark.usefixtures(*reliability.REFERENCE_FIXTURES),
]

EMAIL_LIKE = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE_LIKE = re.compile(r"\+\d{1,3}[-.\s]?\(?\d{2,4}\)?[-.\s]?\d{3,4}|\(\d{3}\)\s?\d{3}-\d{4}")
CONTACT_COLUMN_NAME = re.compile(
    r"(^|_)(email|e_mail|phone|mobile|full_name|first_name|last_name|contact_name|contact_id)($|_)"
)


def landing_contacts(landing: Path) -> list[dict[str, str]]:
    path = landing / "crm" / "contacts.csv"
    if path.exists():
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    with duckdb.connect() as connection:
        frame = connection.execute(
            f"select * from read_parquet('{path.with_suffix('.parquet')}')"
        ).df()
    return frame.astype(str).to_dict("records")


def word_windows(text: str, longest: int = 4) -> set[str]:
    """Every run of up to `longest` consecutive words: a name inside a sentence is one of them."""
    words = text.lower().split()
    return {
        " ".join(words[start : start + size])
        for size in range(1, longest + 1)
        for start in range(len(words) - size + 1)
    }


def published_text(published: Path) -> list[tuple[str, str, str]]:
    """(table, column, value) for every distinct text value in the published copy."""
    found = []
    with duckdb.connect(str(published), read_only=True) as connection:
        columns = connection.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where data_type = 'VARCHAR'"
        ).fetchall()
        for schema, table, column in columns:
            values = connection.execute(
                f'select distinct "{column}" from "{schema}"."{table}" where "{column}" is not null'
            ).fetchall()
            found.extend((table, column, value) for (value,) in values)
    return found


@pytest.fixture(scope="module")
def reference(request, tmp_path_factory) -> Build:
    return reliability.reference_build(request, tmp_path_factory)


def test_no_published_column_is_named_for_contact_data(reference):
    names = [
        f"{table}.{column}"
        for table, columns in reliability.published_columns(reference.published).items()
        for column in columns
        if CONTACT_COLUMN_NAME.search(column.lower())
    ]
    assert names == []


def test_no_contact_name_email_phone_or_id_reaches_the_published_copy(reference):
    contacts = landing_contacts(reference.landing)
    assert contacts, "the landing folder has no contacts to look for"
    names = {row["full_name"].strip().lower() for row in contacts if row["full_name"].strip()}
    exact = {
        row[column].strip().lower()
        for row in contacts
        for column in ("email", "phone", "contact_id")
        if row[column].strip()
    }
    leaks = []
    for table, column, value in published_text(reference.published):
        lowered = value.strip().lower()
        if (
            lowered in exact
            or word_windows(lowered) & names
            or EMAIL_LIKE.search(value)
            or PHONE_LIKE.search(value)
        ):
            leaks.append(f"{table}.{column}: {value[:80]!r}")
    assert leaks == []


# Precise patterns, so documentation that talks about secrets does not match.
SECRET_PATTERNS = {
    "private key": re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP )?PRIVATE KEY"),
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    "credentials in a URL": re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s/:@'\"]+:[^\s/@'\"]+@"),
    "secret set to a literal": re.compile(
        r"(?i)\b(?:password|passwd|secret|api_?key|access_?token|auth_?token)\b"
        r"\s*[:=]\s*['\"][^'\"\s{$]{4,}['\"]"
    ),
}
SECRET_FILE_NAMES = re.compile(r"(^|/)(\.env(\..*)?|id_rsa|id_ed25519|.*\.pem|.*\.key)$")


def tracked_files() -> list[str]:
    return subprocess.run(
        ["git", "ls-files"], cwd=PROJECT_DIR, capture_output=True, text=True, check=True
    ).stdout.splitlines()


def test_the_secret_patterns_catch_what_they_are_for():
    # Split so that this file does not itself hold a match.
    samples = {
        "private key": "-----BEGIN RSA " + "PRIVATE KEY-----",
        "AWS access key id": "key = AKIA" + "ABCDEFGHIJKLMNOP",
        "GitHub token": "ghp_" + "a1" * 18,
        "Slack token": "xoxb-" + "1234567890-abcdef",
        "credentials in a URL": "postgres://analyst:" + "hunter2@db.example:5432/warehouse",
        "secret set to a literal": "pass" + 'word: "hunter22"',
    }
    assert {name: bool(SECRET_PATTERNS[name].search(text)) for name, text in samples.items()} == {
        name: True for name in samples
    }
    # What the project's own files legitimately say.
    harmless = [
        "path: \"{{ env_var('B2B_OPS_WAREHOUSE', 'warehouse/b2b_ops.duckdb') }}\"",
        "duckdb:////abs/path/published/b2b_ops.duckdb?access_mode=read_only",
        "password: \"{{ env_var('DB_PASSWORD') }}\"",
    ]
    assert [
        text for text in harmless for pattern in SECRET_PATTERNS.values() if pattern.search(text)
    ] == []


def test_nothing_secret_is_tracked():
    found = []
    for name in tracked_files():
        if SECRET_FILE_NAMES.search(name):
            found.append(f"{name}: a secrets file")
            continue
        path = PROJECT_DIR / name
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        found.extend(
            f"{name}: {label}" for label, pattern in SECRET_PATTERNS.items() if pattern.search(text)
        )
    assert found == []


def test_the_dbt_profile_takes_its_connection_settings_from_the_environment():
    profile = yaml.safe_load((PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8"))
    for name, output in profile["b2b_ops"]["outputs"].items():
        # The lint target compiles against an in-memory database: no file, no
        # settings. The Spark target has no file: its folders come from
        # server_side_parameters, checked below with the other settings.
        if "path" in output:
            assert "env_var(" in output["path"] or output["path"] == ":memory:", name
        for setting in ("password", "user", "host", "token", "database"):
            if setting in output:
                assert "env_var(" in str(output[setting]), f"{name}.{setting}"
        for setting, value in output.get("server_side_parameters", {}).items():
            if setting.endswith(("master", "dir", "ConnectionURL")):
                assert "env_var(" in str(value), f"{name}.{setting}"


# Makefile targets that start a server; each must bind to 127.0.0.1.
SERVING_TARGETS = ["ui", "docs"]
HOST_FLAG = re.compile(r"(?:^|\s)(?:-h|--host)[\s=]+127\.0\.0\.1(?:\s|$)")


@pytest.mark.parametrize("target", SERVING_TARGETS)
def test_local_servers_bind_to_localhost(target):
    # make -n prints the commands with every variable expanded, runs nothing.
    commands = subprocess.run(
        ["make", "-n", target], cwd=PROJECT_DIR, capture_output=True, text=True, check=True
    ).stdout
    assert HOST_FLAG.search(commands), commands
    assert "0.0.0.0" not in commands
