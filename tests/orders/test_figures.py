"""Trade figures: each order transition moves the right party's daily counters, and the
profile, the merchant center and the market read them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import TradeDay, User
from accounts.selectors import public_stats, trade_figures
from accounts.services.activity import record_trade
from ads.selectors import market_ads
from merchants.selectors import completed_orders_count, merchant_figures
from orders import services
from orders.models import Order, OrderStatus
from tests.ads import market_factories as mf
from tests.factories import make_user

from .factories import FUND_PASSWORD, Market, place

pytestmark = pytest.mark.django_db

COUNTERS = (
    "completed",
    "canceled",
    "volume",
    "paid_count",
    "pay_seconds",
    "released_count",
    "release_seconds",
    "positive",
    "negative",
)


@pytest.fixture
def market(settings) -> Market:
    settings.MAKER_FEE_RATES = {}
    return Market()


def counts(user: User) -> dict[str, object]:
    """A user's counters summed over every day and asset; only those that are not zero."""
    rows = TradeDay.objects.filter(user=user)
    totals: dict[str, object] = {}
    for name in COUNTERS:
        total = sum((getattr(row, name) for row in rows), Decimal(0) if name == "volume" else 0)
        if total:
            totals[name] = total
    return totals


def paid(market: Market) -> tuple[Order, User]:
    buyer = market.buyer()
    order = place(buyer, market.online_ad(), fiat="780")
    services.order_mark_paid(actor=buyer, public_id=order.public_id, method="FPS")
    order.refresh_from_db()
    return order, buyer


def test_paying_counts_the_buyers_payment_time_from_the_escrow_freezing(market):
    order, buyer = paid(market)
    assert order.pay_by is not None
    assert order.paid_at is not None
    opened = order.pay_by - timedelta(minutes=order.payment_window_minutes)
    seconds = int((order.paid_at - opened).total_seconds())
    assert counts(buyer) == {"paid_count": 1, **({"pay_seconds": seconds} if seconds else {})}
    assert counts(market.user) == {}
    assert TradeDay.objects.get(user=buyer).asset_symbol == market.asset.symbol


def test_a_release_completes_one_order_for_both_and_times_the_seller(market):
    order, buyer = paid(market)
    seller = market.seller_with_fund_password()
    services.order_release(actor=seller, public_id=order.public_id, fund_password=FUND_PASSWORD)
    order.refresh_from_db()
    assert order.released_at is not None
    assert order.paid_at is not None
    release = int((order.released_at - order.paid_at).total_seconds())
    assert order.amount == 100
    assert counts(buyer)["completed"] == 1
    assert counts(buyer)["volume"] == 100
    assert "released_count" not in counts(buyer)
    seller_counts = counts(seller)
    assert (seller_counts["completed"], seller_counts["volume"]) == (1, 100)
    assert seller_counts["released_count"] == 1
    assert seller_counts.get("release_seconds", 0) == release
    assert "paid_count" not in seller_counts
    assert trade_figures(user=seller).completion_rate == 100
    assert completed_orders_count(user=seller) == 1


def test_a_timeout_is_the_buyers_cancellation(market):
    buyer = market.buyer()
    order = place(buyer, market.online_ad(), fiat="100")
    Order.objects.filter(pk=order.pk).update(pay_by=timezone.now() - timedelta(seconds=1))
    assert services.order_expire(public_id=order.public_id)
    assert counts(buyer) == {"canceled": 1}
    assert counts(market.user) == {}
    assert trade_figures(user=buyer).completion_rate == 0


def test_a_buyer_cancel_is_the_buyers(market):
    buyer = market.buyer()
    order = place(buyer, market.online_ad(), fiat="100")
    services.order_cancel(actor=buyer, public_id=order.public_id, reason="Changed my mind")
    assert counts(buyer) == {"canceled": 1}
    assert counts(market.user) == {}


def test_a_staff_rejection_of_a_held_order_is_nobodys(market, settings):
    settings.RISK_NEW_ACCOUNT_MAX_FIAT = {market.fiat.code: "500"}
    newcomer = make_user()  # joined just now: held for review
    order = place(newcomer, market.online_ad(), fiat="780")
    assert order.status == OrderStatus.PENDING
    reviewer = make_user(staff=True, perms=["orders.review_held_order"])
    services.order_review_reject(actor=reviewer, public_id=order.public_id, reason="")
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELED
    assert not TradeDay.objects.exists()


def _disputed(market: Market) -> tuple[Order, User]:
    order, buyer = paid(market)
    Order.objects.filter(pk=order.pk).update(appeal_after=timezone.now() - timedelta(minutes=1))
    with transaction.atomic():
        services.order_dispute_open(actor=buyer, public_id=order.public_id)
    return order, buyer


def test_a_dispute_refunded_to_the_seller_is_the_buyers_cancellation(market):
    order, buyer = _disputed(market)
    with transaction.atomic():
        services.order_resolve_refund(
            actor=make_user(staff=True), public_id=order.public_id, note="No payment arrived"
        )
    assert counts(buyer) == {"paid_count": 1, **_pay(buyer), "canceled": 1}
    assert counts(market.user) == {}


def test_a_dispute_released_by_staff_completes_without_a_release_time(market):
    order, buyer = _disputed(market)
    with transaction.atomic():
        services.order_dispute_withdraw(actor=buyer, public_id=order.public_id, note="Sorted")
    assert counts(buyer)["paid_count"] == 1  # back to paid is not a second payment
    with transaction.atomic():
        services.order_dispute_open(actor=buyer, public_id=order.public_id)
        services.order_resolve_release(
            actor=make_user(staff=True), public_id=order.public_id, note="Payment proven"
        )
    assert counts(market.user) == {"completed": 1, "volume": 100}
    assert counts(buyer)["completed"] == 1


def _pay(buyer: User) -> dict[str, int]:
    seconds = TradeDay.objects.get(user=buyer).pay_seconds
    return {"pay_seconds": seconds} if seconds else {}


# --- where the figures show -------------------------------------------------------------------


def test_the_market_puts_the_better_completion_rate_first_at_equal_price(client):
    mf.asset("USDT")
    mf.fiat("HKD")
    steady, shaky, fresh = mf.merchant(), mf.merchant(), mf.merchant()
    first = mf.ad(owner=fresh, price="7.80")  # the oldest ad, no orders yet
    second = mf.ad(owner=shaky, price="7.80")
    third = mf.ad(owner=steady, price="7.80")
    cheapest = mf.ad(owner=shaky, price="7.79")
    record_trade(user=shaky.user, asset_symbol="USDT", completed=9, canceled=1)
    record_trade(user=steady.user, asset_symbol="USDT", completed=20)
    # an old cancellation, outside the 30 days, does not count
    old_day = timezone.now().date() - timedelta(days=30)
    record_trade(user=steady.user, asset_symbol="USDT", day=old_day, canceled=50)
    response = client.get(reverse("market:p2p"))
    listed = [row.ad.public_id for row in response.context["rows"]]
    assert listed == [cheapest.public_id, third.public_id, second.public_id, first.public_id]
    rates = {
        ad.public_id: ad.merchant_completion_rate  # type: ignore[attr-defined]  # annotated by market_ads()
        for ad in market_ads(tab="buy", asset=first.asset, fiat=first.fiat)
    }
    assert rates[third.public_id] == 100
    assert rates[second.public_id] == 90
    assert rates[first.public_id] is None
    page = response.content.decode()
    assert "20 orders (30d) · 100% completion" in page
    assert "10 orders (30d) · 90% completion" in page


def test_the_merchant_center_shows_the_figures(client, market):
    user = market.user
    record_trade(user=user, asset_symbol=market.asset.symbol, completed=3, volume=Decimal("250.5"))
    record_trade(user=user, asset_symbol=market.asset.symbol, canceled=1, positive=2, negative=1)
    record_trade(user=user, asset_symbol="BTC", completed=1, volume=Decimal("0.015"))
    record_trade(user=user, asset_symbol="BTC", released_count=2, release_seconds=600)
    record_trade(user=user, asset_symbol="BTC", paid_count=1, pay_seconds=90)
    record_trade(user=user, asset_symbol="BTC", appeals=1, disputes_lost=1)
    figures = merchant_figures(merchant=market.merchant)
    assert (figures.orders_30d, figures.completed_30d) == (5, 4)
    assert figures.completion_rate == Decimal("80.00")
    assert figures.positive_feedback_rate == Decimal("66.66")
    assert (figures.appeal_rate, figures.disputes_lost_30d) == (Decimal("20.00"), 1)
    assert (figures.avg_release_text, figures.avg_payment_text) == ("5 min", "2 min")
    assert figures.volume_by_asset == [
        (market.asset.symbol, Decimal("250.5")),
        ("BTC", Decimal("0.015")),
    ]
    assert figures.orders_by_day[-1] == (timezone.now().date(), 5)
    client.force_login(user)
    page = client.get(reverse("merchants:center")).content.decode()
    for label, value in [
        ("Orders", "5"),
        ("Completed", "4"),
        ("Completion rate", "80%"),
        ("Payment time, as the buyer", "2 min"),
        ("Release time, as the seller", "5 min"),
        ("Positive feedback", "66.66%"),
        ("Appeal rate", "20%"),
        ("Disputes lost", "1"),
    ]:
        assert (
            f'<span class="stat__label">{label}</span><span class="stat__value">{value}</span>'
            in page
        )
    assert "250.5" in page
    assert "0.015" in page
    assert "No orders in the last 30 days" not in page


def test_the_public_profile_shows_the_figures_and_links_to_the_feedback(client):
    person = make_user()
    User.objects.filter(pk=person.pk).update(nickname="SteadyTrader")
    record_trade(user=person, asset_symbol="USDT", completed=19, canceled=1)
    old_day = timezone.now().date() - timedelta(days=90)
    record_trade(user=person, asset_symbol="USDT", day=old_day, completed=5, positive=3, negative=1)
    assert public_stats(user=person) == {
        "completed_orders_30d": 19,
        "completion_rate": Decimal("95.00"),
        "positive_feedback": Decimal("75.00"),
        "positive_count": 3,
        "negative_count": 1,
        "has_traded": True,
    }
    page = client.get(reverse("accounts:public_profile", args=["SteadyTrader"])).content.decode()
    assert "<dd>19</dd>" in page
    assert "95%" in page
    assert "75%" in page
    assert "3 positive · 1 negative" in page
    assert 'href="/u/SteadyTrader/feedback/"' in page
    assert "No trades yet" not in page
