"""Deposits on the simulated chain: seen at once, credited once the network's confirmations are
reached, exactly once however often and however concurrently the chain is observed; below the
minimum never credited; dropped by a reorg before credit."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

import pytest

from escrow.models import AccountKind, Deposit, DepositStatus, Network, SimulatedTransaction
from escrow.models.transfers import Transfer
from escrow.services import NotAllowed
from escrow.services.deposits import deposit_address_issue, deposit_observe, deposits_sweep
from escrow.services.simulated_chain import simulate_deposit, simulated_block, simulated_reorg
from escrow.verification import verify
from otc.demo import TRON
from tests.concurrency import race
from tests.factories import make_asset, make_user
from tests.orders.factories import balance

pytestmark = pytest.mark.django_db


@pytest.fixture
def tron() -> Network:
    return Network.objects.create(
        asset=make_asset(symbol="USDT"),
        code="tron",
        name="TRON (TRC-20)",
        confirmations=3,
        min_deposit=Decimal(1),
        address_pattern=TRON,
    )


@pytest.fixture
def staff():
    return make_user(staff=True)


def blocks(n: int) -> None:
    for _ in range(n):
        simulated_block()


def test_a_deposit_is_credited_once_its_confirmations_are_reached(tron, staff):
    user = make_user()
    address = deposit_address_issue(actor=user, network_id=tron.pk)
    sent = simulate_deposit(actor=staff, address_id=address.pk, amount="25.5")
    deposit = Deposit.objects.get(txid=sent.txid)
    assert deposit.status == DepositStatus.CONFIRMING
    assert balance(user, tron.asset, AccountKind.AVAILABLE) == 0
    blocks(2)
    deposit.refresh_from_db()
    assert (deposit.status, deposit.confirmations) == (DepositStatus.CONFIRMING, 2)
    blocks(1)
    deposit.refresh_from_db()
    assert deposit.status == DepositStatus.CREDITED
    assert balance(user, tron.asset, AccountKind.AVAILABLE) == Decimal("25.5")
    assert verify().ok


def test_observing_again_and_again_credits_once(tron, staff):
    user = make_user()
    address = deposit_address_issue(actor=user, network_id=tron.pk)
    sent = simulate_deposit(actor=staff, address_id=address.pk, amount="10")
    blocks(3)
    for _ in range(5):  # the webhook repeats, the sweep runs again
        deposit_observe(network_id=tron.pk, txid=sent.txid)
        deposits_sweep()
        simulated_block()
    assert balance(user, tron.asset, AccountKind.AVAILABLE) == Decimal(10)
    assert Transfer.objects.filter(ref=f"deposit:{sent.txid}").count() == 1


def test_below_the_minimum_is_never_credited(tron, staff):
    user = make_user()
    address = deposit_address_issue(actor=user, network_id=tron.pk)
    sent = simulate_deposit(actor=staff, address_id=address.pk, amount="0.5")
    blocks(5)
    assert Deposit.objects.get(txid=sent.txid).status == DepositStatus.REJECTED
    assert balance(user, tron.asset, AccountKind.AVAILABLE) == 0


def test_a_reorg_before_credit_drops_the_deposit(tron, staff):
    user = make_user()
    address = deposit_address_issue(actor=user, network_id=tron.pk)
    sent = simulate_deposit(actor=staff, address_id=address.pk, amount="10")
    blocks(1)
    simulated_reorg(txid=sent.txid)
    blocks(5)
    assert Deposit.objects.get(txid=sent.txid).status == DepositStatus.DROPPED
    assert balance(user, tron.asset, AccountKind.AVAILABLE) == 0
    assert verify().ok


def test_only_staff_send_on_the_simulated_chain(tron):
    user = make_user()
    address = deposit_address_issue(actor=user, network_id=tron.pk)
    with pytest.raises(NotAllowed):
        simulate_deposit(actor=user, address_id=address.pk, amount="10")
    assert not Deposit.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_racing_observers_credit_once(tron, staff):
    user = make_user()
    address = deposit_address_issue(actor=user, network_id=tron.pk)
    sent = simulate_deposit(actor=staff, address_id=address.pk, amount="7")
    from escrow.models import SimulatedTransaction

    SimulatedTransaction.objects.filter(txid=sent.txid).update(confirmations=3)
    race([partial(deposit_observe, network_id=tron.pk, txid=sent.txid)] * 8)
    assert balance(user, tron.asset, AccountKind.AVAILABLE) == Decimal(7)
    assert Transfer.objects.filter(ref=f"deposit:{sent.txid}").count() == 1
    assert verify().ok


def test_staff_send_a_test_deposit_from_the_admin_and_the_wallet_shows_it_confirming(client, tron):
    from django.urls import reverse

    user = make_user()
    address = deposit_address_issue(actor=user, network_id=tron.pk)
    client.force_login(make_user(superuser=True))
    url = reverse("admin:escrow_depositaddress_simulate", args=[address.pk])
    refused = client.post(url, {"amount": "1e309"})
    assert "That amount is too large." in refused.content.decode()
    assert not Deposit.objects.exists()
    sent = client.post(url, {"amount": "12"})
    assert sent.status_code == 302
    deposit = Deposit.objects.get()
    assert deposit.amount == Decimal(12)
    client.force_login(user)
    wallet = client.get(reverse("escrow:wallet")).content.decode()
    assert "Confirming: 0 of 3" in wallet
    blocks(3)
    wallet = client.get(reverse("escrow:wallet")).content.decode()
    assert "Credited" in wallet


def test_a_user_never_sees_another_users_deposit(client, tron, staff):
    from django.urls import reverse

    address = deposit_address_issue(actor=make_user(), network_id=tron.pk)
    simulate_deposit(actor=staff, address_id=address.pk, amount="12")
    client.force_login(make_user())
    wallet = client.get(reverse("escrow:wallet")).content.decode()
    assert "Recent deposits" not in wallet


def test_the_sweep_finds_a_deposit_whose_webhook_never_came(settings):
    network = Network.objects.create(
        asset=make_asset(symbol="SWUSDT"),
        code="tron",
        name="TRON (TRC-20)",
        confirmations=1,
        address_pattern=TRON,
    )
    user = make_user()
    address = deposit_address_issue(actor=user, network_id=network.pk)
    SimulatedTransaction.objects.create(
        network_code="tron",
        asset_symbol="SWUSDT",
        txid="sim-lost-webhook",
        address=address.address,
        amount=Decimal("12"),
        confirmations=3,
    )
    deposits_sweep()
    deposits_sweep()
    [found] = Deposit.objects.filter(txid="sim-lost-webhook")
    assert (found.status, found.amount) == ("credited", Decimal("12"))
    assert balance(user, network.asset) == Decimal("12")
