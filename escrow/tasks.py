"""The wallet's background work: reconcile pending deposits with the provider, on the
simulated chain let blocks go by, and refresh the price indexes. Each calls an idempotent
service."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings


@shared_task(ignore_result=True)
def sweep_deposits() -> int:
    from .services.deposits import deposits_sweep

    return deposits_sweep()


@shared_task(ignore_result=True)
def simulated_chain_block() -> int:
    """A block on the simulated chain (nothing on any other provider)."""
    if settings.CUSTODY_PROVIDER != "simulated":
        return 0
    from .services.simulated_chain import simulated_block

    return simulated_block()


@shared_task(ignore_result=True)
def refresh_price_indexes() -> int:
    """Store fresh index prices from `settings.PRICE_INDEX_PROVIDER` (nothing when it is off).

    Idempotent: running it twice stores the same prices twice. Schedule it more often than
    `PRICE_INDEX_MAX_AGE_SECONDS`, or floating ads hide between runs."""
    from .services.prices import refresh_price_indexes as refresh

    return refresh()
