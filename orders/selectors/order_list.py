"""The user's orders: filters, rows and the CSV export."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from accounts.models import User
from ads.selectors import fiat_text
from core.money import format_amount

from ..models import Order
from .parties import (
    SIDE_BOUGHT,
    SIDE_SOLD,
    OrderFigures,
    counterparty_name,
    is_user,
    order_figures,
)

# --- the user's orders ---------------------------------------------------------------------


@dataclass(frozen=True)
class OrderFilters:
    status: str = ""
    asset: str = ""  # asset symbol
    side: str = ""  # SIDE_BOUGHT or SIDE_SOLD, from the user's side
    date_from: date | None = None
    date_to: date | None = None


def orders_for_user(*, user: User, filters: OrderFilters | None = None) -> QuerySet[Order]:
    """The user's orders, as buyer or seller, newest first."""
    if not is_user(user):
        return Order.objects.none()
    filters = filters or OrderFilters()
    orders = Order.objects.filter(Q(buyer_id=user.pk) | Q(seller_id=user.pk))
    if filters.status:
        orders = orders.filter(status=filters.status)
    if filters.asset:
        orders = orders.filter(asset__symbol=filters.asset)
    if filters.side == SIDE_BOUGHT:
        orders = orders.filter(buyer_id=user.pk)
    elif filters.side == SIDE_SOLD:
        orders = orders.filter(seller_id=user.pk)
    if filters.date_from:
        orders = orders.filter(created_at__date__gte=filters.date_from)
    if filters.date_to:
        orders = orders.filter(created_at__date__lte=filters.date_to)
    return orders.select_related("asset", "fiat", "buyer", "seller", "ad__merchant").order_by(
        "-created_at", "-id"
    )


@dataclass(frozen=True)
class OrderRow:
    """One line of the user's order list."""

    order: Order
    side: str  # SIDE_BOUGHT or SIDE_SOLD, from the user's side
    counterparty: str
    figures: OrderFigures


def order_rows(*, orders: Iterable[Order], user: User) -> list[OrderRow]:
    return [
        OrderRow(
            order=order,
            side=SIDE_BOUGHT if order.buyer_id == user.pk else SIDE_SOLD,
            counterparty=counterparty_name(order=order, user=user),
            figures=order_figures(order=order),
        )
        for order in orders
    ]


EXPORT_HEADER = [
    "public_id",
    "created",
    "side",
    "asset",
    "amount",
    "fiat",
    "price",
    "total",
    "status",
    "counterparty",
    "fee",
    "paid",
    "released",
]


def order_export_rows(*, user: User, filters: OrderFilters) -> Iterator[list[str]]:
    """The CSV rows of the user's filtered orders: every figure a Decimal written as text, times
    in ISO 8601 (UTC), empty where the order was never paid or released."""
    for order in orders_for_user(user=user, filters=filters).iterator(chunk_size=500):
        yield [
            order.public_id,
            order.created_at.isoformat(),
            SIDE_BOUGHT if order.buyer_id == user.pk else SIDE_SOLD,
            order.asset.symbol,
            format_amount(order.amount),
            order.fiat.code,
            fiat_text(order.price, order.fiat.minor_units),
            fiat_text(order.fiat_total, order.fiat.minor_units),
            order.status,
            counterparty_name(order=order, user=user),
            format_amount(order.fee),
            order.paid_at.isoformat() if order.paid_at else "",
            order.released_at.isoformat() if order.released_at else "",
        ]
