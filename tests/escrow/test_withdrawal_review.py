"""Staff review of withdrawals, the user's cancel, and the email's freeze link."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail

from accounts.models import Restriction
from accounts.models.security import RestrictionKind
from escrow.models import LedgerAccount, WithdrawalStatus
from escrow.services import NotAllowed
from escrow.services.withdrawals import (
    FreezeLinkUsed,
    WithdrawalRefused,
    withdrawal_approve,
    withdrawal_cancel,
    withdrawal_freeze_by_link,
    withdrawal_reject,
)
from tests.factories import make_user

from .ledger_state import assert_ledger_verifies
from .wallet_setup import ask, make_holder, make_wallet, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def wallet():
    return make_wallet()


@pytest.fixture
def holder(wallet):
    return make_holder(wallet, balance="3000")


def reviewer():
    return make_user(staff=True, perms=["escrow.review_withdrawal"])


def available(user, wallet) -> Decimal:
    account = LedgerAccount.objects.get(owner=user, asset=wallet.asset, kind="available")
    return account.spendable


def test_an_approval_queues_the_withdrawal_for_sending(
    wallet, holder, django_capture_on_commit_callbacks
):
    withdrawal = ask(holder, "50").withdrawal
    with django_capture_on_commit_callbacks() as callbacks:
        approved = withdrawal_approve(actor=reviewer(), public_id=withdrawal.public_id)
    assert approved.status == WithdrawalStatus.APPROVED
    assert callbacks


def test_staff_without_the_permission_cannot_approve(wallet, holder):
    withdrawal = ask(holder, "50").withdrawal
    with pytest.raises(NotAllowed):
        withdrawal_approve(actor=make_user(staff=True), public_id=withdrawal.public_id)
    withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.REVIEW


def test_nobody_reviews_their_own_withdrawal(wallet):
    staff = make_holder(
        wallet, user=make_user(staff=True, mfa=False, perms=["escrow.review_withdrawal"])
    )
    withdrawal = ask(staff, "50").withdrawal
    with pytest.raises(NotAllowed, match="own"):
        withdrawal_approve(actor=staff, public_id=withdrawal.public_id)
    withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.REVIEW


def test_a_large_withdrawal_needs_a_second_person(wallet, holder):
    withdrawal = ask(holder, "1500").withdrawal
    first = reviewer()
    after_one = withdrawal_approve(actor=first, public_id=withdrawal.public_id)
    assert after_one.status == WithdrawalStatus.REVIEW
    with pytest.raises(NotAllowed, match="second"):
        withdrawal_approve(actor=first, public_id=withdrawal.public_id)
    done = withdrawal_approve(actor=reviewer(), public_id=withdrawal.public_id)
    assert done.status == WithdrawalStatus.APPROVED


def test_a_rejection_frees_the_funds_and_keeps_the_reason(wallet, holder):
    withdrawal = ask(holder, "50").withdrawal
    rejected = withdrawal_reject(
        actor=reviewer(), public_id=withdrawal.public_id, reason="Address linked to a scam"
    )
    assert rejected.status == WithdrawalStatus.REJECTED
    assert available(holder, wallet) == Decimal("3000")
    assert_ledger_verifies()


def test_a_rejection_needs_a_reason(wallet, holder):
    withdrawal = ask(holder, "50").withdrawal
    before = snapshot(holder)
    with pytest.raises(WithdrawalRefused):
        withdrawal_reject(actor=reviewer(), public_id=withdrawal.public_id, reason=" ")
    assert snapshot(holder) == before


def test_the_user_cancels_before_it_is_sent(wallet, holder):
    withdrawal = ask(holder, "50").withdrawal
    canceled = withdrawal_cancel(actor=holder, public_id=withdrawal.public_id)
    assert canceled.status == WithdrawalStatus.CANCELED
    assert available(holder, wallet) == Decimal("3000")


def test_a_withdrawal_cannot_be_canceled_twice(wallet, holder):
    withdrawal = ask(holder, "50").withdrawal
    withdrawal_cancel(actor=holder, public_id=withdrawal.public_id)
    before = snapshot(holder)
    with pytest.raises(WithdrawalRefused):
        withdrawal_cancel(actor=holder, public_id=withdrawal.public_id)
    assert snapshot(holder) == before


def test_nobody_cancels_another_persons_withdrawal(wallet, holder):
    withdrawal = ask(holder, "50").withdrawal
    with pytest.raises(WithdrawalRefused):
        withdrawal_cancel(actor=make_user(), public_id=withdrawal.public_id)
    withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.REVIEW


def test_the_request_mails_a_freeze_link(wallet, holder, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        requested = ask(holder, "50")
    assert any(requested.cancel_token in message.body for message in mail.outbox)


def test_the_freeze_link_cancels_and_freezes(wallet, holder):
    requested = ask(holder, "50")
    frozen = withdrawal_freeze_by_link(token=requested.cancel_token)
    assert frozen.status == WithdrawalStatus.CANCELED
    kinds = set(Restriction.objects.filter(user=holder).values_list("kind", flat=True))
    assert kinds == {RestrictionKind.WITHDRAW, RestrictionKind.SELL}
    assert available(holder, wallet) == Decimal("3000")


def test_the_freeze_link_works_once(wallet, holder):
    requested = ask(holder, "50")
    withdrawal_freeze_by_link(token=requested.cancel_token)
    with pytest.raises(FreezeLinkUsed):
        withdrawal_freeze_by_link(token=requested.cancel_token)
    assert Restriction.objects.filter(user=holder).count() == 2


def test_the_freeze_link_touches_only_its_own_withdrawal(wallet, holder):
    first = ask(holder, "50")
    second = ask(holder, "60").withdrawal
    withdrawal_freeze_by_link(token=first.cancel_token)
    second.refresh_from_db()
    assert second.status == WithdrawalStatus.REVIEW


def test_a_made_up_freeze_token_does_nothing(wallet, holder):
    ask(holder, "50")
    before = snapshot(holder)
    with pytest.raises(FreezeLinkUsed):
        withdrawal_freeze_by_link(token="not-a-real-token")
    assert snapshot(holder) == before
