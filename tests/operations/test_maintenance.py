"""Maintenance switches staff turn on in the configuration: new orders or new ads are refused
with the message staff wrote, what is already open goes on, and switching off takes effect at
once."""

from __future__ import annotations

import pytest

from ads.models import AdStatus, Side
from ads.services import AdError
from ads.services import ad_go_online as go_online
from core.config.services import config_set
from orders import services
from orders.models import Order, OrderStatus
from tests.factories import make_user
from tests.orders.factories import Market, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():
    return make_user(staff=True, perms=["core.change_configuration"])


def switch(operator, key, on, message=""):
    if message:
        config_set(actor=operator, key="MAINTENANCE_MESSAGE", value=message, reason="upgrade")
    config_set(actor=operator, key=key, value="true" if on else "false", reason="upgrade")


def test_no_new_orders_refuses_an_order_with_the_staff_message(operator):
    market = Market()
    ad = market.online_ad(Side.SELL)
    open_order = place(market.buyer(), ad)
    switch(operator, "MAINTENANCE_NO_NEW_ORDERS", True, "Back at 03:00 HKT")
    buyer = market.buyer()
    with pytest.raises(services.OrderError) as refused:
        place(buyer, ad)
    assert str(refused.value.message) == "Back at 03:00 HKT"
    assert not Order.objects.filter(taker=buyer).exists()
    open_order.refresh_from_db()
    assert open_order.status == OrderStatus.AWAITING_PAYMENT  # open orders go on


def test_switching_it_off_takes_new_orders_again(operator):
    market = Market()
    ad = market.online_ad(Side.SELL)
    switch(operator, "MAINTENANCE_NO_NEW_ORDERS", True)
    switch(operator, "MAINTENANCE_NO_NEW_ORDERS", False)
    assert place(market.buyer(), ad).status == OrderStatus.AWAITING_PAYMENT


def test_no_new_ads_refuses_an_ad_going_online_and_keeps_those_online(operator):
    market = Market()
    online = market.online_ad(Side.SELL)
    waiting = market.ad(Side.SELL)
    switch(operator, "MAINTENANCE_NO_NEW_ADS", True)
    with pytest.raises(AdError) as refused:
        go_online(actor=market.user, ad_id=waiting.pk)
    assert "paused for maintenance" in str(refused.value.message)
    waiting.refresh_from_db()
    online.refresh_from_db()
    assert (waiting.status, online.status) == (AdStatus.OFFLINE, AdStatus.ONLINE)


def test_no_new_ads_refuses_a_new_ad(operator):
    market = Market()
    switch(operator, "MAINTENANCE_NO_NEW_ADS", True)
    with pytest.raises(AdError):
        market.ad(Side.SELL)
    assert not market.merchant.ads.exists()
