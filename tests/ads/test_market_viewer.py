"""The market as one viewer sees it: their own ads and blocked merchants' ads are not listed,
ads whose counterparty conditions they fail are marked with the reason, and the sort choices."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Block, KycSubmission, TradeDay
from ads.models import Ad
from ads.selectors import TakerStanding, taker_unmet_reason
from tests.factories import make_user

from . import market_factories as mf

pytestmark = pytest.mark.django_db


def listed(client, **params) -> list[str]:
    response = client.get(reverse("market:p2p"), params)
    assert response.status_code == 200
    return [row.ad.public_id for row in response.context["rows"]]


def page_text(client, **params) -> str:
    response = client.get(reverse("market:p2p"), params)
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def trades(user, *, completed: int = 0, canceled: int = 0, days_ago: int = 0, **more) -> None:
    TradeDay.objects.create(
        user=user,
        day=timezone.now().date() - timedelta(days=days_ago),
        asset_symbol="USDT",
        completed=completed,
        canceled=canceled,
        **more,
    )


@pytest.fixture
def usdt_hkd():
    return mf.asset("USDT"), mf.fiat("HKD")


# --- hidden from the viewer ------------------------------------------------------------------


def test_a_merchant_does_not_see_their_own_ads(client, usdt_hkd):
    mine, theirs = mf.ad(price="7.70"), mf.ad(price="7.80")
    client.force_login(mine.merchant.user)
    assert listed(client) == [theirs.public_id]
    client.logout()
    assert listed(client) == [mine.public_id, theirs.public_id]


@pytest.mark.parametrize("direction", ["viewer blocked merchant", "merchant blocked viewer"])
def test_ads_of_a_merchant_blocked_either_way_are_not_listed(client, usdt_hkd, direction):
    blocked, other = mf.ad(price="7.70"), mf.ad(price="7.80")
    viewer = make_user()
    if direction == "viewer blocked merchant":
        Block.objects.create(blocker=viewer, blocked=blocked.merchant.user)
    else:
        Block.objects.create(blocker=blocked.merchant.user, blocked=viewer)
    client.force_login(viewer)
    assert listed(client) == [other.public_id]
    assert blocked.merchant.display_name not in page_text(client)


# --- marked for the viewer -------------------------------------------------------------------


def conditioned(**conditions) -> Ad:
    ad = mf.ad()
    Ad.objects.filter(pk=ad.pk).update(**conditions)
    return ad


@pytest.mark.parametrize(
    ("conditions", "reason"),
    [
        ({"min_kyc_level": 1}, "This ad needs identity verification level 1."),
        ({"min_account_age_days": 30}, "This ad needs an account at least 30 days old."),
        ({"min_completed_orders": 5}, "This ad needs 5 completed orders."),
        (
            {"min_completion_rate": Decimal("90")},
            "This ad needs a 30-day completion rate of at least 90%; you have none yet.",
        ),
    ],
)
def test_an_ad_whose_conditions_the_viewer_fails_is_listed_with_the_reason(
    client, usdt_hkd, conditions, reason
):
    ad = conditioned(**conditions)
    client.force_login(make_user())
    assert listed(client) == [ad.public_id]
    page = page_text(client)
    assert f'<p class="market-unmet" role="note">{reason}</p>' in page
    assert f'href="/orders/new/{ad.public_id}/"' not in page  # no way into a refused order


def test_a_viewer_who_meets_the_conditions_gets_the_order_link(client, usdt_hkd):
    ad = conditioned(
        min_kyc_level=1,
        min_account_age_days=10,
        min_completed_orders=3,
        min_completion_rate=Decimal("75"),
    )
    viewer = make_user()
    type(viewer).objects.filter(pk=viewer.pk).update(
        date_joined=timezone.now() - timedelta(days=11)
    )
    KycSubmission.objects.create(user=viewer, level=1, status="approved", legal_name="V")
    trades(viewer, completed=2, days_ago=100)  # old: counts for orders, not for the rate
    trades(viewer, completed=3, canceled=1)  # 75% over 30 days
    client.force_login(viewer)
    page = page_text(client)
    assert "market-unmet" not in page
    assert f'href="/orders/new/{ad.public_id}/"' in page


def test_a_low_completion_rate_says_the_viewer_s_own_rate(client, usdt_hkd):
    conditioned(min_completion_rate=Decimal("90"))
    viewer = make_user()
    trades(viewer, completed=4, canceled=1)
    client.force_login(viewer)
    assert "This ad needs a 30-day completion rate of at least 90%; yours is 80%." in page_text(
        client
    )


def test_anonymous_visitors_see_no_marks(client, usdt_hkd):
    conditioned(min_kyc_level=2)
    assert "market-unmet" not in page_text(client)


def test_the_reason_is_a_pure_function_of_the_figures(usdt_hkd):
    ad = conditioned(min_kyc_level=1, min_completed_orders=2)
    ad.refresh_from_db()
    fresh = TakerStanding(kyc_level=0, account_age_days=0, completed_orders=0, completion_rate=None)
    assert taker_unmet_reason(ad, fresh) == "This ad needs identity verification level 1."
    verified = TakerStanding(
        kyc_level=1, account_age_days=0, completed_orders=2, completion_rate=None
    )
    assert taker_unmet_reason(ad, verified) is None


def test_the_viewer_s_page_costs_the_same_queries_for_5_and_30_ads(client, usdt_hkd):
    viewer = make_user()
    Block.objects.create(blocker=viewer, blocked=make_user())
    client.force_login(viewer)

    def add(count: int) -> None:
        for n in range(count):
            ad = mf.ad(owner=mf.merchant(), price=f"7.{10 + n}")
            Ad.objects.filter(pk=ad.pk).update(min_kyc_level=n % 2, min_completed_orders=n % 3)

    def cost(**params) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("market:p2p"), params)
        assert response.status_code == 200
        return len(captured.captured_queries)

    add(5)
    cost()  # the first request of a session reads what later ones have cached
    small = {sort: cost(sort=sort) for sort in ("price", "completion", "orders", "release")}
    add(25)
    large = {sort: cost(sort=sort) for sort in ("price", "completion", "orders", "release")}
    assert large == small


# --- sorting ---------------------------------------------------------------------------------


@pytest.fixture
def three_merchants(usdt_hkd):
    """Cheap: 2 orders, 10 min release, 50%; middle: 8 orders, 5 min, 80%; dear: 5 orders,
    150 s, 100%."""
    cheap, middle, dear = mf.ad(price="7.70"), mf.ad(price="7.80"), mf.ad(price="7.90")
    trades(cheap.merchant.user, completed=2, canceled=2, released_count=2, release_seconds=1200)
    trades(middle.merchant.user, completed=8, canceled=2, released_count=8, release_seconds=2400)
    trades(dear.merchant.user, completed=5, released_count=5, release_seconds=5 * 150)
    return cheap, middle, dear


def ids(*ads: Ad) -> list[str]:
    return [ad.public_id for ad in ads]


def test_price_is_the_default_sort(client, three_merchants):
    cheap, middle, dear = three_merchants
    assert listed(client) == ids(cheap, middle, dear)
    assert listed(client, sort="price") == ids(cheap, middle, dear)
    assert listed(client, sort="no-such-sort") == ids(cheap, middle, dear)


def test_sort_by_completion_rate(client, three_merchants):
    cheap, middle, dear = three_merchants
    assert listed(client, sort="completion") == ids(dear, middle, cheap)


def test_sort_by_completed_orders(client, three_merchants):
    cheap, middle, dear = three_merchants
    assert listed(client, sort="orders") == ids(middle, dear, cheap)


def test_sort_by_release_time_puts_merchants_without_releases_last(client, three_merchants):
    cheap, middle, dear = three_merchants
    unrated = mf.ad(price="7.50")
    assert listed(client, sort="release") == ids(dear, middle, cheap, unrated)
    page = page_text(client, sort="release")
    assert "Releases in 3 min on average" in page  # 150 s rounds to 3 min


def test_sort_on_the_sell_tab_breaks_ties_by_the_best_price_for_the_seller(client, usdt_hkd):
    low, high = mf.ad(side="buy", price="7.70"), mf.ad(side="buy", price="7.90")
    assert listed(client, tab="sell", sort="orders") == ids(high, low)


def test_the_sort_is_chosen_in_the_form_and_kept_in_page_links(client, usdt_hkd):
    for n in range(25):
        mf.ad(price=f"7.{10 + n}")
    page = page_text(client, sort="release")
    assert '<option value="release" selected>Fastest release</option>' in page
    next_link = re.search(r'rel="next" href="([^"]+)"', page)
    assert next_link is not None
    assert "sort=release" in next_link[1]
    assert next_link[1].endswith("page=2")
    default = page_text(client)
    assert "sort=" not in default.split('class="pagination"')[1]


def test_the_merchant_page_marks_ads_the_viewer_cannot_take_too(client, usdt_hkd):
    ad = conditioned(min_kyc_level=1)
    client.force_login(make_user())
    response = client.get(reverse("market:merchant", args=[ad.merchant.display_name]))
    page = " ".join(response.content.decode().split())
    assert "This ad needs identity verification level 1." in page
    assert f'href="/orders/new/{ad.public_id}/"' not in page
