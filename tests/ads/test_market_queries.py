"""A market page costs the same number of SQL queries for 2 ads as for 20 (no N+1)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ads.models import Ad, Side
from ads.selectors import PAGE_SIZE

from . import market_factories as mf

pytestmark = pytest.mark.django_db


def warm_site_caches(client) -> None:
    """Every page reads the announcements in force and the run-time configuration from caches
    that a first page fills: the counts below are of pages after that one."""
    assert client.get(reverse("market:p2p")).status_code == 200


def queries_for(client, url: str, params: dict[str, str], expected_rows: int) -> int:
    warm_site_caches(client)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    assert len(response.context["rows"]) == expected_rows
    return len(captured.captured_queries)


def add_ads(count: int, *, side: str, kinds: list, margin: bool) -> list[Ad]:
    """`count` ads, each from its own merchant and tier, half floating when `margin`."""
    return [
        mf.ad(
            owner=mf.merchant(merchant_tier=mf.tier(label=f"T{n}")),
            side=side,
            payment=kinds,
            price=f"7.{60 + n}",
            margin="100.5" if margin and n % 2 else None,
        )
        for n in range(count)
    ]


ROW = re.compile(
    r'<tr data-ad="(?P<ad>[^"]+)">.*?<a href="[^"]*">(?P<merchant>[^<]+)</a>'
    r'.*?<span class="market-price">(?P<price>[^<]+)</span>',
    re.S,
)


def shown_rows(body: str) -> list[tuple[str, str, str]]:
    """(ad, merchant, price) of each market row, in the order the page lists them."""
    return [(m["ad"], m["merchant"].strip(), m["price"]) for m in ROW.finditer(body)]


def cheapest_first(ads: list[Ad]) -> list[tuple[str, str, str]]:
    """What the Buy tab's first page must list of fixed-price sell ads made one after another
    (equal prices: the older ad first)."""
    ordered = sorted(enumerate(ads), key=lambda item: (item[1].fixed_price, item[0]))
    return [
        (ad.public_id, ad.merchant.display_name, f"{ad.fixed_price:.2f}")
        for _, ad in ordered[:PAGE_SIZE]
    ]


def fragment(client, url: str, headers: dict[str, str]) -> tuple[str, int]:
    """The htmx answer's body and the number of queries it cost, once it is checked to be the
    results fragment (not a whole page, not an error)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "<body" not in body
    assert 'class="market-summary"' in body
    assert "hx-swap-oob" in body
    return body, len(captured.captured_queries)


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
    seeded = add_ads(2, side=Side.SELL, kinds=kinds, margin=False)
    warm_site_caches(client)
    body, small = fragment(client, url, headers)
    assert shown_rows(body) == cheapest_first(seeded)
    assert [price for _, _, price in shown_rows(body)] == ["7.60", "7.61"]
    assert "2 ads selling USDT for HKD" in " ".join(body.split())

    seeded += add_ads(PAGE_SIZE, side=Side.SELL, kinds=kinds, margin=False)
    body, full = fragment(client, url, headers)
    assert shown_rows(body) == cheapest_first(seeded)
    assert len(shown_rows(body)) == PAGE_SIZE
    assert f"{PAGE_SIZE + 2} ads selling USDT for HKD" in " ".join(body.split())
    assert full == small


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
    warm_site_caches(client)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add(15)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
