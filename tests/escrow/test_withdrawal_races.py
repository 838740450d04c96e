"""Withdrawals under races, with real threads, connections and transactions."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

import pytest

from escrow.models import LedgerAccount, SimulatedTransaction, Withdrawal, WithdrawalStatus
from escrow.models.transfers import Transfer
from escrow.services.simulated_chain import simulated_send_fail
from escrow.services.withdrawals import (
    withdrawal_approve,
    withdrawal_cancel,
    withdrawal_observe,
    withdrawal_send,
)
from tests.concurrency import race
from tests.factories import make_user

from .ledger_state import assert_ledger_verifies
from .wallet_setup import ask, make_holder, make_wallet

pytestmark = pytest.mark.django_db(transaction=True)


def test_sixteen_requests_never_hold_more_than_the_balance():
    wallet = make_wallet(fee="1", per_day="100000", per_30_days="100000")
    holder = make_holder(wallet, balance="500")
    results = race([partial(ask, holder, "100", key=f"form-{i}") for i in range(16)])
    won = [r for r in results if not isinstance(r, Exception)]
    assert len(won) == 4  # 4 x (100 + 1) fit in 500, a fifth does not
    account = LedgerAccount.objects.get(owner=holder, asset=wallet.asset, kind="available")
    assert (account.pending_debits, account.spendable) == (Decimal("404"), Decimal("96"))
    assert Withdrawal.objects.filter(user=holder).count() == 4
    assert_ledger_verifies()


def test_sixteen_requests_stay_within_the_daily_limit():
    wallet = make_wallet(fee="0", per_day="300", per_30_days="100000")
    holder = make_holder(wallet, balance="5000")
    race([partial(ask, holder, "100", key=f"form-{i}") for i in range(16)])
    assert Withdrawal.objects.filter(user=holder).count() == 3


def test_an_approval_racing_a_cancel_ends_one_way():
    wallet = make_wallet()
    holder = make_holder(wallet, balance="500")
    withdrawal = ask(holder, "50").withdrawal
    staff = make_user(staff=True, perms=["escrow.review_withdrawal"])
    race(
        [
            partial(withdrawal_approve, actor=staff, public_id=withdrawal.public_id),
            partial(withdrawal_cancel, actor=holder, public_id=withdrawal.public_id),
        ]
    )
    withdrawal.refresh_from_db()
    assert withdrawal.hold_id is not None
    hold = Transfer.objects.get(pk=withdrawal.hold_id)
    expected_hold = {WithdrawalStatus.APPROVED: "pending", WithdrawalStatus.CANCELED: "voided"}
    assert hold.status == expected_hold[WithdrawalStatus(withdrawal.status)]
    assert_ledger_verifies()


def _sent_and_approved():
    wallet = make_wallet()
    holder = make_holder(wallet, balance="500")
    withdrawal = ask(holder, "50").withdrawal
    staff = make_user(staff=True, perms=["escrow.review_withdrawal"])
    withdrawal_approve(actor=staff, public_id=withdrawal.public_id)
    return wallet, holder, withdrawal


def test_two_workers_sending_at_once_send_once():
    _wallet, _holder, withdrawal = _sent_and_approved()
    race([partial(withdrawal_send, public_id=withdrawal.public_id) for _ in range(4)])
    assert SimulatedTransaction.objects.filter(direction="out").count() == 1


def test_a_failure_seen_by_racing_workers_voids_once():
    wallet, holder, withdrawal = _sent_and_approved()
    sent = withdrawal_send(public_id=withdrawal.public_id)
    simulated_send_fail(provider_ref=sent.provider_ref)
    race([partial(withdrawal_observe, public_id=withdrawal.public_id) for _ in range(4)])
    account = LedgerAccount.objects.get(owner=holder, asset=wallet.asset, kind="available")
    assert (account.pending_debits, account.spendable) == (Decimal(0), Decimal("500"))
    assert_ledger_verifies()
