"""Crypto amounts in the staff screens are shown by their asset's precision."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.money import format_crypto
from tests.orders.factories import Market, place

pytestmark = pytest.mark.django_db


def test_orders_and_ads_show_amounts_by_the_asset_precision(admin_client):
    market = Market(funds="5000")
    ad = market.online_ad()
    order = place(market.buyer(), ad)
    order.refresh_from_db()  # as the database holds it: 18 places
    shown = f"{format_crypto(order.amount, market.asset.precision)} {market.asset.symbol}"
    raw = f"{order.amount:f}"
    assert len(raw.split(".")[1]) == 18  # what the database holds
    for url in [
        reverse("admin:orders_order_changelist"),
        reverse("admin:orders_order_change", args=[order.pk]),
    ]:
        page = admin_client.get(url).content.decode()
        assert shown in page
        assert raw not in page
    ads = admin_client.get(reverse("admin:ads_ad_changelist")).content.decode()
    ad.refresh_from_db()
    assert f"{format_crypto(ad.remaining_quantity, market.asset.precision)} " in ads
    assert format_crypto(ad.remaining_quantity, market.asset.precision) in ads
    assert f"{ad.remaining_quantity:f}" not in ads
