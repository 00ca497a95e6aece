"""`make ui` end to end: the Dagster webserver in its own process group on a
copy of the hand-made build (its warehouse and the Dagster instance that
recorded its run), opened in headless Chromium (Debian's package): the
project's assets and their latest materialization, a screenshot saved to
test-artifacts/; the daily partitions of the event-day model and a backfill
of a range of days launched from the page; every process stopped."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from dagster import DagsterInstance
from playwright.sync_api import sync_playwright

from b2b_ops.settings import PROJECT_DIR
from conftest import HANDMADE_AS_OF, HANDMADE_LANDING

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium")
ARTIFACTS = PROJECT_DIR / "test-artifacts"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1600,1000",
    "--virtual-time-budget=25000",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"dagster dev exited early with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def group_alive(group_id: int) -> bool:
    try:
        os.killpg(group_id, 0)
    except ProcessLookupError:
        return False
    return True


def stop_group(leader: subprocess.Popen, seconds: float = 30) -> None:
    """SIGTERM the leader's whole process group, then SIGKILL what is left
    after `seconds`. The leader is reaped as it exits (poll): until then it
    is a zombie, and a zombie still counts as a member of its group."""

    def running() -> bool:
        leader.poll()
        return group_alive(leader.pid)

    for sig, wait in ((signal.SIGTERM, seconds), (signal.SIGKILL, 10)):
        if not running():
            return
        os.killpg(leader.pid, sig)
        deadline = time.monotonic() + wait
        while running() and time.monotonic() < deadline:
            time.sleep(0.5)


def chromium(arguments: list[str], profile: Path) -> str:
    result = subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def page_with(url: str, texts: list[str], profile: Path, seconds: float = 180) -> str:
    """The page's DOM once it shows every text. The webserver answers before
    the code location has loaded (dbt parse and imports take a while on a
    busy machine), so the page is read again until it has rendered."""
    deadline = time.monotonic() + seconds
    page = ""
    while time.monotonic() < deadline:
        page = chromium(["--dump-dom", url], profile)
        if all(text in page for text in texts):
            return page
        time.sleep(3)
    missing = [text for text in texts if text not in page]
    raise AssertionError(f"{url} never showed {missing} within {seconds} s")


needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Debian's chromium is not installed (make test installs it where it can)",
)


@pytest.fixture(scope="module")
def dagster_ui(handmade_build, tmp_path_factory) -> Iterator[dict]:
    """`dagster dev` on a copy of the hand-made build (the backfill below
    writes to its warehouse; other tests read the shared one)."""
    root = tmp_path_factory.mktemp("ui")
    warehouse = root / "warehouse.duckdb"
    shutil.copyfile(handmade_build["warehouse"], warehouse)
    home = root / "dagster_home"
    shutil.copytree(handmade_build["dagster_home"], home)
    environment = {
        "B2B_OPS_LANDING_DIR": str(HANDMADE_LANDING),
        "B2B_OPS_AS_OF_DATE": HANDMADE_AS_OF.isoformat(),
        "B2B_OPS_WAREHOUSE": str(warehouse),
        # The instance that recorded the build's run, so the UI has a materialization to show.
        "DAGSTER_HOME": str(home),
    }
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("dagster")),
            "dev",
            "-m",
            "b2b_ops.definitions",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        cwd=PROJECT_DIR,
        env={**os.environ, **environment},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, stopped as a whole below
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(f"{base}/server_info", server, seconds=180)
        yield {"base": base, "home": home}
    finally:
        stop_group(server)
        server.wait(timeout=10)
    # Nothing of the group is left running.
    assert not group_alive(server.pid)


@needs_chromium
def test_ui_shows_the_assets_and_their_latest_materialization(dagster_ui, tmp_path):
    base = dagster_ui["base"]
    profile = tmp_path / "chromium"
    graph_url = f"{base}/locations/b2b_ops.definitions/asset-groups/marts"
    # The lineage view draws only the nodes in view; the group's list view
    # shows every mart with its latest materialization.
    list_page = page_with(
        f"{graph_url}/list", ["dim_accounts", "fct_mrr_movements", "account_segments"], profile
    )
    assert "Never materialized" not in list_page
    # The published copy is its own group's asset, downstream of every mart.
    for asset_path in ("marts/dim_accounts", "marts/account_segments", "published_marts"):
        asset_page = page_with(
            f"{base}/assets/{asset_path}",
            [asset_path.split("/")[-1], "Latest materialization"],
            profile,
        )
        assert "Never materialized" not in asset_page
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "dagster-asset-graph.png"
    chromium([f"--screenshot={screenshot}", graph_url], profile)
    assert screenshot.stat().st_size > 10_000


EVENT_DAYS_PAGE = "/assets/intermediate/int_account_daily_activity?view=partitions"


def wait_for_backfill(home: Path, seconds: float) -> str:
    """The status of the instance's one backfill once it has ended."""
    with DagsterInstance.from_config(str(home)) as instance:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            backfills = instance.get_backfills()
            if backfills and backfills[0].status.value != "REQUESTED":
                return backfills[0].status.value
            time.sleep(3)
    raise AssertionError(f"the backfill did not end within {seconds} s")


@needs_chromium
def test_a_backfill_of_a_range_of_days_runs_from_the_partitions_page(dagster_ui):
    base, home = dagster_ui["base"], dagster_ui["home"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(base + EVENT_DAYS_PAGE)
            # The build's run targeted the day before its as-of date.
            page.get_by_text("Materialized (1)").wait_for(timeout=180_000)
            page.get_by_role("button", name="Materialize…").click()
            dialog = page.get_by_role("dialog")
            dialog.get_by_text("Show all partitions").click()
            days = dialog.locator("input").first
            days.fill("[2025-06-26...2025-06-28]")
            days.press("Enter")
            dialog.get_by_text("3 partitions").wait_for()
            dialog.get_by_text("Backfills all partitions in a single run").wait_for()
            dialog.get_by_role("button", name="Launch backfill").click()
            assert wait_for_backfill(home, seconds=300) == "COMPLETED_SUCCESS"
            page.goto(base + EVENT_DAYS_PAGE)
            page.get_by_text("Materialized (4)").wait_for(timeout=60_000)
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=ARTIFACTS / "dagster-event-day-partitions.png")
        finally:
            browser.close()
