"""Beat jobs of the ads app: thin, they call the service."""

from __future__ import annotations

from celery import shared_task

from .price_providers import refresh_price_indexes as refresh


@shared_task(ignore_result=True)
def refresh_price_indexes() -> int:
    """Store fresh index prices from `settings.PRICE_INDEX_PROVIDER` (nothing when it is off).

    Idempotent: running it twice stores the same prices twice. Schedule it more often than
    `PRICE_INDEX_MAX_AGE_SECONDS`, or floating ads hide between runs."""
    return refresh()
