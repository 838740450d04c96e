"""T+N: crypto a buyer receives from an order may be traded at once but withdrawn only after
the days their risk level sets (risk), unless they are a merchant staff exempted (merchants:
their collateral answers for a bad payment). The ledger writes the lock with the release."""

from __future__ import annotations

from datetime import timedelta

from merchants.selectors import merchant_exempt_from_withdrawal_lock
from risk.withdrawal_locks import withdrawal_lock_days

from ..models import Order


def withdrawal_lock_for(order: Order) -> timedelta | None:
    """How long after the release the buyer may not withdraw what the order gives them; None
    for no lock (an exempt merchant, or a policy of zero days)."""
    if merchant_exempt_from_withdrawal_lock(user=order.buyer):
        return None
    days = withdrawal_lock_days(user=order.buyer)
    return timedelta(days=days) if days > 0 else None
