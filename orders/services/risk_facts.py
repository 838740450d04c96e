"""What the order service tells the risk rules about an order being placed: its figures, the
taker's age, and how large the taker's own orders in this fiat have been over 30 days."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db.models import Aggregate, Count, DecimalField
from django.utils import timezone

from accounts.models import User
from risk.engine import OrderPlaceFacts
from risk.engine.identity import identity_of

from ..models import Order, OrderStatus


class _Median(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DecimalField()


def placement_facts(*, order: Order, taker: User) -> OrderPlaceFacts:
    now = timezone.now()
    earlier = (
        Order.objects.filter(
            taker=taker, fiat_id=order.fiat_id, created_at__gt=now - timedelta(days=30)
        )
        .exclude(pk=order.pk)
        .exclude(status=OrderStatus.CANCELED)
        .aggregate(count=Count("id"), median=_Median("fiat_total"))
    )
    median = earlier["median"]
    return OrderPlaceFacts(
        user_id=taker.pk,
        subject=f"order:{order.public_id}",
        now=now,
        joined_at=taker.date_joined,
        identity=identity_of(user=taker),
        fiat_code=order.fiat.code,
        fiat_total=order.fiat_total,
        orders_30_days=earlier["count"],
        median_30_days=None if median is None else Decimal(median),
    )
