"""The demo path (`make demo`: size S, seed 42, its dirty rate): generated
dirty landing data builds, and the quarantine finds exactly the bad rows the
generator says it injected, kind by kind. The build is the session's
demo_build (conftest.py)."""

from __future__ import annotations

import csv
import json

from conftest import query


def test_quarantine_matches_the_injected_defects_kind_by_kind(demo_build):
    with (demo_build["truth"] / "injected_defects.csv").open() as handle:
        injected = {
            (row["table"], row["defect_kind"]): int(row["rows_injected"])
            for row in csv.DictReader(handle)
            if int(row["rows_injected"]) > 0
        }
    quarantined = {
        (source_table, reason): count
        for source_table, reason, count in query(
            demo_build["warehouse"],
            "select source_table, quarantine_reason, count(*) "
            "from quarantine.quarantined_rows group by all",
        )
    }
    assert injected, "the dirty mode injected nothing"
    assert quarantined == injected


def test_landed_equals_staged_plus_quarantined_for_every_table(demo_build):
    rows = query(
        demo_build["warehouse"],
        "select source_table, rows_landed, rows_staged, rows_quarantined "
        "from quarantine.landing_reconciliation",
    )
    assert len(rows) == 14
    for source_table, landed, staged, quarantined in rows:
        assert landed == staged + quarantined, source_table
        assert landed > 0, f"{source_table} landed nothing"


def test_landed_counts_match_the_files(demo_build):
    # The generator's manifest says how many rows it wrote to each file.
    manifest = json.loads((demo_build["truth"] / "manifest.json").read_text())
    written = {table: int(entry["rows"]) for table, entry in manifest["tables"].items()}
    landed = dict(
        query(
            demo_build["warehouse"],
            "select source_table, rows_landed from quarantine.landing_reconciliation",
        )
    )
    # A table the generator does not write lands as an empty table.
    assert landed == {table: written.get(table, 0) for table in landed}
    assert set(written) <= set(landed)


def test_demo_marts_have_every_tier_and_the_summary(demo_build):
    tiers = {
        row[0]
        for row in query(
            demo_build["warehouse"], "select distinct value_tier from marts.dim_accounts"
        )
    }
    assert tiers == {"high", "mid", "low"}
    stages = {
        row[0]
        for row in query(
            demo_build["warehouse"], "select distinct lifecycle_stage from marts.dim_accounts"
        )
    }
    assert {"paying", "churned", "trial"} <= stages
    assert "Accounts by value tier and lifecycle stage" in demo_build["stdout"]
