"""What the risk rules' outcomes do to an order being placed: review lets it go on with an
alert, hold keeps it for staff (tests/orders/test_lifecycle.py), block refuses it without
saying why, and a rule in shadow mode only records."""

from __future__ import annotations

from typing import Any

import pytest

from ads.models import Side
from orders import services
from orders.models import Order, OrderStatus
from risk.engine import Facts, Hit, Point, Rule
from risk.engine.base import REGISTRY
from risk.models import Alert, Mode, RuleSetting
from risk.rules import Outcome
from tests.factories import make_user

from .factories import Market, place
from .test_cross_app_rules import world

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(settings):
    settings.MAKER_FEE_RATES = {}
    return Market()


class BlockEveryone(Rule):
    code = "test_block_everyone"
    title = "blocks every order"
    points = frozenset({Point.ORDER_PLACE})

    def evaluate(self, facts: Facts, params: dict[str, Any]) -> Hit | None:
        return Hit(Outcome.BLOCK, "over the secret threshold of 123")


def test_an_order_far_above_the_takers_usual_goes_on_with_an_alert(market):
    RuleSetting.objects.create(
        code="order_above_own_median", params={"min_orders": 1, "multiple": "2"}
    )
    ad = market.online_ad(Side.SELL)
    buyer = market.buyer()
    place(buyer, ad, fiat="100")
    order = place(buyer, ad, fiat="500")
    assert order.status == OrderStatus.AWAITING_PAYMENT
    alert = Alert.objects.get(user=buyer)
    assert (alert.code, alert.outcome, alert.subject) == (
        "order_above_own_median",
        Outcome.REVIEW,
        f"order:{order.public_id}",
    )


def test_a_blocking_rule_refuses_the_order_without_naming_its_threshold(market, monkeypatch):
    monkeypatch.setitem(REGISTRY, BlockEveryone.code, BlockEveryone)
    ad = market.online_ad(Side.SELL)
    before = world(ad)
    with pytest.raises(services.OrderError) as refused:
        place(market.buyer(), ad, fiat="780")
    assert "cannot be placed" in str(refused.value.message)
    assert "123" not in str(refused.value.message)
    assert world(ad) == before


def test_a_refused_order_leaves_its_block_alert_for_staff(market, monkeypatch):
    monkeypatch.setitem(REGISTRY, BlockEveryone.code, BlockEveryone)
    ad = market.online_ad(Side.SELL)
    buyer = market.buyer()
    with pytest.raises(services.OrderError):
        place(buyer, ad, fiat="780")
    alert = Alert.objects.get(user=buyer)
    assert (alert.code, alert.outcome) == (BlockEveryone.code, Outcome.BLOCK)
    assert "123" in alert.explanation
    assert alert.case_entries.get().case.user == buyer  # on the person's case, as every alert
    assert not Order.objects.filter(taker=buyer).exists()


def test_the_new_account_rule_in_shadow_mode_records_but_does_not_hold(market, settings):
    settings.RISK_NEW_ACCOUNT_MAX_FIAT = {market.fiat.code: "500"}
    RuleSetting.objects.create(code="new_account_large_order", mode=Mode.SHADOW)
    newcomer = make_user()
    order = place(newcomer, market.online_ad(Side.SELL), fiat="780")
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert order.review_reason == ""
    assert Alert.objects.get(user=newcomer).mode == Mode.SHADOW


def test_the_new_account_rule_switched_off_holds_nothing(market, settings):
    settings.RISK_NEW_ACCOUNT_MAX_FIAT = {market.fiat.code: "500"}
    RuleSetting.objects.create(code="new_account_large_order", mode=Mode.OFF)
    order = place(make_user(), market.online_ad(Side.SELL), fiat="780")
    assert order.status == OrderStatus.AWAITING_PAYMENT
