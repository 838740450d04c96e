"""The wallet's background work: reconcile pending deposits with the provider, on the
simulated chain let blocks go by, and refresh the price indexes. Each calls an idempotent
service."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

logger = logging.getLogger("escrow.reconciliation")


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
def send_withdrawal(public_id: str) -> None:
    from .services.withdrawals import withdrawal_send

    withdrawal_send(public_id=public_id)


@shared_task(ignore_result=True)
def sweep_withdrawals() -> int:
    from .services.withdrawals import withdrawals_sweep

    return withdrawals_sweep()


@shared_task(ignore_result=True)
def reconcile_wallets() -> bool:
    """The daily check of the ledger against the provider; a difference is logged as an error
    for whoever watches the logs (and the command says it in detail)."""
    from .reconciliation import reconcile

    report = reconcile()
    for line in report.off:
        logger.error("%s: the chain side and the ledger differ by %s", line.symbol, line.difference)
    return report.ok


@shared_task(ignore_result=True)
def refresh_price_indexes() -> int:
    """Store fresh index prices from `settings.PRICE_INDEX_PROVIDER` (nothing when it is off).

    Idempotent: running it twice stores the same prices twice. Schedule it more often than
    `PRICE_INDEX_MAX_AGE_SECONDS`, or floating ads hide between runs."""
    from .services.prices import refresh_price_indexes as refresh

    return refresh()
