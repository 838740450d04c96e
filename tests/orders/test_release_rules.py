"""What the risk rules do when the seller releases: review (and hold, which counts as review
here) goes on with an alert, block refuses and changes nothing, a failing rule falls to
review."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from escrow.models.transfers import Transfer
from orders import services
from orders.models import Order, OrderEvent, OrderStatus
from orders.services import trade_risk
from risk.engine import Facts, Hit, Point, Rule
from risk.engine.base import REGISTRY
from risk.models import Alert, AlertOutcome, Mode, RuleSetting
from risk.rules import Outcome

from .factories import FUND_PASSWORD, Market, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(settings):
    settings.MAKER_FEE_RATES = {}
    market = Market()
    market.seller_with_fund_password()
    return market


def paid_order(market: Market, buyer: Any = None) -> Order:
    order = place(buyer or market.buyer(), market.online_ad(), fiat="100")
    return services.order_mark_paid(actor=order.buyer, public_id=order.public_id, method="FPS")


def release(order: Order) -> Order:
    return services.order_release(
        actor=order.seller, public_id=order.public_id, fund_password=FUND_PASSWORD
    )


def state(order: Order) -> tuple:
    order.refresh_from_db()
    return (
        order.status,
        order.released_at,
        OrderEvent.objects.filter(order=order).count(),
        list(Transfer.objects.order_by("pk").values_list("pk", "status")),
        # a refused decision's alerts stay on record (risk.engine.refusals); nothing else
        Alert.objects.exclude(point=Point.RELEASE).count(),
    )


def rule_at_release(outcome: Outcome | None, *, fails: bool = False) -> type[Rule]:
    class AtRelease(Rule):
        code = "test_at_release"
        title = "a rule at release"
        points = frozenset({Point.RELEASE})

        def evaluate(self, facts: Facts, params: dict[str, Any]) -> Hit | None:
            if fails:
                raise RuntimeError("broken")
            return None if outcome is None else Hit(outcome, "seen at release")

    return AtRelease


def test_a_quick_release_between_strangers_goes_on_with_an_alert(market):
    order = release(paid_order(market))
    order.refresh_from_db()
    assert order.status == OrderStatus.RELEASED
    alert = Alert.objects.get()
    assert (alert.code, alert.user_id, alert.outcome, alert.subject) == (
        "fast_release_fresh_pair",
        order.seller_id,
        Outcome.REVIEW,
        f"order:{order.public_id}",
    )


def test_a_quick_release_to_a_buyer_traded_with_before_raises_nothing(market):
    first = release(paid_order(market))
    second = release(paid_order(market, buyer=first.buyer))
    second.refresh_from_db()
    assert second.status == OrderStatus.RELEASED
    assert not Alert.objects.filter(subject=f"order:{second.public_id}").exists()


def test_a_release_after_the_window_raises_nothing(market):
    order = paid_order(market)
    Order.objects.filter(pk=order.pk).update(paid_at=timezone.now() - timedelta(minutes=2))
    release(order)
    assert not Alert.objects.exists()


def test_a_hold_at_release_counts_as_review_and_the_release_goes_on(market, monkeypatch):
    rule = rule_at_release(Outcome.HOLD)
    monkeypatch.setitem(REGISTRY, rule.code, rule)
    order = release(paid_order(market))
    order.refresh_from_db()
    assert order.status == OrderStatus.RELEASED
    assert Alert.objects.get(code=rule.code).outcome == Outcome.HOLD


def test_a_block_at_release_refuses_and_changes_nothing(market, monkeypatch):
    rule = rule_at_release(Outcome.BLOCK)
    monkeypatch.setitem(REGISTRY, rule.code, rule)
    order = paid_order(market)
    before = state(order)
    with pytest.raises(services.OrderError) as refused:
        release(order)
    assert "cannot be released" in str(refused.value.message)
    assert state(order) == before
    assert order.status == OrderStatus.PAID
    assert Alert.objects.filter(code=rule.code, outcome=AlertOutcome.BLOCK).count() == 1


def test_a_failing_rule_at_release_falls_to_review(market, monkeypatch):
    rule = rule_at_release(None, fails=True)
    monkeypatch.setitem(REGISTRY, rule.code, rule)
    order = release(paid_order(market))
    order.refresh_from_db()
    assert order.status == OrderStatus.RELEASED
    alert = Alert.objects.get(code=rule.code)
    assert alert.errored
    assert alert.outcome == Outcome.REVIEW


def test_with_the_rule_off_a_release_counts_no_earlier_trades(market, monkeypatch):
    RuleSetting.objects.create(code="fast_release_fresh_pair", mode=Mode.OFF)
    order = paid_order(market)

    def unexpected(order: Order) -> int:
        raise AssertionError("counted trades no rule needs")

    monkeypatch.setattr(trade_risk, "_completed_together", unexpected)
    release(order)
    order.refresh_from_db()
    assert order.status == OrderStatus.RELEASED
    assert not Alert.objects.exists()
