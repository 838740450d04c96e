"""Rules that read one app's state to allow an action in another: the merchant's restrictions,
standing and payment methods on the market and at placement, the tier's limits on orders, and
open orders holding a resignation's collateral. Each refusal changes nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from accounts.models import Restriction, User
from accounts.models.security import RestrictionKind, RestrictionSource
from ads.models import Ad, Side
from ads.selectors import ad_rows_for_merchant, visible_ads
from escrow.models.transfers import Transfer
from escrow.verification import verify
from merchants.models import Merchant, MerchantStatus, TierLimit
from orders import services
from orders.models import Order, OrderEvent, OrderStatus
from otc.celery import app as celery_app
from tests.factories import make_user

from .factories import FUND_PASSWORD, Market, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(settings):
    settings.MAKER_FEE_RATES = {}
    return Market()


def world(ad: Ad) -> tuple:
    """Everything a refused placement must leave as it was."""
    ad.refresh_from_db()
    return (
        Order.objects.count(),
        OrderEvent.objects.count(),
        Transfer.objects.count(),
        ad.remaining_quantity,
    )


def listed(ad: Ad) -> bool:
    return visible_ads().filter(pk=ad.pk).exists()


def pause(user: User, kind: str, source: str = RestrictionSource.COOLDOWN) -> Restriction:
    return Restriction.objects.create(
        user=user,
        kind=kind,
        source=source,
        reason="Paused for the test.",
        until=timezone.now() + timedelta(hours=24),
    )


# --- a restricted merchant does not trade ----------------------------------------------------


def test_a_merchant_in_a_security_cool_down_sells_nothing(market):
    ad = market.online_ad(Side.SELL)
    buyer = market.buyer()
    assert listed(ad)
    pause(market.user, RestrictionKind.SELL)
    assert not listed(ad)
    before = world(ad)
    with pytest.raises(services.OrderError, match="not available"):
        place(buyer, ad, fiat="780")
    assert world(ad) == before
    (row,) = ad_rows_for_merchant(user=market.user)
    assert row.hidden_reason is not None
    assert "paused" in row.hidden_reason


def test_a_merchant_paused_after_a_lost_dispute_neither_buys_nor_sells(market):
    sell_ad = market.online_ad(Side.SELL)
    buy_ad = market.online_ad(Side.BUY)
    taker = market.buyer()
    pause(market.user, RestrictionKind.TRADE, source=RestrictionSource.STAFF)
    assert not listed(sell_ad)
    assert not listed(buy_ad)
    for ad in (sell_ad, buy_ad):
        before = world(ad)
        with pytest.raises(services.OrderError, match="not available"):
            place(taker, ad, fiat="780")
        assert world(ad) == before


def test_a_lifted_pause_puts_the_ads_back(market):
    ad = market.online_ad(Side.SELL)
    restriction = pause(market.user, RestrictionKind.SELL)
    assert not listed(ad)
    Restriction.objects.filter(pk=restriction.pk).update(lifted_at=timezone.now())
    assert listed(ad)
    assert place(market.buyer(), ad, fiat="780").status == OrderStatus.AWAITING_PAYMENT


def test_a_sell_pause_leaves_the_merchants_buy_ads_alone(market):
    buy_ad = market.online_ad(Side.BUY)
    pause(market.user, RestrictionKind.SELL)
    assert listed(buy_ad)


def test_a_held_order_is_not_approved_once_the_merchant_is_paused(market, settings):
    settings.RISK_NEW_ACCOUNT_MAX_FIAT = {market.fiat.code: "500"}
    ad = market.online_ad(Side.SELL)
    order = place(make_user(), ad, fiat="780")
    assert order.status == OrderStatus.PENDING
    pause(market.user, RestrictionKind.SELL)
    staff = make_user(staff=True, perms=["orders.review_held_order"])
    before = world(ad)
    with pytest.raises(services.OrderError, match="not available"):
        services.order_review_approve(actor=staff, public_id=order.public_id)
    assert world(ad) == before
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert order.hold_id is None


def test_a_deactivated_merchants_ads_leave_the_market(market):
    ad = market.online_ad(Side.SELL)
    User.objects.filter(pk=market.user.pk).update(is_active=False)
    assert not listed(ad)
    before = world(ad)
    with pytest.raises(services.OrderError, match="not available"):
        place(market.buyer(), ad, fiat="780")
    assert world(ad) == before


def test_a_sell_ad_whose_payment_methods_were_deleted_takes_no_order(market):
    ad = market.online_ad(Side.SELL)
    market.method.delete()
    assert not listed(ad)
    before = world(ad)
    with pytest.raises(services.OrderError):
        place(market.buyer(), ad, fiat="780")
    assert world(ad) == before


# --- the tier's limits ------------------------------------------------------------------------


def tier_limit(market: Market, *, per_order: str, daily: str) -> TierLimit:
    return TierLimit.objects.create(
        tier=market.merchant.tier,
        fiat=market.fiat,
        per_order_max=Decimal(per_order),
        daily_max=Decimal(daily),
    )


def test_the_tiers_daily_limit_stops_the_next_order(market):
    tier_limit(market, per_order="1000", daily="1500")
    ad = market.online_ad(Side.SELL, max_order_fiat=Decimal(1000), total_quantity=Decimal(500))
    first = place(market.buyer(), ad, fiat="780")
    assert first.status == OrderStatus.AWAITING_PAYMENT
    before = world(ad)
    with pytest.raises(services.OrderError, match="today"):
        place(market.buyer(), ad, fiat="780")  # 780 + 780 > 1500
    assert world(ad) == before
    assert place(market.buyer(), ad, fiat="700").status == OrderStatus.AWAITING_PAYMENT


def test_canceled_and_day_old_orders_do_not_count_toward_the_daily_limit(market):
    tier_limit(market, per_order="1000", daily="1000")
    ad = market.online_ad(Side.SELL, max_order_fiat=Decimal(1000), total_quantity=Decimal(500))
    buyer = market.buyer()
    canceled = place(buyer, ad, fiat="780")
    services.order_cancel(actor=buyer, public_id=canceled.public_id, reason="changed my mind")
    old = place(market.buyer(), ad, fiat="780")
    Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    assert place(market.buyer(), ad, fiat="780").status == OrderStatus.AWAITING_PAYMENT


def test_a_lowered_per_order_limit_applies_to_ads_made_before(market):
    ad = market.online_ad(Side.SELL, max_order_fiat=Decimal(5000))
    tier_limit(market, per_order="500", daily="5000")
    before = world(ad)
    with pytest.raises(services.OrderError, match="500"):
        place(market.buyer(), ad, fiat="780")
    assert world(ad) == before


# --- open orders hold a resignation's collateral ------------------------------------------------


def complete_resignations() -> int:
    """Run the resignation job exactly as beat schedules it."""
    name = django_settings.CELERY_BEAT_SCHEDULE["merchants-complete-resignations"]["task"]
    assert isinstance(name, str)
    celery_app.loader.import_default_modules()  # what a worker does at start
    return int(celery_app.tasks[name]())


def resigning_since(merchant: Merchant, days: int) -> None:
    Merchant.objects.filter(pk=merchant.pk).update(
        status=MerchantStatus.RESIGNING,
        resign_requested_at=timezone.now() - timedelta(days=days),
    )


def status_of(merchant: Merchant) -> str:
    merchant.refresh_from_db()
    return merchant.status


@pytest.mark.parametrize("dispute", [False, True], ids=["paid", "disputed"])
def test_an_open_order_keeps_a_resignation_waiting_with_its_ads_closed(market, dispute):
    from ads import services as ad_services

    ad = market.online_ad(Side.SELL)
    buyer = market.buyer()
    order = place(buyer, ad, fiat="780")
    services.order_mark_paid(actor=buyer, public_id=order.public_id, method="FPS")
    if dispute:
        Order.objects.filter(pk=order.pk).update(status=OrderStatus.DISPUTED)
    ad_services.ad_close(actor=market.user, ad_id=ad.pk)
    resigning_since(market.merchant, days=30)
    assert complete_resignations() == 0
    assert status_of(market.merchant) == MerchantStatus.RESIGNING


def test_the_cooling_period_counts_from_the_last_order(market):
    from ads import services as ad_services

    ad = market.online_ad(Side.SELL)
    buyer = market.buyer()
    seller = market.seller_with_fund_password()
    order = place(buyer, ad, fiat="780")
    services.order_mark_paid(actor=buyer, public_id=order.public_id, method="FPS")
    ad_services.ad_close(actor=market.user, ad_id=ad.pk)
    resigning_since(market.merchant, days=30)
    services.order_release(actor=seller, public_id=order.public_id, fund_password=FUND_PASSWORD)
    assert complete_resignations() == 0  # released just now: the cooling period starts again
    assert status_of(market.merchant) == MerchantStatus.RESIGNING
    Order.objects.filter(pk=order.pk).update(released_at=timezone.now() - timedelta(days=30))
    assert complete_resignations() == 1
    assert status_of(market.merchant) == MerchantStatus.RESIGNED
    assert verify().ok
