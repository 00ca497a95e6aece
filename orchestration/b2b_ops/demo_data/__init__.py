"""Deterministic synthetic landing data for a B2B SaaS company, with planted ground truth.

`generate(...)` writes the 14 landing tables of the data contract and the
ground-truth files; `python -m b2b_ops.demo_data --help` is the command line.
"""

from b2b_ops.demo_data.generator import generate

__all__ = ["generate"]
