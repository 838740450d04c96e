"""Races on orders with real threads and transactions; the ledger verifies after each."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ads.models import Ad
from escrow.models import AccountKind
from escrow.verification import verify
from orders import services
from orders.models import Order, OrderStatus
from tests.concurrency import race

from .factories import FUND_PASSWORD, Market, balance, place

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def market(settings):
    settings.MAKER_FEE_RATES = {}
    settings.ORDER_MAX_OPEN_PER_USER = 3
    return Market()


def test_sixteen_buyers_on_an_ad_that_covers_five(market):
    ad = market.online_ad(total_quantity=Decimal(500), max_order_fiat=Decimal(780))
    buyers = [market.buyer() for _ in range(16)]
    results = race([lambda b=b: place(b, ad, fiat="780") for b in buyers])
    won = [r for r in results if isinstance(r, Order)]
    lost = [r for r in results if not isinstance(r, Order)]
    assert len(won) == 5, results
    assert all(isinstance(r, services.OrderError) for r in lost), lost
    ad.refresh_from_db()
    assert ad.remaining_quantity == 0
    assert balance(market.user, market.asset, AccountKind.AD_RESERVE) == 500
    assert sum(o.escrow_amount for o in won) == 500  # nothing oversold
    assert verify().ok


def paid_order(market: Market) -> tuple[Order, object, object]:
    ad = market.online_ad()
    buyer = market.buyer()
    seller = market.seller_with_fund_password()
    order = place(buyer, ad, fiat="100")
    return order, buyer, seller


def test_mark_paid_racing_the_timeout_has_one_outcome(market):
    for _ in range(4):
        ad = market.online_ad()
        buyer = market.buyer()
        order = place(buyer, ad, fiat="100")
        # the deadline falls during the race
        Order.objects.filter(pk=order.pk).update(pay_by=timezone.now() + timedelta(milliseconds=5))
        paid, expired = race(
            [
                lambda o=order, b=buyer: services.order_mark_paid(
                    actor=b, public_id=o.public_id, method="FPS"
                ),
                lambda o=order: (
                    services.order_expire(public_id=o.public_id)
                    or services.order_expire(public_id=o.public_id)
                ),
            ]
        )
        order.refresh_from_db()
        assert order.status in (OrderStatus.PAID, OrderStatus.CANCELED)
        if order.status == OrderStatus.PAID:
            assert isinstance(paid, Order) and expired is False
        else:
            assert isinstance(paid, services.OrderError) and expired is True
    assert verify().ok


def test_double_release_moves_the_crypto_once(market):
    order, buyer, seller = paid_order(market)
    services.order_mark_paid(actor=buyer, public_id=order.public_id, method="FPS")
    results = race(
        [
            lambda: services.order_release(
                actor=seller, public_id=order.public_id, fund_password=FUND_PASSWORD
            )
        ]
        * 6
    )
    released = [r for r in results if isinstance(r, Order)]
    assert len(released) == 1, results
    assert all(isinstance(r, services.OrderStateError) for r in results if r not in released)
    assert balance(buyer, market.asset) == order.buyer_receives
    assert verify().ok


def test_cancel_racing_paid_has_one_outcome(market):
    for _ in range(4):
        ad = market.online_ad()
        buyer = market.buyer()
        order = place(buyer, ad, fiat="100")
        paid, canceled = race(
            [
                lambda o=order, b=buyer: services.order_mark_paid(
                    actor=b, public_id=o.public_id, method="FPS"
                ),
                lambda o=order, b=buyer: services.order_cancel(
                    actor=b, public_id=o.public_id, reason="Changed my mind"
                ),
            ]
        )
        winners = [r for r in (paid, canceled) if isinstance(r, Order)]
        assert len(winners) == 1, (paid, canceled)
        order.refresh_from_db()
        ad = Ad.objects.get(pk=ad.pk)
        if order.status == OrderStatus.CANCELED:
            assert ad.remaining_quantity == ad.total_quantity
        else:
            assert order.status == OrderStatus.PAID
    assert verify().ok
