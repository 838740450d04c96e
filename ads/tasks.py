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


@shared_task(ignore_result=True)
def complete_resignations() -> int:
    """Return collateral to resigning merchants whose cooling period has passed and who have
    no ad still open (orders add their own check when they exist). Returns how many ended."""
    from merchants import services as merchant_services
    from merchants.selectors import merchants_due_for_resignation

    from .selectors import merchant_has_open_ads

    ended = 0
    for merchant in merchants_due_for_resignation():
        try:
            merchant_services.merchant_complete_resignation(
                merchant=merchant, has_open_business=merchant_has_open_ads(merchant=merchant)
            )
        except merchant_services.MerchantError:
            continue  # not yet: the next run looks again
        ended += 1
    return ended
