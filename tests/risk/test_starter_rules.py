"""Each starter rule: a case that triggers it and one that does not."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from risk.engine import REGISTRY, OrderPlaceFacts, WithdrawalFacts
from risk.engine.params import resolve
from risk.rules import Outcome

NOW = timezone.now()


def order(*, age_days: int = 100, total: str = "1000", count: int = 0, median: str | None = None):
    return OrderPlaceFacts(
        user_id=1,
        subject="order:X",
        now=NOW,
        joined_at=NOW - timedelta(days=age_days),
        fiat_code="HKD",
        fiat_total=Decimal(total),
        orders_30_days=count,
        median_30_days=None if median is None else Decimal(median),
    )


def withdrawal(
    *, age_days: int = 100, first: bool = False, changed_at: datetime | None = None
) -> WithdrawalFacts:
    return WithdrawalFacts(
        user_id=1,
        subject="withdrawal:W1",
        now=NOW,
        joined_at=NOW - timedelta(days=age_days),
        asset="USDT",
        amount=Decimal(50),
        reference_fiat="HKD",
        reference_value=Decimal(390),
        first_to_address=first,
        last_security_change_at=changed_at,
    )


def run(code: str, facts):
    rule = REGISTRY[code]
    return rule().evaluate(facts, resolve(rule.params, {}))


def test_a_new_accounts_large_order_is_held(settings):
    settings.RISK_NEW_ACCOUNT_MAX_FIAT = {"HKD": "500"}
    hit = run("new_account_large_order", order(age_days=0, total="780"))
    assert hit is not None
    assert hit.outcome == Outcome.HOLD


def test_an_older_accounts_large_order_is_not_held(settings):
    settings.RISK_NEW_ACCOUNT_MAX_FIAT = {"HKD": "500"}
    assert run("new_account_large_order", order(age_days=30, total="780")) is None


def test_an_order_far_above_the_users_own_median_is_reviewed():
    hit = run("order_above_own_median", order(total="5100", count=4, median="1000"))
    assert hit is not None
    assert hit.outcome == Outcome.REVIEW
    assert "5.1" in hit.explanation


def test_an_order_near_the_users_own_median_is_not_reviewed():
    assert run("order_above_own_median", order(total="4000", count=4, median="1000")) is None


def test_without_enough_earlier_orders_the_median_says_nothing():
    assert run("order_above_own_median", order(total="90000", count=2, median="10")) is None


def test_a_young_accounts_withdrawal_waits(settings):
    settings.WITHDRAWAL_YOUNG_ACCOUNT_DAYS = 7
    assert run("young_account", withdrawal(age_days=2)).outcome == Outcome.HOLD


def test_an_older_accounts_withdrawal_does_not_wait(settings):
    settings.WITHDRAWAL_YOUNG_ACCOUNT_DAYS = 7
    assert run("young_account", withdrawal(age_days=8)) is None


def test_a_first_withdrawal_to_an_address_waits():
    assert run("first_to_address", withdrawal(first=True)).outcome == Outcome.HOLD


def test_a_withdrawal_to_a_used_address_does_not_wait():
    assert run("first_to_address", withdrawal(first=False)) is None


def test_a_withdrawal_soon_after_a_security_change_waits(settings):
    settings.WITHDRAWAL_SECURITY_CHANGE_HOURS = 72
    hit = run("recent_security_change", withdrawal(changed_at=NOW - timedelta(hours=5)))
    assert hit is not None
    assert hit.outcome == Outcome.HOLD


def test_a_withdrawal_long_after_a_security_change_does_not_wait(settings):
    settings.WITHDRAWAL_SECURITY_CHANGE_HOURS = 72
    assert run("recent_security_change", withdrawal(changed_at=NOW - timedelta(hours=80))) is None
