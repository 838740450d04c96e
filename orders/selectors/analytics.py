"""Orders' part of the daily figures: per asset and fiat, the orders placed on a UTC day and
where they ended, what completed orders moved and earned, and how long paying and releasing
took (median and 95th percentile, in seconds). Also the held orders waiting for a reviewer."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Aggregate, Count, Exists, F, FloatField, OuterRef, Q, Sum
from django.db.models.functions import Extract

from core.clock import utc_day_bounds
from core.waiting import Waiting, waiting

from ..models import Order, OrderEvent, OrderStatus


class _Percentile(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=fraction, **extra)


def _seconds(later: str, earlier: str) -> Any:
    return Extract(F(later) - F(earlier), "epoch")


def _whole(value: float | None) -> int | None:
    return None if value is None else round(value)


def order_day_figures(*, day: date) -> list[dict[str, Any]]:
    """One dict per (asset, fiat) with orders placed on `day` (UTC)."""
    start, end = utc_day_bounds(day)
    went_to_dispute = OrderEvent.objects.filter(
        order_id=OuterRef("pk"), to_status=OrderStatus.DISPUTED
    )
    released = Q(status=OrderStatus.RELEASED)
    rows = (
        Order.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(disputed_once=Exists(went_to_dispute))
        .values(asset_code=F("asset__symbol"), fiat_code=F("fiat__code"))
        .annotate(
            placed=Count("pk"),
            completed=Count("pk", filter=released),
            canceled=Count("pk", filter=Q(status=OrderStatus.CANCELED)),
            still_open=Count(
                "pk", filter=~Q(status__in=[OrderStatus.RELEASED, OrderStatus.CANCELED])
            ),
            disputed=Count("pk", filter=Q(disputed_once=True)),
            volume=Sum("amount", filter=released),
            fiat_volume=Sum("fiat_total", filter=released),
            fees=Sum("fee", filter=released),
            merchants=Count("ad__merchant", distinct=True),
            ads=Count("ad", distinct=True),
            pay_p50=_Percentile(_seconds("paid_at", "created_at"), 0.5),
            pay_p95=_Percentile(_seconds("paid_at", "created_at"), 0.95),
            release_p50=_Percentile(_seconds("released_at", "paid_at"), 0.5),
            release_p95=_Percentile(_seconds("released_at", "paid_at"), 0.95),
        )
        .order_by("asset_code", "fiat_code")
    )
    figures = []
    for row in rows:
        for name in ("pay_p50", "pay_p95", "release_p50", "release_p95"):
            row[name] = _whole(row[name])
        figures.append(row)
    return figures


def held_orders_waiting() -> Waiting:
    return waiting(Order.objects.filter(status=OrderStatus.PENDING), "created_at")
