"""The parties' trade figures (accounts.TradeDay), kept in step with each transition.

Runs inside the transition's transaction (orders/effects.py), after the new state is saved, so
a figure exists exactly when the change behind it does. What each transition counts:

- released (by the seller, or by staff deciding a dispute for the buyer): both parties
  complete one order of `amount`; when the seller released it themselves, their release time
  (marked paid -> released) is counted too. A dispute decided by staff says nothing about how
  fast the seller releases.
- paid (awaiting payment -> paid, not a withdrawn dispute going back to paid): the buyer's
  payment time, from the escrow freezing (the payment clock starting) to marked paid.
- canceled: one cancellation for the party it ended through: the buyer who canceled, let the
  payment window run out, or lost a dispute (staff refunded the seller). Staff rejecting an
  order held for review is nobody's doing.

Appeals and lost disputes are counted by the disputes app.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from accounts.services.activity import record_trade

from ..models import Order, OrderStatus


def order_changed(order: Order, *, from_status: str) -> None:
    if order.status == OrderStatus.RELEASED:
        _released(order, from_status=from_status)
    elif order.status == OrderStatus.PAID and from_status == OrderStatus.AWAITING_PAYMENT:
        _paid(order)
    elif order.status == OrderStatus.CANCELED:
        _canceled(order, from_status=from_status)


def _day(moment: datetime | None) -> date:
    return (moment or timezone.now()).astimezone(UTC).date()


def _seconds(start: datetime | None, end: datetime | None) -> int:
    if start is None or end is None:
        return 0
    return max(int((end - start).total_seconds()), 0)


def _released(order: Order, *, from_status: str) -> None:
    symbol, day = order.asset.symbol, _day(order.released_at)
    record_trade(
        user=order.buyer_id, asset_symbol=symbol, day=day, completed=1, volume=order.amount
    )
    seller_counts: dict[str, int] = {}
    if from_status == OrderStatus.PAID and order.paid_at is not None:
        seller_counts = {
            "released_count": 1,
            "release_seconds": _seconds(order.paid_at, order.released_at),
        }
    record_trade(
        user=order.seller_id,
        asset_symbol=symbol,
        day=day,
        completed=1,
        volume=order.amount,
        **seller_counts,
    )


def _paid(order: Order) -> None:
    clock_started = None
    if order.pay_by is not None:
        clock_started = order.pay_by - timedelta(minutes=order.payment_window_minutes)
    record_trade(
        user=order.buyer_id,
        asset_symbol=order.asset.symbol,
        day=_day(order.paid_at),
        paid_count=1,
        pay_seconds=_seconds(clock_started, order.paid_at),
    )


def _canceled(order: Order, *, from_status: str) -> None:
    if from_status == OrderStatus.DISPUTED:
        through = order.buyer_id  # staff refunded the seller: the buyer lost the dispute
    elif from_status == OrderStatus.AWAITING_PAYMENT and order.canceled_by_id in (
        None,  # the payment window ran out
        order.buyer_id,
    ):
        through = order.buyer_id
    else:
        return  # a held order rejected in review: nobody's cancellation
    record_trade(
        user=through, asset_symbol=order.asset.symbol, day=_day(order.canceled_at), canceled=1
    )
