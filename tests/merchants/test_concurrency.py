"""Races with real threads and real transactions: one outcome each, and a ledger that adds up."""

from __future__ import annotations

from functools import partial

import pytest

from escrow.models.transfers import Transfer
from escrow.verification import verify
from merchants.models import ApplicationStatus, Merchant, MerchantApplication
from merchants.services import (
    MerchantError,
    merchant_approve,
    merchant_reject,
    merchant_withdraw_application,
)
from tests.concurrency import race
from tests.factories import make_user

from .helpers import available, eligible_user, fiat, hold_of, submit

pytestmark = pytest.mark.django_db(transaction=True)


def _outcomes(results):
    won = [r for r in results if not isinstance(r, Exception)]
    lost = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(r, MerchantError) for r in lost), lost
    return won, lost


def test_approve_racing_reject_has_exactly_one_outcome(gold):
    application = submit(eligible_user(funds="1000", asset=gold.collateral_asset), gold)
    fiat("HKD")
    approver, rejecter = make_user(superuser=True), make_user(superuser=True)
    results = race(
        [
            lambda: merchant_approve(application=application, actor=approver),
            lambda: merchant_reject(application=application, actor=rejecter, reason="No."),
        ]
    )
    won, lost = _outcomes(results)
    assert len(won) == 1
    assert len(lost) == 1
    assert "only a pending application can be reviewed" in lost[0].message
    application.refresh_from_db()
    hold = hold_of(application)
    if isinstance(won[0], Merchant):
        assert application.status == ApplicationStatus.APPROVED
        assert hold.is_open_hold
        assert Merchant.objects.count() == 1
    else:
        assert application.status == ApplicationStatus.REJECTED
        assert hold.status == Transfer.Status.VOIDED
        assert not Merchant.objects.exists()
    assert verify().ok, verify().problems


def test_many_reviewers_approving_make_one_merchant(gold):
    application = submit(eligible_user(funds="1000", asset=gold.collateral_asset), gold)
    reviewers = [make_user(superuser=True) for _ in range(6)]
    results = race([partial(merchant_approve, application=application, actor=r) for r in reviewers])
    won, lost = _outcomes(results)
    assert len(won) == 1
    assert len(lost) == 5
    assert Merchant.objects.count() == 1
    assert hold_of(application).is_open_hold
    assert verify().ok, verify().problems


def test_withdraw_racing_reject_returns_the_collateral_once(gold):
    user = eligible_user(funds="1000", asset=gold.collateral_asset)
    application = submit(user, gold)
    rejecter = make_user(superuser=True)
    results = race(
        [
            lambda: merchant_withdraw_application(actor=user, application=application),
            lambda: merchant_reject(application=application, actor=rejecter, reason="No."),
        ]
    )
    won, lost = _outcomes(results)
    assert len(won) == 1
    assert len(lost) == 1
    assert available(user, gold.collateral_asset).spendable == 1000
    assert hold_of(application).status == Transfer.Status.VOIDED
    assert verify().ok, verify().problems


def test_one_user_applying_twice_at_once_freezes_once(gold):
    user = eligible_user(funds="5000", asset=gold.collateral_asset)
    results = race([partial(submit, user, gold, name=f"Twin {i}") for i in range(4)])
    won, lost = _outcomes(results)
    assert len(won) == 1
    assert len(lost) == 3
    assert MerchantApplication.objects.filter(user=user).count() == 1
    assert available(user, gold.collateral_asset).spendable == 4000
    assert verify().ok, verify().problems


def test_two_people_claiming_one_name_at_once_get_it_once(gold):
    people = [eligible_user(funds="1000", asset=gold.collateral_asset) for _ in range(4)]
    results = race([partial(submit, p, gold, name="Same Name") for p in people])
    won, lost = _outcomes(results)
    assert len(won) == 1
    assert len(lost) == 3
    assert all("already taken" in error.message for error in lost)
    assert MerchantApplication.objects.count() == 1
    assert verify().ok, verify().problems
