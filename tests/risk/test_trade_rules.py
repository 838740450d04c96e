"""The rules at the trade's own steps (mark paid, release) and the placement rules about how an
order is paid: each one a case that triggers it and one that does not."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from risk.engine import REGISTRY, MarkPaidFacts, OrderPlaceFacts, Point, ReleaseFacts, rules_on
from risk.engine.catalogue.trade import name_key
from risk.engine.params import resolve
from risk.models import Mode, RuleSetting
from risk.rules import Outcome

NOW = timezone.now()


def run(code: str, facts, **params):
    rule = REGISTRY[code]
    return rule().evaluate(facts, resolve(rule.params, params))


def paid(
    *, stated: str = "", legal: str | None = None, distance: int | None = None
) -> MarkPaidFacts:
    return MarkPaidFacts(
        user_id=1,
        subject="order:P1",
        now=NOW,
        joined_at=NOW - timedelta(days=100),
        paid_from_name=stated,
        legal_name=legal,
        nearest_proof_distance=distance,
        nearest_proof_subject="" if distance is None else "order:OTHER",
    )


def released(*, seconds: int | None, together: int = 0) -> ReleaseFacts:
    return ReleaseFacts(
        user_id=1,
        subject="order:R1",
        now=NOW,
        joined_at=NOW - timedelta(days=100),
        paid_at=None if seconds is None else NOW - timedelta(seconds=seconds),
        completed_together=together,
    )


def placed(
    *,
    age_days: int = 100,
    total: str = "1000",
    fiat: str = "HKD",
    classes: tuple[str, ...] = ("low",),
    canceled: tuple[datetime, ...] = (),
) -> OrderPlaceFacts:
    return OrderPlaceFacts(
        user_id=1,
        subject="order:X",
        now=NOW,
        joined_at=NOW - timedelta(days=age_days),
        fiat_code=fiat,
        fiat_total=Decimal(total),
        canceled_after_paid_at=canceled,
        method_risk_classes=classes,
    )


# --- payer_name_mismatch ---------------------------------------------------------------------


def test_a_payment_from_another_name_is_held():
    hit = run("payer_name_mismatch", paid(stated="Wong Siu Ming", legal="Chan Tai Man"))
    assert hit is not None
    assert hit.outcome == Outcome.HOLD
    assert "Wong Siu Ming" in hit.explanation
    assert "Chan Tai Man" in hit.explanation


def test_the_same_name_in_another_order_case_width_and_punctuation_is_no_mismatch():
    wide = "\uff23\uff48\uff41\uff4e"  # "Chan" in full-width letters
    for stated in ("Tai Man Chan", "CHAN, Tai-Man", "  chan   tai man.", f"{wide} Tai Man"):
        assert run("payer_name_mismatch", paid(stated=stated, legal="Chan Tai Man")) is None


def test_no_stated_name_or_no_verified_name_says_nothing():
    assert run("payer_name_mismatch", paid(stated="", legal="Chan Tai Man")) is None
    assert run("payer_name_mismatch", paid(stated="Wong Siu Ming", legal=None)) is None
    assert run("payer_name_mismatch", paid(stated="...", legal="Chan Tai Man")) is None


def test_staff_may_make_a_name_mismatch_only_a_review():
    hit = run("payer_name_mismatch", paid(stated="Wong", legal="Chan"), outcome=1)
    assert hit is not None
    assert hit.outcome == Outcome.REVIEW


def test_name_parts_compare_in_any_order():
    assert name_key("Chan Tai Man") == name_key("Tai Man Chan")
    assert name_key("Chan Tai Man") != name_key("Chan Tai")


# --- duplicate_proof -------------------------------------------------------------------------


def test_a_proof_close_to_one_on_another_order_is_reviewed():
    hit = run("duplicate_proof", paid(distance=3))
    assert hit is not None
    assert hit.outcome == Outcome.REVIEW
    assert "order:OTHER" in hit.explanation


def test_a_proof_farther_than_the_distance_is_not_reviewed():
    assert run("duplicate_proof", paid(distance=5)) is None
    assert run("duplicate_proof", paid(distance=None)) is None


def test_the_proof_distance_is_a_parameter():
    assert run("duplicate_proof", paid(distance=3), distance=2) is None


# --- fast_release_fresh_pair -----------------------------------------------------------------


def test_a_quick_release_between_strangers_is_reviewed():
    hit = run("fast_release_fresh_pair", released(seconds=20))
    assert hit is not None
    assert hit.outcome == Outcome.REVIEW
    assert "under 60" in hit.explanation


def test_a_quick_release_between_people_who_traded_before_is_not_reviewed():
    assert run("fast_release_fresh_pair", released(seconds=20, together=1)) is None


def test_a_release_after_the_window_is_not_reviewed():
    assert run("fast_release_fresh_pair", released(seconds=61)) is None
    assert run("fast_release_fresh_pair", released(seconds=None)) is None


# --- repeated_cancel_after_paid --------------------------------------------------------------


def test_three_orders_canceled_after_being_paid_hold_the_next():
    days_ago = tuple(NOW - timedelta(days=d) for d in (1, 5, 29))
    hit = run("repeated_cancel_after_paid", placed(canceled=days_ago))
    assert hit is not None
    assert hit.outcome == Outcome.HOLD
    assert "3 orders" in hit.explanation


def test_cancellations_outside_the_window_do_not_count():
    days_ago = tuple(NOW - timedelta(days=d) for d in (1, 5, 31))
    assert run("repeated_cancel_after_paid", placed(canceled=days_ago)) is None


def test_the_cancellation_window_and_count_are_parameters():
    days_ago = tuple(NOW - timedelta(days=d) for d in (1, 40))
    assert run("repeated_cancel_after_paid", placed(canceled=days_ago), days=60, count=2)


# --- chargeback_prone_method -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("age_days", "limit"), [(10, Decimal(2000)), (45, Decimal(4000)), (90, Decimal(8000))]
)
def test_a_high_risk_method_is_limited_by_account_age(age_days, limit):
    over = placed(age_days=age_days, total=str(limit + 1), classes=("low", "high"))
    hit = run("chargeback_prone_method", over)
    assert hit is not None
    assert hit.outcome == Outcome.BLOCK
    at_limit = placed(age_days=age_days, total=str(limit), classes=("high",))
    assert run("chargeback_prone_method", at_limit) is None


def test_low_and_medium_risk_methods_are_not_limited():
    assert run("chargeback_prone_method", placed(age_days=1, total="90000", classes=())) is None
    big = placed(age_days=1, total="90000", classes=("low", "medium"))
    assert run("chargeback_prone_method", big) is None


def test_a_fiat_without_a_base_limit_is_not_limited():
    facts = placed(fiat="JPY", total="1e9", classes=("high",))
    assert run("chargeback_prone_method", facts) is None


def test_the_base_limits_are_per_fiat_parameters():
    facts = placed(age_days=100, total="600", fiat="EUR", classes=("high",))
    assert run("chargeback_prone_method", facts, base_fiat={"EUR": "500"}) is not None


# --- which rules are on ----------------------------------------------------------------------


@pytest.mark.django_db
def test_rules_on_leaves_out_the_rules_staff_switched_off():
    assert {"payer_name_mismatch", "duplicate_proof"} <= rules_on(Point.MARK_PAID)
    RuleSetting.objects.create(code="duplicate_proof", mode=Mode.OFF)
    RuleSetting.objects.create(code="payer_name_mismatch", mode=Mode.SHADOW)
    on = rules_on(Point.MARK_PAID)
    assert "duplicate_proof" not in on
    assert "payer_name_mismatch" in on
