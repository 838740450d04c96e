"""Celery tasks of the staff console: thin, each calls one scan; every scan is idempotent, so a
task that runs twice (at-least-once delivery) adds nothing."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="riskadmin.tasks.scan_velocity", ignore_result=True)
def scan_velocity() -> int:
    """Beat, hourly: orders, counterparties and cancellations per person over the window."""
    from .scans.velocity import scan_velocity as scan

    return len(scan())


@shared_task(name="riskadmin.tasks.scan_dispute_rate", ignore_result=True)
def scan_dispute_rate() -> int:
    """Beat, daily: people against whom many of their orders were disputed."""
    from .scans.dispute_rate import scan_dispute_rate as scan

    return len(scan())


@shared_task(name="riskadmin.tasks.score_merchants", ignore_result=True)
def score_merchants() -> int:
    """Beat, daily: each merchant's risk score for the day (recomputing replaces it)."""
    from .merchant_risk.scoring import score_merchants as score

    return len(score())
