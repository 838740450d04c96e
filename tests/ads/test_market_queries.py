"""A market page costs the same number of SQL queries for 2 ads as for 20 (no N+1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ads.models import Side
from ads.selectors import PAGE_SIZE

from . import market_factories as mf

pytestmark = pytest.mark.django_db


def queries_for(client, url: str, params: dict[str, str], expected_rows: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    assert len(response.context["rows"]) == expected_rows
    return len(captured.captured_queries)


def add_ads(count: int, *, side: str, kinds: list, margin: bool) -> None:
    """`count` ads, each from its own merchant and tier, half floating when `margin`."""
    for n in range(count):
        mf.ad(
            owner=mf.merchant(merchant_tier=mf.tier(label=f"T{n}")),
            side=side,
            payment=kinds,
            price=f"7.{60 + n}",
            margin="100.5" if margin and n % 2 else None,
        )


@pytest.mark.parametrize("tab", ["buy", "sell"])
def test_market_page_query_count_does_not_grow_with_the_page(client, tab):
    usdt, hkd = mf.asset("USDT"), mf.fiat("HKD")
    mf.index(on=usdt, currency=hkd, price="7.80")
    kinds = [mf.payment_type("bank", fiats=[hkd]), mf.payment_type("fps", fiats=[hkd])]
    side = Side.SELL if tab == "buy" else Side.BUY
    url, params = reverse("market:p2p"), {"tab": tab, "amount": "150", "payment": "bank"}

    add_ads(2, side=side, kinds=kinds, margin=True)
    small = queries_for(client, url, params, expected_rows=2)
    add_ads(PAGE_SIZE - 2 + 5, side=side, kinds=kinds, margin=True)
    full = queries_for(client, url, params, expected_rows=PAGE_SIZE)
    assert full == small
    # the count, the page, two prefetches, the three filter lists and the merchants' figures
    assert small <= 9


def test_htmx_fragment_query_count_is_constant_too(client):
    hkd = mf.fiat("HKD")
    kinds = [mf.payment_type("bank", fiats=[hkd])]
    url, headers = reverse("market:p2p"), {"HX-Request": "true"}
    add_ads(2, side=Side.SELL, kinds=kinds, margin=False)
    with CaptureQueriesContext(connection) as small:
        client.get(url, headers=headers)
    add_ads(PAGE_SIZE, side=Side.SELL, kinds=kinds, margin=False)
    with CaptureQueriesContext(connection) as full:
        client.get(url, headers=headers)
    assert len(full.captured_queries) == len(small.captured_queries)


def test_merchant_profile_query_count_does_not_grow_with_its_ads(client):
    hkd = mf.fiat("HKD")
    kinds = [mf.payment_type("bank", fiats=[hkd]), mf.payment_type("fps", fiats=[hkd])]
    seller = mf.merchant(name="Busy Desk")
    url = reverse("market:merchant", args=["Busy Desk"])

    def add(count: int) -> None:
        for n in range(count):
            mf.ad(owner=seller, payment=kinds, price=f"7.{60 + n}")
            mf.ad(owner=seller, side=Side.BUY, payment=kinds, price=f"7.{40 + n}")

    add(1)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add(15)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
