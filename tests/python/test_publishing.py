"""Publishing for BI readers, tested with a real second process: a reader
holding the published copy never blocks a refresh, never sees a half-built
state, and a failed refresh leaves the last good copy in place."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from b2b_ops.publishing import publish
from conftest import HANDMADE_AS_OF, run_cli

ROWS_PER_VERSION = 200_000

# A BI tool holding one connection open for the whole run. (DuckDB shares
# one database instance per path inside a process, so a process sees a new
# copy only after all its connections to the old one are closed.)
HOLDER = textwrap.dedent(
    """
    import json, sys
    import duckdb
    held = duckdb.connect(sys.argv[1], read_only=True)
    print(json.dumps({"held_version": held.execute("select max(version) from marts.snapshot").fetchall()[0][0]}), flush=True)
    sys.stdin.readline()
    print(json.dumps({"held_rows_at_end": held.execute("select count(*) from marts.snapshot").fetchall()[0][0]}), flush=True)
    """
)

# A reader opening a new connection again and again during the refreshes.
POLLER = textwrap.dedent(
    """
    import json, sys, time
    import duckdb
    path, stop_file = sys.argv[1], sys.argv[2]
    import os
    while not os.path.exists(stop_file):
        try:
            with duckdb.connect(path, read_only=True) as fresh:
                version, rows, versions = fresh.execute(
                    "select max(version), count(*), count(distinct version) from marts.snapshot"
                ).fetchall()[0]
            print(json.dumps({"version": version, "rows": rows, "versions": versions}), flush=True)
        except Exception as error:
            print(json.dumps({"error": repr(error)}), flush=True)
    """
)


def write_version(working: Path, version: int) -> None:
    """A working warehouse whose marts.snapshot holds ROWS_PER_VERSION x version rows, all tagged `version`."""
    with duckdb.connect(str(working)) as connection:
        connection.execute("create schema if not exists marts")
        connection.execute(
            "create or replace table marts.snapshot as "
            f"select {version} as version, range as row_number from range({ROWS_PER_VERSION * version})"
        )


def test_readers_see_old_or_new_never_half_and_never_block(tmp_path):
    working, published = tmp_path / "working.duckdb", tmp_path / "published" / "b2b_ops.duckdb"
    stop_file = tmp_path / "stop"
    write_version(working, 1)
    publish(working, published)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(published)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert json.loads(holder.stdout.readline()) == {"held_version": 1}
    poller = subprocess.Popen(
        [sys.executable, "-c", POLLER, str(published), str(stop_file)],
        stdout=subprocess.PIPE,
        text=True,
    )
    # Four refreshes publish while one reader holds the first copy open and
    # another keeps opening new connections.
    for version in (2, 3, 4, 5):
        write_version(working, version)
        publish(working, published)
        time.sleep(0.5)
    time.sleep(1)
    stop_file.touch()
    polled, _ = poller.communicate(timeout=60)
    held, _ = holder.communicate("\n", timeout=60)

    observations = [json.loads(line) for line in polled.splitlines()]
    assert [entry for entry in observations if "error" in entry] == []
    assert len(observations) > 10
    for entry in observations:
        # A whole version, never a mix or a partial table.
        assert entry["versions"] == 1
        assert entry["rows"] == ROWS_PER_VERSION * entry["version"]
    assert observations[-1]["version"] == 5
    # The held connection kept reading the copy it opened.
    assert json.loads(held.strip()) == {"held_rows_at_end": ROWS_PER_VERSION}


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_a_refresh_runs_while_a_reader_holds_the_published_copy(handmade_build, tmp_path):
    published = handmade_build["warehouse"].parent / "published" / "b2b_ops.duckdb"
    assert published.exists()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time\n"
            "c = duckdb.connect(sys.argv[1], read_only=True)\n"
            "print(c.execute('select count(*) from marts.dim_accounts').fetchall()[0][0], flush=True)\n"
            "sys.stdin.readline()\n"
            "print(c.execute('select count(*) from marts.dim_accounts').fetchall()[0][0], flush=True)\n",
            str(published),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "5"
    inode_before = published.stat().st_ino
    result = run_cli(
        ["build"],
        {
            "B2B_OPS_LANDING_DIR": str(handmade_build["landing"]),
            "B2B_OPS_AS_OF_DATE": HANDMADE_AS_OF.isoformat(),
            "B2B_OPS_WAREHOUSE": str(handmade_build["warehouse"]),
        },
    )
    output, _ = holder.communicate("\n", timeout=60)
    assert result.returncode == 0, result.stderr[-3000:]
    assert published.stat().st_ino != inode_before  # a new copy was swapped in
    assert output.strip() == "5"  # the holder still reads its copy


@pytest.mark.slow
def test_a_failed_refresh_leaves_the_last_good_copy(handmade_build, landing_copy):
    published = handmade_build["warehouse"].parent / "published" / "b2b_ops.duckdb"
    before = checksum(published)
    (landing_copy / "crm" / "contacts.csv").write_text("contact_id\ncon_1\n")
    result = run_cli(
        ["build"],
        {
            "B2B_OPS_LANDING_DIR": str(landing_copy),
            "B2B_OPS_AS_OF_DATE": HANDMADE_AS_OF.isoformat(),
            "B2B_OPS_WAREHOUSE": str(handmade_build["warehouse"]),
        },
    )
    assert result.returncode == 1
    assert "required column 'account_id' is missing" in result.stderr
    assert checksum(published) == before
