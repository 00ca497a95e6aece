"""`make ui` end to end: the Dagster webserver in its own process group, the
asset graph opened in headless Chromium (Debian's package), the project's
assets and their latest materialization (the hand-made build's run, recorded
in its own Dagster instance) on the page, a screenshot saved to
test-artifacts/, and every process stopped."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

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


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="Debian's chromium is not installed (make test installs it where it can)",
)
def test_ui_shows_the_assets_and_their_latest_materialization(handmade_build, tmp_path):
    environment = {
        "B2B_OPS_LANDING_DIR": str(HANDMADE_LANDING),
        "B2B_OPS_AS_OF_DATE": HANDMADE_AS_OF.isoformat(),
        "B2B_OPS_WAREHOUSE": str(handmade_build["warehouse"]),
        # The instance that recorded the build's run, so the UI has a materialization to show.
        "DAGSTER_HOME": str(handmade_build["dagster_home"]),
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
    finally:
        stop_group(server)
        server.wait(timeout=10)
    # Nothing of the group is left running.
    assert not group_alive(server.pid)
