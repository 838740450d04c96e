"""What a configuration change would touch in orders, for the preview staff see before saving."""

from __future__ import annotations

from django.db.models import Count

from ..models import OPEN_STATUSES, Order


def open_orders_count() -> int:
    return Order.objects.filter(status__in=OPEN_STATUSES).count()


def takers_at_open_cap(*, cap: int) -> int:
    """People whose open orders as takers already reach `cap`."""
    return (
        Order.objects.filter(status__in=OPEN_STATUSES)
        .values("taker")
        .annotate(open=Count("pk"))
        .filter(open__gte=cap)
        .count()
    )
