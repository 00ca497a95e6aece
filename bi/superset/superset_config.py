"""Superset's settings for local use of the project's dashboards.

Superset reads this file through SUPERSET_CONFIG_PATH (bi/superset/serve.py
sets it). Everything Superset writes, the SQLite metadata database, its
secret key and its log, goes to B2B_OPS_BI_HOME (default: .superset/ at
the project's root, git-ignored), so a test can run its own instance
beside the developer's.
"""

import os
import secrets
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
BI_HOME = Path(os.environ.get("B2B_OPS_BI_HOME") or PROJECT_DIR / ".superset").resolve()
BI_HOME.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    # Superset refuses to start with its default key. A random one per
    # checkout, kept beside the metadata database it protects, is enough for
    # an instance that listens on 127.0.0.1 only.
    key_file = BI_HOME / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(42))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
SQLALCHEMY_DATABASE_URI = f"sqlite:///{BI_HOME / 'superset.db'}?check_same_thread=false"
DATA_DIR = str(BI_HOME)

# Charts query the published copy each time they load: no result cache, so a
# dashboard opened after a refresh shows the new data.
CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
DATA_CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}

# Nothing here renders in the background or sends mail.
FEATURE_FLAGS = {"THUMBNAILS": False, "ALERT_REPORTS": False}
# Local use: no banner asking for a production content security policy.
CONTENT_SECURITY_POLICY_WARNING = False
# The browser loads nothing from outside this server: Superset's default
# policy also allows its telemetry pixel, map tiles and web fonts, which the
# dashboards here do not use.
TALISMAN_CONFIG = {
    "content_security_policy": {
        "base-uri": ["'self'"],
        "default-src": ["'self'"],
        "img-src": ["'self'", "blob:", "data:"],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": "'none'",
        "style-src": ["'self'", "'unsafe-inline'"],
        "font-src": ["'self'", "data:"],
        "script-src": ["'self'", "'strict-dynamic'"],
    },
    "content_security_policy_nonce_in": ["script-src"],
    "force_https": False,
    "session_cookie_secure": False,
}
