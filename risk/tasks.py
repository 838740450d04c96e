"""Background work of the risk app: the periodic scans."""

from __future__ import annotations

from celery import shared_task


@shared_task
def scan_shared_identities() -> int:
    """Alerts for payment accounts and browsers shared across users; the number written."""
    from .scans import scan_shared_identities as scan

    return scan().alerts
