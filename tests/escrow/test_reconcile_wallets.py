"""`manage.py reconcile_wallets`: the ledger against the simulated chain, through deposits and
withdrawals at every stage, and a difference named and failing the run."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from escrow.models import DepositAddress
from escrow.reconciliation import reconcile
from escrow.services.simulated_chain import simulate_deposit, simulated_block
from escrow.services.withdrawals import withdrawal_approve, withdrawal_send
from tests.factories import funded_account, make_user

from .wallet_setup import ask, make_holder, make_wallet

pytestmark = pytest.mark.django_db


def deposit_through_the_chain(user, wallet, amount: str) -> None:
    address = DepositAddress.objects.create(
        user=user, network=wallet.network, address="T" + "d" * 33, provider="simulated"
    )
    simulate_deposit(actor=make_user(staff=True), address_id=address.pk, amount=amount)
    for _ in range(wallet.network.confirmations):
        simulated_block()


@pytest.fixture
def wallet():
    return make_wallet(confirmations=2)


@pytest.fixture
def holder(wallet):
    user = make_holder(wallet, balance="0")
    deposit_through_the_chain(user, wallet, "500")
    return user


def line_for(wallet):
    return next(line for line in reconcile().assets if line.symbol == wallet.asset.symbol)


def test_deposits_credited_from_the_chain_reconcile(wallet, holder):
    assert line_for(wallet).difference == 0
    assert line_for(wallet).users == Decimal("500")


def test_a_deposit_still_confirming_reconciles(wallet, holder):
    address = DepositAddress.objects.get(user=holder)
    simulate_deposit(actor=make_user(staff=True), address_id=address.pk, amount="7")
    simulated_block()
    assert line_for(wallet).difference == 0


def test_a_withdrawal_reconciles_at_every_stage(wallet, holder):
    withdrawal = ask(holder, "50").withdrawal
    assert line_for(wallet).difference == 0  # held, still on the chain
    staff = make_user(staff=True, perms=["escrow.review_withdrawal"])
    withdrawal_approve(actor=staff, public_id=withdrawal.public_id)
    withdrawal_send(public_id=withdrawal.public_id)
    assert line_for(wallet).difference == 0  # sent, not yet posted
    simulated_block()
    simulated_block()
    withdrawal.refresh_from_db()
    assert withdrawal.status == "done"
    assert line_for(wallet).difference == 0


def test_money_the_chain_never_saw_fails_the_command(wallet, holder):
    funded_account(make_user(), wallet.asset, "25")  # credited in the ledger only
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_code:
        call_command("reconcile_wallets", stdout=out, stderr=err)
    assert exit_code.value.code == 1
    assert "25" in err.getvalue()


def test_the_command_passes_within_the_tolerance(wallet, holder):
    funded_account(make_user(), wallet.asset, "0.000001")
    out = StringIO()
    call_command("reconcile_wallets", "--tolerance", "0.00001", stdout=out)
    assert "reconciled" in out.getvalue()


def test_a_bad_tolerance_is_a_clear_error(wallet):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="tolerance"):
        call_command("reconcile_wallets", "--tolerance", "lots")
