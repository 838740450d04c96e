"""The daily rollups the dashboard reads: a day recomputed from its orders gives exactly what a
count over those orders gives, recomputing changes nothing, and a day whose orders moved on is
brought up to date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from math import floor

import pytest

from operations.analytics.models import OrderDay, PlatformDay
from operations.analytics.rollup import rollup_day
from orders.models import Order, OrderEvent, OrderStatus
from tests.orders.factories import Market, place

pytestmark = pytest.mark.django_db

DAY = datetime(2026, 11, 20, tzinfo=UTC)


def percentile_cont(values: list[int], fraction: float) -> int | None:
    """PostgreSQL's percentile_cont: linear between the two nearest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = floor(position)
    high = min(low + 1, len(ordered) - 1)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (position - low))


@pytest.fixture
def day_of_orders():
    """Seven orders placed on DAY: four released, two canceled, one disputed and open."""
    market = Market()
    ad = market.online_ad(total_quantity=Decimal(900))
    orders = [place(market.buyer(), ad, fiat="100") for _ in range(7)]
    plan = [
        (OrderStatus.RELEASED, 120, 60),
        (OrderStatus.RELEASED, 300, 30),
        (OrderStatus.RELEASED, 600, 900),
        (OrderStatus.RELEASED, 60, 45),
        (OrderStatus.CANCELED, None, None),
        (OrderStatus.CANCELED, 200, None),
        (OrderStatus.DISPUTED, 400, None),
    ]
    for number, (order, (status, pay, release)) in enumerate(zip(orders, plan, strict=True)):
        created = DAY + timedelta(hours=number)
        paid = created + timedelta(seconds=pay) if pay is not None else None
        released = paid + timedelta(seconds=release) if release is not None and paid else None
        Order.objects.filter(pk=order.pk).update(
            status=status, created_at=created, paid_at=paid, released_at=released
        )
        if status == OrderStatus.DISPUTED:
            OrderEvent.objects.create(order=order, from_status="paid", to_status=status)
    # an order the day before does not count
    earlier = place(market.buyer(), ad, fiat="100")
    Order.objects.filter(pk=earlier.pk).update(created_at=DAY - timedelta(minutes=1))
    return market


def expected(market) -> dict[str, object]:
    orders = list(Order.objects.filter(created_at__gte=DAY, created_at__lt=DAY + timedelta(1)))
    done = [o for o in orders if o.status == OrderStatus.RELEASED]
    pay = [int((o.paid_at - o.created_at).total_seconds()) for o in orders if o.paid_at]
    release = [int((o.released_at - o.paid_at).total_seconds()) for o in done]
    return {
        "placed": len(orders),
        "completed": len(done),
        "canceled": sum(o.status == OrderStatus.CANCELED for o in orders),
        "still_open": sum(o.status == OrderStatus.DISPUTED for o in orders),
        "disputed": 1,
        "volume": sum((o.amount for o in done), Decimal(0)),
        "fiat_volume": sum((o.fiat_total for o in done), Decimal(0)),
        "fees": sum((o.fee for o in done), Decimal(0)),
        "merchants": 1,
        "ads": 1,
        "pay_p50": percentile_cont(pay, 0.5),
        "pay_p95": percentile_cont(pay, 0.95),
        "release_p50": percentile_cont(release, 0.5),
        "release_p95": percentile_cont(release, 0.95),
    }


def test_a_rolled_up_day_equals_the_count_over_its_orders(day_of_orders):
    rollup_day(day=DAY.date())
    row = OrderDay.objects.get(day=DAY.date())
    assert (row.asset, row.fiat) == (day_of_orders.asset.symbol, day_of_orders.fiat.code)
    assert {name: getattr(row, name) for name in expected(day_of_orders)} == expected(day_of_orders)


def test_rolling_up_a_day_again_changes_nothing(day_of_orders):
    rollup_day(day=DAY.date())
    first = list(OrderDay.objects.values("day", "placed", "completed", "volume", "pay_p50"))
    rollup_day(day=DAY.date())
    again = list(OrderDay.objects.values("day", "placed", "completed", "volume", "pay_p50"))
    assert again == first
    assert PlatformDay.objects.filter(day=DAY.date()).count() == 1


def test_a_day_whose_orders_moved_on_is_brought_up_to_date(day_of_orders):
    rollup_day(day=DAY.date())
    disputed = Order.objects.get(status=OrderStatus.DISPUTED)
    Order.objects.filter(pk=disputed.pk).update(
        status=OrderStatus.RELEASED, released_at=disputed.paid_at + timedelta(seconds=10)
    )
    rollup_day(day=DAY.date())
    row = OrderDay.objects.get(day=DAY.date())
    assert (row.completed, row.still_open, row.disputed) == (5, 0, 1)


def test_a_day_without_orders_has_no_order_rows():
    rollup_day(day=DAY.date())
    assert not OrderDay.objects.exists()
    assert PlatformDay.objects.get(day=DAY.date()).new_users == 0
