"""Order history as the staff console's periodic scans read it: counts per person over a window
(orders placed, counterparties, cancellations) and one merchant's figures over a window. Read
only; `risk` itself never sees these tables, the scans pass it what they found."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from statistics import median

from django.db.models import Count, Q

from ..models import Order, OrderStatus


def placed_counts_since(*, since: datetime) -> dict[int, int]:
    """Per taker: the orders they placed since `since`."""
    rows = (
        Order.objects.filter(created_at__gte=since)
        .values("taker_id")
        .annotate(n=Count("id"))
        .values_list("taker_id", "n")
    )
    return dict(rows)


def counterparty_counts_since(*, since: datetime) -> dict[int, int]:
    """Per person: how many different people they traded with in orders placed since `since`
    (on either side)."""
    seen: dict[int, set[int]] = defaultdict(set)
    pairs = Order.objects.filter(created_at__gte=since).values_list("buyer_id", "seller_id")
    for buyer_id, seller_id in pairs.iterator():
        seen[buyer_id].add(seller_id)
        seen[seller_id].add(buyer_id)
    return {user_id: len(others) for user_id, others in seen.items()}


def cancellation_counts_since(*, since: datetime) -> dict[int, int]:
    """Per person: the orders they canceled themselves since `since` (timeouts and staff
    cancellations are not theirs)."""
    rows = (
        Order.objects.filter(
            status=OrderStatus.CANCELED, canceled_at__gte=since, canceled_by__isnull=False
        )
        .values("canceled_by_id")
        .annotate(n=Count("id"))
        .values_list("canceled_by_id", "n")
    )
    return dict(rows)


def party_order_counts_since(*, since: datetime) -> dict[int, int]:
    """Per person: the orders placed since `since` in which they are buyer or seller."""
    counts: Counter[int] = Counter()
    pairs = Order.objects.filter(created_at__gte=since).values_list("buyer_id", "seller_id")
    for buyer_id, seller_id in pairs.iterator():
        counts[buyer_id] += 1
        counts[seller_id] += 1
    return dict(counts)


@dataclass(frozen=True)
class PartyOrderHistory:
    """One person's orders placed in a window, as a merchant's risk score reads them."""

    orders: int = 0
    released: int = 0
    canceled_by_them: int = 0
    # minutes from "paid" to release, on the orders they sold and released
    release_minutes: list[Decimal] = field(default_factory=list)
    # the crypto traded, per asset id, on orders released
    volume_by_asset: dict[int, Decimal] = field(default_factory=dict)

    @property
    def median_release_minutes(self) -> Decimal | None:
        return median(self.release_minutes) if self.release_minutes else None


def party_order_history(*, user_id: int, since: datetime) -> PartyOrderHistory:
    rows = Order.objects.filter(
        Q(buyer_id=user_id) | Q(seller_id=user_id), created_at__gte=since
    ).values_list(
        "status", "seller_id", "canceled_by_id", "paid_at", "released_at", "asset_id", "amount"
    )
    orders = released = canceled = 0
    minutes: list[Decimal] = []
    volume: dict[int, Decimal] = defaultdict(Decimal)
    for status, seller_id, canceled_by_id, paid_at, released_at, asset_id, amount in rows:
        orders += 1
        if status == OrderStatus.RELEASED:
            released += 1
            volume[asset_id] += amount
            if seller_id == user_id and paid_at is not None and released_at is not None:
                seconds = Decimal((released_at - paid_at).total_seconds())
                minutes.append(max(seconds, Decimal(0)) / 60)
        elif status == OrderStatus.CANCELED and canceled_by_id == user_id:
            canceled += 1
    return PartyOrderHistory(
        orders=orders,
        released=released,
        canceled_by_them=canceled,
        release_minutes=sorted(minutes),
        volume_by_asset=dict(volume),
    )
