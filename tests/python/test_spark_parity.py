"""Parity of the two engines (issue 15), in pieces the builds do not reach:
the Spark bodies of the engine-specific macros against DuckDB's SQL on
80,000 values (make test-spark: marker spark, skipped without Java or the
spark extra), and the comparison the parity tests use (make test). The
builds of both engines are compared in test_spark_build.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from b2b_ops.settings import PROJECT_DIR
from builds import cli_environment


def compiled(sql: str, target_path: Path) -> str:
    """A query with the project's macros rendered (dbt compile --inline, no warehouse)."""
    dbt = Path(sys.executable).with_name("dbt")
    result = subprocess.run(
        [str(dbt), "compile", "--target", "lint", "--target-path", str(target_path), "-q"]
        + ["--output", "json", "--inline", sql],
        cwd=PROJECT_DIR,
        env=cli_environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)["compiled"]


@pytest.mark.spark
def test_the_spark_bodies_of_round_double_and_the_chi_square_p_value_match_duckdb(tmp_path):
    """The hand-made fixture rounds few half cents and has no experiment
    with three variants: the Spark bodies are checked here on 80,000 values
    (half cents, 1, 2 and 6 places; statistics 0 to infinity, 0 to 6
    degrees of freedom) against DuckDB's round and chi-square SQL."""
    columns = [
        ("r1", "round_double('x', 1)"),
        ("r2", "round_double('x', 2)"),
        ("r6", "round_double('x', 6)"),
        ("p", "growth_chi_square_p_value('s', 'k')"),
    ]
    queries = {}
    for engine, prefix in [("duckdb", "default__"), ("spark", "spark__")]:
        selected = ", ".join(f"{{{{ {prefix}{call} }}}} as {name}" for name, call in columns)
        queries[engine] = tmp_path / f"{engine}.sql"
        queries[engine].write_text(compiled(f"select id, {selected} from t", tmp_path / "target"))
    probe = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("spark_macro_probe.py"))]
        + [str(queries["duckdb"]), str(queries["spark"])],
        env=cli_environment(TZ="UTC"),
        capture_output=True,
        text=True,
    )
    assert probe.returncode == 0, probe.stderr[-5000:]
    differences = json.loads(probe.stdout.strip().splitlines()[-1])
    assert differences["rows"] > 80000
    assert differences == {"r1": 0, "r2": 0, "r6": 0, "p": 0, "rows": differences["rows"]}


def test_the_comparison_sees_a_cent():
    """The comparison itself: a cent apart on money is a difference, a rate
    within 1e-9 is not (no Spark needed, so make test runs it)."""
    from decimal import Decimal

    from b2b_ops.dev.spark_parity import compare_table

    duck = [(1, Decimal("1591.21"), 0.1 + 0.2)]
    assert (
        compare_table(
            "t", ["a", "b", "c"], duck, ["a", "b", "c"], [(1, Decimal("1591.21"), 0.3)]
        ).differences
        == 0
    )
    assert (
        compare_table(
            "t", ["a", "b", "c"], duck, ["a", "b", "c"], [(1, Decimal("1591.22"), 0.3)]
        ).differences
        == 1
    )
    assert (
        compare_table(
            "t", ["a", "b", "c"], duck, ["a", "b", "c"], [(1, Decimal("1591.21"), 0.3 + 1e-8)]
        ).differences
        == 1
    )
