"""Celery tasks of the merchant program: thin, idempotent, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from .services import merchant_refresh_open_now


@shared_task(name="merchants.tasks.refresh_open_now", ignore_result=True)
def refresh_open_now() -> int:
    """Beat, every 60 s: set each merchant's `open_now` from their business hours, so the
    market filters in SQL. Writes only the rows that change; returns how many did."""
    return merchant_refresh_open_now()
