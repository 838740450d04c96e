"""The placement rules about how an order is paid: a taker whose paid orders keep ending
canceled waits for review, and a reversible payment method is limited by the account's age
(the taker is told a smaller order or another method may work). Facts only these rules read
are not gathered while they are off."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import PaymentRiskClass
from ads.models import Side
from orders import services
from orders.models import Order, OrderStatus
from orders.services import risk_facts
from risk.engine.base import REGISTRY
from risk.models import Alert, Mode, RuleSetting
from risk.rules import Outcome

from .factories import Market, place
from .test_cross_app_rules import world
from .test_placement_rules import BlockEveryone

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(settings):
    settings.MAKER_FEE_RATES = {}
    return Market()


BASE_1000 = {"base_fiat": {"HKD": "1000"}}


def canceled_after_paid(market: Market, buyer: Any, *, days_ago: int = 1) -> Order:
    """An order the buyer marked paid that ended canceled (a dispute decided for the seller)."""
    order = place(buyer, market.online_ad(), fiat="100")
    at = timezone.now() - timedelta(days=days_ago)
    Order.objects.filter(pk=order.pk).update(
        status=OrderStatus.CANCELED, paid_at=at, canceled_at=at
    )
    return order


def reversible(market: Market) -> None:
    market.kind.risk_class = PaymentRiskClass.HIGH
    market.kind.save(update_fields=["risk_class"])
    RuleSetting.objects.create(code="chargeback_prone_method", params=BASE_1000)


# --- repeated_cancel_after_paid ---------------------------------------------------------------


def test_a_taker_whose_paid_orders_keep_ending_canceled_waits_for_review(market):
    buyer = market.buyer()
    for days_ago in (1, 3, 20):
        canceled_after_paid(market, buyer, days_ago=days_ago)
    order = place(buyer, market.online_ad(), fiat="100")
    assert order.status == OrderStatus.PENDING
    assert "canceled after being marked paid" in order.review_reason
    alert = Alert.objects.get(code="repeated_cancel_after_paid")
    assert (alert.user_id, alert.outcome) == (buyer.pk, Outcome.HOLD)


def test_fewer_or_older_cancellations_after_payment_let_the_order_go_on(market):
    buyer = market.buyer()
    canceled_after_paid(market, buyer, days_ago=1)
    canceled_after_paid(market, buyer, days_ago=2)
    canceled_after_paid(market, buyer, days_ago=45)
    order = place(buyer, market.online_ad(), fiat="100")
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert not Alert.objects.filter(code="repeated_cancel_after_paid").exists()


def test_orders_canceled_before_payment_do_not_count(market):
    buyer = market.buyer()
    for _ in range(3):
        unpaid = place(buyer, market.online_ad(), fiat="100")
        services.order_cancel(actor=buyer, public_id=unpaid.public_id, reason="Changed my mind")
    order = place(buyer, market.online_ad(), fiat="100")
    assert order.status == OrderStatus.AWAITING_PAYMENT


def test_with_the_rule_off_placement_does_not_count_cancellations(market, monkeypatch):
    RuleSetting.objects.create(code="repeated_cancel_after_paid", mode=Mode.OFF)

    def unexpected(*args: Any) -> tuple:
        raise AssertionError("counted cancellations no rule needs")

    monkeypatch.setattr(risk_facts, "_canceled_after_paid", unexpected)
    order = place(market.buyer(), market.online_ad(), fiat="100")
    assert order.status == OrderStatus.AWAITING_PAYMENT


# --- chargeback_prone_method ------------------------------------------------------------------


def test_an_order_above_a_reversible_methods_limit_is_refused_with_a_hint(market):
    reversible(market)
    ad = market.online_ad(Side.SELL)
    before = world(ad)
    # the buyer's account is 30 days old: half the base of 1000
    with pytest.raises(services.OrderError) as refused:
        place(market.buyer(), ad, fiat="780")
    message = str(refused.value.message)
    assert "cannot be placed with this payment method yet" in message
    assert "1000" not in message
    assert "500" not in message
    assert world(ad) == before


def test_an_order_within_a_reversible_methods_limit_goes_on(market):
    reversible(market)
    order = place(market.buyer(), market.online_ad(Side.SELL), fiat="400")
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert order.seller_payment_details[0]["risk_class"] == PaymentRiskClass.HIGH


def test_a_low_risk_method_is_not_limited(market):
    RuleSetting.objects.create(code="chargeback_prone_method", params=BASE_1000)
    order = place(market.buyer(), market.online_ad(Side.SELL), fiat="780")
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert not Alert.objects.filter(code="chargeback_prone_method").exists()


def test_another_blocking_rule_gets_the_plain_refusal(market, monkeypatch):
    reversible(market)
    monkeypatch.setitem(REGISTRY, BlockEveryone.code, BlockEveryone)
    with pytest.raises(services.OrderError) as refused:
        place(market.buyer(), market.online_ad(Side.SELL), fiat="780")
    assert "cannot be placed. Contact support" in str(refused.value.message)


def test_staff_rate_a_payment_method_type_high_risk_in_the_admin(market, client):
    from django.urls import reverse

    from tests.factories import make_user

    client.force_login(make_user(staff=True, superuser=True))
    response = client.post(
        reverse("admin:accounts_paymentmethodtype_change", args=[market.kind.pk]),
        {
            "code": market.kind.code,
            "name": market.kind.name,
            "fiats": [market.fiat.pk],
            "fields": "[]",
            "risk_class": PaymentRiskClass.HIGH,
            "enabled": "on",
            "sort_order": 5,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    market.kind.refresh_from_db()
    assert market.kind.risk_class == PaymentRiskClass.HIGH
