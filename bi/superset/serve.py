"""`make bi`: Apache Superset on 127.0.0.1 with the project's dashboards.

    python bi/superset/serve.py init    # metadata database and admin user, if missing
    python bi/superset/serve.py serve   # init, then start Superset and import the dashboards

Runs with the Python of Superset's own virtual environment (bi/superset/.venv).
`serve` checks that the published copy of the marts exists, builds the
import bundle from bi/superset/assets/ (bundle.py), starts Superset
(gunicorn) and imports the bundle through Superset's REST API
(`POST /api/v1/assets/import/`, which overwrites what the files describe),
then keeps Superset running until it is stopped (Ctrl-C or SIGTERM).

Settings (environment variables):
  B2B_OPS_PUBLISH_DIR   folder of the published copy (default: published/ beside the warehouse)
  B2B_OPS_WAREHOUSE     the warehouse file (default: warehouse/b2b_ops.duckdb)
  B2B_OPS_BI_HOME       Superset's metadata database, secret key and log (default: .superset/)
  B2B_OPS_BI_PORT       the port on 127.0.0.1 (default: 8088)
  B2B_OPS_BI_USER, B2B_OPS_BI_PASSWORD   the local admin login (default: admin / admin)
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import bundle
import requests

HERE = Path(__file__).resolve().parent
PROJECT_DIR = HERE.parents[1]
BIN = Path(sys.executable).parent
READY_MESSAGE = "Superset is ready"
PUBLISHED_FILE_NAME = "b2b_ops.duckdb"
STARTUP_SECONDS = 180


def setting(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


def project_path(text: str) -> Path:
    return (PROJECT_DIR / Path(text).expanduser()).resolve()


def published_path() -> Path:
    """The same rule as the refresh's publish step (b2b_ops.settings)."""
    publish_dir = os.environ.get("B2B_OPS_PUBLISH_DIR", "").strip()
    if publish_dir:
        return project_path(publish_dir) / PUBLISHED_FILE_NAME
    warehouse = project_path(setting("B2B_OPS_WAREHOUSE", "warehouse/b2b_ops.duckdb"))
    return warehouse.parent / "published" / PUBLISHED_FILE_NAME


def bi_home() -> Path:
    home = project_path(setting("B2B_OPS_BI_HOME", ".superset"))
    home.mkdir(parents=True, exist_ok=True)
    return home


def superset_environment(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "B2B_OPS_BI_HOME": str(home),
        "SUPERSET_CONFIG_PATH": str(HERE / "superset_config.py"),
        "FLASK_APP": "superset.app:create_app()",
    }


def run_superset(arguments: list[str], home: Path, log: Path) -> None:
    """Run a `superset` command; on failure show the end of its output and stop."""
    with log.open("a") as output:
        result = subprocess.run(
            [str(BIN / "superset"), *arguments],
            env=superset_environment(home),
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if result.returncode != 0:
        tail = log.read_text()[-3000:]
        sys.exit(f"superset {' '.join(arguments[:2])} failed (log: {log}):\n{tail}")


def init(home: Path) -> None:
    """Create the SQLite metadata database, Superset's roles and the admin user, once."""
    done = home / ".initialised"
    if done.exists():
        return
    log = home / "setup.log"
    started = time.monotonic()
    print(f"Setting up Superset's metadata database in {home} (once; about 30 s) ...", flush=True)
    run_superset(["db", "upgrade"], home, log)
    run_superset(["init"], home, log)
    user, password = admin_login()
    run_superset(
        [
            "fab",
            "create-admin",
            "--username",
            user,
            "--password",
            password,
            "--firstname",
            "Local",
            "--lastname",
            "Admin",
            "--email",
            f"{user}@localhost",
        ],
        home,
        log,
    )
    done.touch()
    print(f"Metadata database ready in {time.monotonic() - started:.0f} s", flush=True)


def admin_login() -> tuple[str, str]:
    return setting("B2B_OPS_BI_USER", "admin"), setting("B2B_OPS_BI_PASSWORD", "admin")


def start_server(home: Path, port: int) -> subprocess.Popen:
    log = (home / "superset.log").open("a")
    return subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--worker-class",
            "gthread",
            # A dashboard loads its charts at once: one thread each.
            "--threads",
            "8",
            "--timeout",
            "120",
            "superset.app:create_app()",
        ],
        env=superset_environment(home),
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_until_healthy(base_url: str, server: subprocess.Popen, home: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            tail = (home / "superset.log").read_text()[-3000:]
            sys.exit(f"Superset stopped while starting (log: {home / 'superset.log'}):\n{tail}")
        try:
            if requests.get(f"{base_url}/health", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    sys.exit(f"Superset did not answer on {base_url}/health within {STARTUP_SECONDS} s")


def logged_in_session(base_url: str) -> requests.Session:
    """A session with an API token and a CSRF token, as the REST API wants for writes."""
    user, password = admin_login()
    session = requests.Session()
    answer = session.post(
        f"{base_url}/api/v1/security/login",
        json={"username": user, "password": password, "provider": "db", "refresh": False},
        timeout=30,
    )
    if answer.status_code != 200:
        sys.exit(
            f"cannot log in to Superset as {user}: {answer.status_code} {answer.text[:300]}; "
            "if B2B_OPS_BI_PASSWORD changed, delete B2B_OPS_BI_HOME (.superset/) to recreate the user"
        )
    session.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    csrf = session.get(f"{base_url}/api/v1/security/csrf_token/", timeout=30)
    session.headers["X-CSRFToken"] = csrf.json()["result"]
    session.headers["Referer"] = base_url
    return session


def import_bundle(session: requests.Session, base_url: str, path: Path) -> None:
    with path.open("rb") as content:
        answer = session.post(
            f"{base_url}/api/v1/assets/import/",
            files={"bundle": (path.name, content, "application/zip")},
            timeout=300,
        )
    if answer.status_code != 200:
        sys.exit(
            f"Superset refused the dashboards bundle {path}: {answer.status_code} {answer.text[:3000]}"
        )


def uuids_by_kind(files: dict[str, dict]) -> dict[str, list[str]]:
    """The uuid of every dashboard, chart and dataset in the bundle, by REST resource name."""
    return {
        kind: sorted(
            config["uuid"] for name, config in files.items() if name.startswith(f"{folder}/")
        )
        for kind, folder in (
            ("dashboard", "dashboards"),
            ("chart", "charts"),
            ("dataset", "datasets"),
        )
    }


def listed(session: requests.Session, base_url: str, kind: str) -> list[dict]:
    """The id and uuid of every object of a kind (the REST API gives 100 a page)."""
    items: list[dict] = []
    page = 0
    while True:
        query = f"(columns:!(id,uuid),page:{page},page_size:100)"
        result = session.get(f"{base_url}/api/v1/{kind}/", params={"q": query}, timeout=30).json()[
            "result"
        ]
        items += result
        if len(result) < 100:
            return items
        page += 1


def remove_deleted_assets(
    session: requests.Session, base_url: str, home: Path, files: dict
) -> None:
    """Delete what an earlier import created from a file that is gone now
    (the import itself only adds and overwrites). What was made by hand in
    the UI is left alone: only uuids this script imported before are removed."""
    record = home / "imported_uuids.json"
    current = uuids_by_kind(files)
    previous = json.loads(record.read_text()) if record.exists() else {}
    for kind, uuids in current.items():  # dashboards first: they hold the charts
        gone = set(previous.get(kind, [])) - set(uuids)
        if not gone:
            continue
        for item in listed(session, base_url, kind):
            if item["uuid"] in gone:
                session.delete(
                    f"{base_url}/api/v1/{kind}/{item['id']}", timeout=30
                ).raise_for_status()
                print(f"Removed the {kind} of a deleted file (uuid {item['uuid']})", flush=True)
    record.write_text(json.dumps(current, indent=1))


def serve() -> None:
    published = published_path()
    if not published.exists():
        sys.exit(
            f"make bi: no published copy of the marts at {published}.\n"
            "Run `make demo` first (or `make build` on your own data), or point "
            "B2B_OPS_PUBLISH_DIR at the folder that holds b2b_ops.duckdb."
        )
    home = bi_home()
    init(home)
    try:
        files = bundle.build(published)
    except bundle.AssetError as error:
        sys.exit(f"make bi: {error}")
    bundle_path = bundle.write_bundle(files, home / "dashboards_bundle.zip")
    port = int(setting("B2B_OPS_BI_PORT", "8088"))
    base_url = f"http://127.0.0.1:{port}"
    server = start_server(home, port)
    # SIGTERM (a test stopping its process group) ends the wait below like Ctrl-C does,
    # and either way the server is stopped on the way out.
    signal.signal(signal.SIGTERM, lambda number, _frame: sys.exit(128 + number))
    try:
        wait_until_healthy(base_url, server, home)
        session = logged_in_session(base_url)
        import_bundle(session, base_url, bundle_path)
        remove_deleted_assets(session, base_url, home, files)
        user, password = admin_login()
        print(
            f"{READY_MESSAGE} on {base_url} (log in as {user} / {password}) with "
            f"{bundle.summary(files)}, reading {published} read-only.\n"
            f"Dashboards: {base_url}/dashboard/list/   Stop with Ctrl-C.",
            flush=True,
        )
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        stop_server(server)


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else "serve"
    if command == "init":
        init(bi_home())
    elif command == "serve":
        serve()
    else:
        sys.exit(f"usage: {sys.argv[0]} [init|serve]")


if __name__ == "__main__":
    main()
