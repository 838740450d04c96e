"""An approved withdrawal through the simulated chain: sent once per attempt, followed block by
block, posted once when done, voided once when the chain refuses it, and sent again by staff."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from escrow.custody import HintKind, WebhookHint
from escrow.custody.simulated import SimulatedChain
from escrow.models import AccountKind, LedgerAccount, SimulatedTransaction, WithdrawalStatus
from escrow.services.simulated_chain import simulated_block, simulated_send_fail
from escrow.services.withdrawals import (
    WithdrawalRefused,
    withdrawal_approve,
    withdrawal_observe,
    withdrawal_retry,
    withdrawal_send,
    withdrawals_sweep,
)
from tests.factories import make_user

from .ledger_state import assert_ledger_verifies
from .wallet_setup import ask, make_holder, make_wallet

pytestmark = pytest.mark.django_db


@pytest.fixture
def wallet():
    return make_wallet(fee="1", confirmations=2)


@pytest.fixture
def holder(wallet):
    return make_holder(wallet, balance="500")


def approved(holder, amount="50"):
    withdrawal = ask(holder, amount).withdrawal
    staff = make_user(staff=True, perms=["escrow.review_withdrawal", "escrow.retry_withdrawal"])
    withdrawal_approve(actor=staff, public_id=withdrawal.public_id)
    return withdrawal, staff


def platform(wallet, kind) -> Decimal:
    account = LedgerAccount.objects.get(owner=None, asset=wallet.asset, kind=kind)
    return account.balance


def user_balance(user, wallet) -> Decimal:
    return LedgerAccount.objects.get(owner=user, asset=wallet.asset, kind="available").balance


def test_a_sent_withdrawal_is_processing_until_the_chain_has_it(wallet, holder):
    withdrawal, _ = approved(holder)
    sent = withdrawal_send(public_id=withdrawal.public_id)
    assert sent.status == WithdrawalStatus.PROCESSING
    assert sent.provider_ref


def test_blocks_confirm_it_and_the_hold_is_posted(wallet, holder):
    withdrawal, _ = approved(holder)
    withdrawal_send(public_id=withdrawal.public_id)
    simulated_block()
    withdrawal.refresh_from_db()
    assert (withdrawal.status, withdrawal.confirmations) == (WithdrawalStatus.CONFIRMING, 1)
    simulated_block()
    withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.DONE
    assert user_balance(holder, wallet) == Decimal("449")
    assert platform(wallet, AccountKind.FEE_INCOME) == Decimal("1")
    assert_ledger_verifies()


def test_sending_twice_is_one_send(wallet, holder):
    withdrawal, _ = approved(holder)
    withdrawal_send(public_id=withdrawal.public_id)
    withdrawal_send(public_id=withdrawal.public_id)
    assert SimulatedTransaction.objects.filter(direction="out").count() == 1


def test_a_send_cut_off_before_the_answer_is_sent_again_with_the_same_key(wallet, holder):
    withdrawal, _ = approved(holder)
    withdrawal_send(public_id=withdrawal.public_id)
    type(withdrawal).objects.filter(pk=withdrawal.pk).update(provider_ref="")  # the answer lost
    withdrawals_sweep()
    withdrawal.refresh_from_db()
    assert SimulatedTransaction.objects.filter(direction="out").count() == 1
    assert withdrawal.provider_ref


def test_a_refused_send_voids_the_hold_once(wallet, holder):
    withdrawal, _ = approved(holder)
    sent = withdrawal_send(public_id=withdrawal.public_id)
    simulated_send_fail(provider_ref=sent.provider_ref)
    withdrawal_observe(public_id=withdrawal.public_id)
    withdrawal_observe(public_id=withdrawal.public_id)
    withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.FAILED
    assert user_balance(holder, wallet) == Decimal("500")
    assert_ledger_verifies()


def test_staff_send_a_failed_withdrawal_again(wallet, holder):
    withdrawal, staff = approved(holder)
    sent = withdrawal_send(public_id=withdrawal.public_id)
    simulated_send_fail(provider_ref=sent.provider_ref)
    withdrawal_observe(public_id=withdrawal.public_id)
    again = withdrawal_retry(actor=staff, public_id=withdrawal.public_id)
    assert (again.status, again.attempt) == (WithdrawalStatus.APPROVED, 2)
    withdrawal_send(public_id=withdrawal.public_id)
    simulated_block()
    simulated_block()
    withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.DONE
    assert user_balance(holder, wallet) == Decimal("449")
    assert_ledger_verifies()


def test_only_a_failed_withdrawal_is_sent_again(wallet, holder):
    withdrawal, staff = approved(holder)
    with pytest.raises(WithdrawalRefused):
        withdrawal_retry(actor=staff, public_id=withdrawal.public_id)


def test_the_sweep_sends_what_the_queue_dropped(wallet, holder, settings):
    from escrow.services.withdrawals import sending

    withdrawal, _ = approved(holder)
    type(withdrawal).objects.filter(pk=withdrawal.pk).update(
        reviewed_at=withdrawal.requested_at - sending.SEND_GRACE
    )
    withdrawals_sweep()
    withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.PROCESSING


def test_a_webhook_about_a_send_makes_the_service_ask_the_provider(wallet, holder, client):
    withdrawal, _ = approved(holder)
    sent = withdrawal_send(public_id=withdrawal.public_id)
    SimulatedTransaction.objects.filter(txid=sent.provider_ref).update(confirmations=2)
    hint = WebhookHint(
        delivery_id="d-1",
        sent_at=timezone.now(),
        kind=HintKind.WITHDRAWAL,
        network_code="tron",
        provider_ref=sent.provider_ref,
    )
    headers, body = SimulatedChain().signed_webhook(hint)
    response = client.generic(
        "POST", reverse("escrow:custody_webhook"), body, "application/json", headers=headers
    )
    assert response.status_code == 200
    withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.DONE
    assert_ledger_verifies()
