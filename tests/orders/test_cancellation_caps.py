"""A buyer who cancels (or lets orders time out) too often is paused, longer each time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Restriction
from accounts.models.security import RestrictionKind
from accounts.selectors import active_restriction
from orders import services
from orders.models import Order

from .factories import Market, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(settings):
    settings.MAKER_FEE_RATES = {}
    settings.ORDER_MAX_OPEN_PER_USER = 10
    settings.ORDER_CANCEL_LIMIT = 3
    settings.ORDER_CANCEL_RESTRICT_HOURS = [1, 4, 24]
    return Market()


def cancel(buyer, ad) -> Order:
    order = place(buyer, ad, fiat="100")
    services.order_cancel(actor=buyer, public_id=order.public_id, reason="Changed my mind")
    return order


def time_out(buyer, ad) -> Order:
    order = place(buyer, ad, fiat="100")
    Order.objects.filter(pk=order.pk).update(pay_by=timezone.now() - timedelta(seconds=1))
    assert services.order_expire(public_id=order.public_id)
    return order


def paused_for(user) -> timedelta | None:
    restriction = active_restriction(user=user, kind=RestrictionKind.TRADE)
    if restriction is None:
        return None
    assert restriction.until is not None  # a pause always ends
    return restriction.until - restriction.starts_at


def test_the_fourth_cancellation_pauses_new_orders_for_an_hour(market):
    ad = market.online_ad()
    buyer = market.buyer()
    cancel(buyer, ad)
    cancel(buyer, ad)
    time_out(buyer, ad)  # timeouts count
    assert paused_for(buyer) is None
    cancel(buyer, ad)
    pause = paused_for(buyer)
    assert pause is not None
    assert timedelta(minutes=59) < pause <= timedelta(hours=1, seconds=5)
    with pytest.raises(services.OrderError, match="New orders are paused"):
        place(buyer, ad, fiat="100")


def test_the_pause_grows_each_time(market):
    ad = market.online_ad()
    buyer = market.buyer()
    for _ in range(4):
        cancel(buyer, ad)
    Restriction.objects.filter(user=buyer).update(lifted_at=timezone.now())
    cancel(buyer, ad)
    pause = paused_for(buyer)
    assert pause is not None
    assert pause > timedelta(hours=3, minutes=59)


def test_cancellations_older_than_a_day_do_not_count(market):
    ad = market.online_ad()
    buyer = market.buyer()
    for _ in range(3):
        cancel(buyer, ad)
    Order.objects.filter(buyer=buyer).update(canceled_at=timezone.now() - timedelta(hours=25))
    cancel(buyer, ad)
    assert paused_for(buyer) is None
