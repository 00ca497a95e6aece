"""The Dagster code location: `dagster dev -m b2b_ops.definitions` (make ui).

The settings are read from the environment here, once; see b2b_ops.settings.
"""

from b2b_ops.defs import build_definitions
from b2b_ops.settings import from_environment

defs = build_definitions(from_environment())
