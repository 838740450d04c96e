"""The identity and ad rules on their facts: each triggers on a case and stays quiet on
another; the blacklist rule matches every kind it is asked about."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from risk.engine import REGISTRY, Facts
from risk.engine.facts_more import AdOnlineFacts, PaymentMethodFacts
from risk.engine.identity import Identity
from risk.engine.params import resolve
from risk.models import BlacklistKind
from risk.rules import Outcome

from .identity_helpers import DEVICE, IP, blacklist, days_ago, fps_fingerprint

NOW = timezone.now()


def run(code: str, facts: Facts, **params: object):
    rule = REGISTRY[code]
    return rule().evaluate(facts, resolve(rule.params, params))


def base(identity: Identity | None = None) -> Facts:
    return Facts(
        user_id=1,
        subject="order:X",
        now=NOW,
        joined_at=NOW - timedelta(days=100),
        identity=identity,
    )


def method(*, fingerprint: str = "", others: int = 0, holder: str = "Chan Tai Man"):
    return PaymentMethodFacts(
        user_id=1,
        subject="payment_method:fps:x",
        now=NOW,
        joined_at=NOW - timedelta(days=100),
        identity=Identity(),
        method_type="fps",
        fingerprint=fingerprint,
        holder_name=holder,
        others_with_fingerprint=others,
    )


def ad(*, price_type: str = "fixed", price: str | None = "7.80", margin: str | None = None,
       index: str | None = "7.80") -> AdOnlineFacts:  # fmt: skip
    return AdOnlineFacts(
        user_id=1,
        subject="ad:A1",
        now=NOW,
        joined_at=NOW - timedelta(days=100),
        side="sell",
        asset="USDT",
        fiat_code="HKD",
        price_type=price_type,
        fixed_price=None if price is None else Decimal(price),
        margin_percent=None if margin is None else Decimal(margin),
        index_price=None if index is None else Decimal(index),
    )


# --- shared_payment_account ----------------------------------------------------------------


def test_a_payment_account_another_user_saved_is_reviewed():
    hit = run("shared_payment_account", method(fingerprint="fps:abc", others=1))
    assert hit is not None
    assert hit.outcome == Outcome.REVIEW
    assert "1 other users" in hit.explanation


def test_a_payment_account_nobody_else_saved_is_not_reviewed():
    assert run("shared_payment_account", method(fingerprint="fps:abc", others=0)) is None


def test_the_shared_account_threshold_is_a_parameter():
    assert run("shared_payment_account", method(fingerprint="f", others=1), min_others=2) is None


# --- shared_device_or_ip -------------------------------------------------------------------


def neighbours(*ages_days: float) -> Identity:
    return Identity(neighbours=tuple((n + 2, days_ago(age)) for n, age in enumerate(ages_days)))


def test_three_other_accounts_on_the_same_browser_or_ip_are_reviewed():
    hit = run("shared_device_or_ip", base(neighbours(1, 2, 3)))
    assert hit is not None
    assert hit.outcome == Outcome.REVIEW
    assert "3 other accounts" in hit.explanation


def test_two_other_accounts_are_not_reviewed():
    assert run("shared_device_or_ip", base(neighbours(1, 2))) is None


def test_accounts_seen_before_the_window_do_not_count():
    assert run("shared_device_or_ip", base(neighbours(1, 2, 45))) is None
    assert run("shared_device_or_ip", base(neighbours(1, 2, 45)), days=60) is not None


def test_facts_without_an_identity_say_nothing_about_sharing():
    assert run("shared_device_or_ip", base(None)) is None


# --- blacklisted ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "listed", "identity"),
    [
        (BlacklistKind.LEGAL_NAME, "CHAN, tai-man", Identity(legal_name="Chan Tai Man")),
        (BlacklistKind.DEVICE, DEVICE, Identity(device_ids=("other-device", DEVICE))),
        (BlacklistKind.IP_RANGE, "203.0.113.0/24", Identity(ips=(IP,))),
        (
            BlacklistKind.PAYMENT_ACCOUNT,
            "fps:9123-4567",
            Identity(payment_fingerprints=(fps_fingerprint(),)),
        ),
    ],
)
def test_a_blacklisted_value_of_each_kind_blocks(kind, listed, identity):
    entry = blacklist(kind, listed)
    hit = run("blacklisted", base(identity))
    assert hit is not None
    assert hit.outcome == Outcome.BLOCK
    assert f"entry {entry.pk}" in hit.explanation


@pytest.mark.django_db
def test_a_person_whose_values_are_not_listed_is_not_blocked():
    blacklist(BlacklistKind.IP_RANGE, "198.51.100.0/24")
    blacklist(BlacklistKind.LEGAL_NAME, "Someone Else")
    identity = Identity(legal_name="Chan Tai Man", device_ids=(DEVICE,), ips=(IP,))
    assert run("blacklisted", base(identity)) is None


@pytest.mark.django_db
def test_an_expired_entry_no_longer_blocks():
    blacklist(BlacklistKind.DEVICE, DEVICE, expires_at=days_ago(1))
    assert run("blacklisted", base(Identity(device_ids=(DEVICE,)))) is None


@pytest.mark.django_db
def test_the_payment_account_being_added_and_its_holder_are_matched():
    blacklist(BlacklistKind.PAYMENT_ACCOUNT, "fps:91234567")
    assert run("blacklisted", method(fingerprint=fps_fingerprint())) is not None
    blacklist(BlacklistKind.LEGAL_NAME, "Wong Siu Ming")
    assert run("blacklisted", method(holder="wong siu ming")) is not None
    assert run("blacklisted", method(holder="Lee Ka Yan")) is None


# --- ad_price_far_from_index ---------------------------------------------------------------


def test_a_fixed_price_far_from_the_index_is_refused():
    hit = run("ad_price_far_from_index", ad(price="9.20", index="7.80"))
    assert hit is not None
    assert hit.outcome == Outcome.BLOCK
    assert "17.9% off" in hit.explanation


def test_a_fixed_price_somewhat_off_the_index_is_reviewed():
    hit = run("ad_price_far_from_index", ad(price="7.20", index="7.80"))
    assert hit is not None
    assert hit.outcome == Outcome.REVIEW


def test_a_fixed_price_near_the_index_goes_online():
    assert run("ad_price_far_from_index", ad(price="8.00", index="7.80")) is None


def test_a_floating_margin_is_measured_against_the_index():
    far = ad(price_type="floating", price=None, margin="80", index="7.80")
    assert run("ad_price_far_from_index", far).outcome == Outcome.BLOCK
    near = ad(price_type="floating", price=None, margin="103", index="7.80")
    assert run("ad_price_far_from_index", near) is None


def test_without_an_index_the_price_is_not_judged():
    assert run("ad_price_far_from_index", ad(price="100", index=None)) is None


def test_the_price_thresholds_are_parameters():
    facts = ad(price="9.20", index="7.80")
    assert run("ad_price_far_from_index", facts, block_pct="20").outcome == Outcome.REVIEW
    assert run("ad_price_far_from_index", facts, block_pct="20", review_pct="25") is None
