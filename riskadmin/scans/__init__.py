"""Periodic risk scans over the history of the apps above `risk` (orders, disputes, merchants),
one module per scan, run on beat (riskadmin/tasks.py). Each reports through
`risk.engine.report`, once per person and subject, so a scan that runs twice adds nothing.
Importing this package registers their rules (riskadmin/apps.py does at start-up)."""

from __future__ import annotations

from . import rules

__all__ = ["rules"]
