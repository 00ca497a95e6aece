"""Where dbt is: the executable installed beside this Python (dagster-dbt runs it)."""

from __future__ import annotations

import sys
from pathlib import Path


def dbt_executable() -> str:
    """The dbt installed beside this Python (the project's virtual environment)."""
    return str(Path(sys.executable).with_name("dbt"))
