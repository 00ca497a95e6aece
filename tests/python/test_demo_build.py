"""The demo path: generated (dirty) landing data builds, and the quarantine
finds exactly the bad rows the generator says it injected, kind by kind."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest

from b2b_ops.demo_data import generate
from conftest import query, run_cli

pytestmark = pytest.mark.slow

DEMO_AS_OF = dt.date(2026, 6, 30)
DIRTY_RATE = 0.02


@pytest.fixture(scope="session")
def dirty_demo(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("dirty_demo")
    landing, truth, warehouse = root / "landing", root / "ground_truth", root / "w.duckdb"
    generate(
        size="XS",
        seed=7,
        as_of=DEMO_AS_OF,
        landing_dir=landing,
        truth_dir=truth,
        file_format="csv",
        dirty_rate=DIRTY_RATE,
    )
    result = run_cli(
        ["build"],
        {
            "B2B_OPS_LANDING_DIR": str(landing),
            "B2B_OPS_AS_OF_DATE": DEMO_AS_OF.isoformat(),
            "B2B_OPS_WAREHOUSE": str(warehouse),
        },
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return {"landing": landing, "truth": truth, "warehouse": warehouse, "stdout": result.stdout}


def test_quarantine_matches_the_injected_defects_kind_by_kind(dirty_demo):
    with (dirty_demo["truth"] / "injected_defects.csv").open() as handle:
        injected = {
            (row["table"], row["defect_kind"]): int(row["rows_injected"])
            for row in csv.DictReader(handle)
            if int(row["rows_injected"]) > 0
        }
    quarantined = {
        (source_table, reason): count
        for source_table, reason, count in query(
            dirty_demo["warehouse"],
            "select source_table, quarantine_reason, count(*) "
            "from quarantine.quarantined_rows group by all",
        )
    }
    assert injected, "the dirty mode injected nothing"
    assert quarantined == injected


def test_landed_equals_staged_plus_quarantined_for_every_table(dirty_demo):
    rows = query(
        dirty_demo["warehouse"],
        "select source_table, rows_landed, rows_staged, rows_quarantined "
        "from quarantine.landing_reconciliation",
    )
    assert len(rows) == 13
    for source_table, landed, staged, quarantined in rows:
        assert landed == staged + quarantined, source_table
        assert landed > 0, f"{source_table} landed nothing"


def test_landed_counts_match_the_files(dirty_demo):
    # The generator's manifest says how many rows it wrote to each file.
    manifest = json.loads((dirty_demo["truth"] / "manifest.json").read_text())
    written = {table: int(entry["rows"]) for table, entry in manifest["tables"].items()}
    landed = dict(
        query(
            dirty_demo["warehouse"],
            "select source_table, rows_landed from quarantine.landing_reconciliation",
        )
    )
    assert landed == written


def test_demo_marts_have_every_tier_and_the_summary(dirty_demo):
    tiers = {
        row[0]
        for row in query(
            dirty_demo["warehouse"], "select distinct value_tier from marts.dim_accounts"
        )
    }
    assert tiers == {"high", "mid", "low"}
    stages = {
        row[0]
        for row in query(
            dirty_demo["warehouse"], "select distinct lifecycle_stage from marts.dim_accounts"
        )
    }
    assert {"paying", "churned", "trial"} <= stages
    assert "Accounts by value tier and lifecycle stage" in dirty_demo["stdout"]
