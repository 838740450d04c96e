"""Order and dispute history written straight into the tables, for the periodic scans: the
scans read history, so how it came about does not matter, only what it says."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import User
from ads.models import Ad
from disputes.models import Dispute, DisputeReason, DisputeStatus
from orders.models import Order, OrderStatus
from tests.ads.factories import Setup

_ids = itertools.count(1)


def make_order(
    ad: Ad,
    *,
    buyer: User,
    seller: User,
    taker: User | None = None,
    status: str = OrderStatus.RELEASED,
    at: datetime | None = None,
    amount: str = "10",
    canceled_by: User | None = None,
    release_minutes: int | None = None,
) -> Order:
    at = at or timezone.now() - timedelta(hours=1)
    amount_value = Decimal(amount)
    extra: dict[str, Any] = {}
    if status == OrderStatus.CANCELED:
        extra = {"canceled_at": at, "canceled_by": canceled_by}
    if release_minutes is not None:
        extra = {"paid_at": at, "released_at": at + timedelta(minutes=release_minutes)}
    number = next(_ids)
    return Order.objects.create(
        public_id=f"SCAN{number:08d}",
        ad=ad,
        taker=taker or buyer,
        buyer=buyer,
        seller=seller,
        asset=ad.asset,
        fiat=ad.fiat,
        price=Decimal("7.8"),
        amount=amount_value,
        fiat_total=amount_value * Decimal("7.8"),
        fee=Decimal(0),
        escrow_amount=amount_value,
        buyer_receives=amount_value,
        status=status,
        hold_id=number,
        pay_by=at + timedelta(minutes=15),
        payment_window_minutes=15,
        idempotency_key=f"scan-{number}",
        created_at=at,
        **extra,
    )


def make_dispute(
    order: Order,
    *,
    opened_by: User,
    respondent: User,
    outcome: str = "",
    at: datetime | None = None,
) -> Dispute:
    at = at or timezone.now() - timedelta(hours=1)
    return Dispute.objects.create(
        public_id=f"DSP{next(_ids):08d}",
        order=order,
        opened_by=opened_by,
        respondent=respondent,
        reason=DisputeReason.OTHER,
        description="seen in a scan test",
        status=DisputeStatus.RESOLVED if outcome else DisputeStatus.OPEN,
        outcome=outcome,
        respond_by=at + timedelta(days=1),
        created_at=at,
    )


def market() -> tuple[Setup, Ad]:
    """A merchant with an (offline) sell ad to hang orders on."""
    setup = Setup(funds="0")
    return setup, setup.ad()
