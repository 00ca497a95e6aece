"""`make lint` fails on a model that breaks the SQL conventions, with the
file, the line and the rule in words, and a hint on how to fix it. That the
repo itself passes is `.ci/run`'s first step (`make lint`), not repeated
here: it takes two minutes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from b2b_ops.settings import PROJECT_DIR

# Each call lints with sqlfluff's dbt templater, which compiles the project.
pytestmark = pytest.mark.slow

VENV = Path(sys.prefix)

# Breaks three conventions, one per line: uppercase keywords (line 1), a
# leading comma (line 3) and a column alias without `as` (line 3).
BAD_MODEL = """SELECT
    account_id
    , lower(account_name) account_name_lower
FROM {{ ref('stg_crm__accounts') }}
"""
BAD_MODEL_PATH = Path("models") / "staging" / "crm" / "stg_crm__lint_example.sql"


def make_lint(project: Path, tmp_path: Path, *variables: str) -> subprocess.CompletedProcess:
    """`make lint` in project with this test run's venv; dbt's output goes to tmp_path."""
    environment = {
        **os.environ,
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
    }
    return subprocess.run(
        # -o: use the venv as it is; never reinstall it from a test.
        ["make", "lint", f"VENV={VENV}", "-o", f"{VENV}/.installed", *variables],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


@pytest.fixture()
def project_with_bad_model(tmp_path) -> Path:
    """A copy of the project (sources only) with BAD_MODEL added."""
    project = tmp_path / "project"
    shutil.copytree(
        PROJECT_DIR,
        project,
        ignore=shutil.ignore_patterns(
            ".git",
            ".venv",
            "target",
            "logs",
            "data",
            "warehouse",
            ".dagster",
            "__pycache__",
            ".pytest_cache",
            "*.egg-info",
        ),
    )
    (project / BAD_MODEL_PATH).write_text(BAD_MODEL)
    return project


def test_make_lint_names_the_file_line_and_rule_of_a_bad_model(project_with_bad_model, tmp_path):
    result = make_lint(project_with_bad_model, tmp_path, f"LINT_SQL={BAD_MODEL_PATH}")
    output = result.stdout + result.stderr

    assert result.returncode != 0, output[-4000:]
    assert f"== [{BAD_MODEL_PATH}] FAIL" in output
    # sqlfluff's lines read "L: <line> | P: <position> | <code> | <message>".
    problems = [line for line in output.splitlines() if line.startswith("L:")]
    assert any("L:   1 |" in line and "Keywords must be lower case" in line for line in problems)
    assert any("L:   3 |" in line and "leading comma" in line for line in problems)
    assert any("L:   3 |" in line and "aliasing.column" in line for line in problems)
    assert "Fix them all with 'make lint-fix'" in output
    assert "AL01/AL02 write 'as' before the alias" in output
    assert "lint: FAILED" in output
