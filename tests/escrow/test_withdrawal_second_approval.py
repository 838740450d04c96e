"""The second approval of a large withdrawal follows the four-eyes rules: another staff member
with the review permission, never the requester, never the first approver; under a race it is
given once."""

from __future__ import annotations

from functools import partial

import pytest

from escrow.models import Withdrawal, WithdrawalStatus
from escrow.services import NotAllowed
from escrow.services.withdrawals import WithdrawalRefused, withdrawal_approve
from tests.concurrency import race
from tests.factories import make_user

from .wallet_setup import ask, make_holder, make_wallet

pytestmark = pytest.mark.django_db

LARGE = "1500"  # above make_wallet's second approval threshold (1000)


def reviewer():
    return make_user(staff=True, mfa=False, perms=["escrow.review_withdrawal"])


def state(withdrawal: Withdrawal) -> tuple[object, ...]:
    fresh = Withdrawal.objects.get(pk=withdrawal.pk)
    return fresh.status, fresh.first_approver_id, fresh.reviewer_id


def first_approved(holder=None):
    wallet = make_wallet()
    holder = holder or make_holder(wallet, balance="3000")
    withdrawal = ask(holder, LARGE).withdrawal
    first = reviewer()
    withdrawal_approve(actor=first, public_id=withdrawal.public_id)
    return withdrawal, first


def test_the_first_approver_cannot_give_the_second_approval_and_nothing_changes():
    withdrawal, first = first_approved()
    before = state(withdrawal)
    with pytest.raises(NotAllowed, match="second"):
        withdrawal_approve(actor=first, public_id=withdrawal.public_id)
    assert state(withdrawal) == before == (WithdrawalStatus.REVIEW, first.pk, None)


def test_the_requester_cannot_give_the_second_approval():
    wallet = make_wallet()
    staff = make_holder(wallet, balance="3000", user=reviewer())
    withdrawal = ask(staff, LARGE).withdrawal
    withdrawal_approve(actor=reviewer(), public_id=withdrawal.public_id)
    before = state(withdrawal)
    with pytest.raises(NotAllowed, match="own"):
        withdrawal_approve(actor=staff, public_id=withdrawal.public_id)
    assert state(withdrawal) == before


def test_staff_without_the_permission_cannot_give_the_second_approval():
    withdrawal, _first = first_approved()
    before = state(withdrawal)
    with pytest.raises(NotAllowed):
        withdrawal_approve(actor=make_user(staff=True), public_id=withdrawal.public_id)
    assert state(withdrawal) == before


def test_another_reviewer_gives_the_second_approval():
    withdrawal, first = first_approved()
    second = reviewer()
    done = withdrawal_approve(actor=second, public_id=withdrawal.public_id)
    assert (done.status, done.first_approver_id, done.reviewer_id) == (
        WithdrawalStatus.APPROVED,
        first.pk,
        second.pk,
    )


@pytest.mark.django_db(transaction=True)
def test_two_second_approvals_at_once_approve_once():
    withdrawal, first = first_approved()
    seconds = [reviewer(), reviewer()]
    results = race(
        [partial(withdrawal_approve, actor=who, public_id=withdrawal.public_id) for who in seconds]
    )
    assert sum(isinstance(r, Withdrawal) for r in results) == 1
    assert sum(isinstance(r, WithdrawalRefused) for r in results) == 1
    status, first_id, reviewer_id = state(withdrawal)
    assert (status, first_id) == (WithdrawalStatus.APPROVED, first.pk)
    assert reviewer_id in {who.pk for who in seconds}
