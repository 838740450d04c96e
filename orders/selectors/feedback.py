"""Reads of the feedback after a trade: what a party sees on the order page, and the public
list of what a person received."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User

from ..models import Order, OrderFeedback, OrderStatus
from ..services.feedback import FEEDBACK_PAGE_SIZE, author_name, editable_until


@dataclass(frozen=True)
class OrderFeedbackView:
    """The feedback part of an order page, for one of its parties."""

    mine: OrderFeedback | None
    theirs: OrderFeedback | None
    can_leave: bool
    editable_until: datetime | None  # set while `mine` may still change

    @property
    def can_edit(self) -> bool:
        return self.editable_until is not None


def feedback_for_order(*, order: Order, user: User) -> OrderFeedbackView | None:
    """What a party sees of the order's feedback; None before release (or for anyone else)."""
    if order.status != OrderStatus.RELEASED or order.role_of(user.pk) is None:
        return None
    given = {row.author_id: row for row in OrderFeedback.objects.filter(order=order)}
    mine = given.get(user.pk)
    theirs = next((row for author, row in given.items() if author != user.pk), None)
    until = editable_until(mine) if mine is not None else None
    if until is not None and until <= timezone.now():
        until = None
    return OrderFeedbackView(mine=mine, theirs=theirs, can_leave=mine is None, editable_until=until)


def feedback_received(*, user: User, rating: str) -> QuerySet[OrderFeedback]:
    """Feedback `user` received with this rating, newest first (the public list: it shows the
    comment, the date and the asset, never the order number or amounts)."""
    return (
        OrderFeedback.objects.filter(recipient=user, rating=rating)
        .select_related("author", "order__asset", "order__ad__merchant")
        .order_by("-created_at", "-id")
    )


@dataclass(frozen=True)
class PublicFeedback:
    author_name: str
    asset_symbol: str
    rating: str
    comment: str
    created_at: datetime
    edited: bool


def feedback_page(*, user: User, rating: str, page_number: str | None) -> Page[OrderFeedback]:
    return Paginator(feedback_received(user=user, rating=rating), FEEDBACK_PAGE_SIZE).get_page(
        page_number
    )


def public_rows(page: Page[OrderFeedback]) -> list[PublicFeedback]:
    return [
        PublicFeedback(
            author_name=author_name(row.order, row.author),
            asset_symbol=row.order.asset.symbol,
            rating=row.rating,
            comment=row.comment,
            created_at=row.created_at,
            edited=row.updated_at is not None,
        )
        for row in page
    ]
