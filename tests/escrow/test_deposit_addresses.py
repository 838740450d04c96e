"""Deposit addresses: one per user and network, issued once by the custody provider, shaped
like the network's addresses, never shown to anyone else, refused on a paused network."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import partial

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from escrow.custody import provider
from escrow.models import DepositAddress, Network
from escrow.services.deposits import DepositsPaused, deposit_address_issue
from otc.demo import BITCOIN, EVM, TRON
from tests.concurrency import race
from tests.factories import make_asset, make_user

pytestmark = pytest.mark.django_db


def network(code: str = "tron", pattern: str = TRON, **fields: object) -> Network:
    asset = make_asset(symbol=None)
    values = {"name": "TRON (TRC-20)", "confirmations": 20, "min_deposit": Decimal(1)}
    values.update(fields)
    return Network.objects.create(asset=asset, code=code, address_pattern=pattern, **values)


@pytest.mark.parametrize(
    ("code", "pattern"), [("tron", TRON), ("ethereum", EVM), ("bitcoin", BITCOIN)]
)
def test_the_simulated_chain_issues_addresses_shaped_like_the_network(code, pattern):
    chain = provider()
    first = chain.issue_address(network_code=code, asset_symbol="USDT", owner="user:1")
    again = chain.issue_address(network_code=code, asset_symbol="USDT", owner="user:1")
    other = chain.issue_address(network_code=code, asset_symbol="USDT", owner="user:2")
    assert re.fullmatch(pattern, first.address)
    assert again == first
    assert other.address != first.address


def test_a_user_gets_one_address_per_network_however_often_they_ask():
    tron = network()
    user = make_user()
    first = deposit_address_issue(actor=user, network_id=tron.pk)
    again = deposit_address_issue(actor=user, network_id=tron.pk)
    assert again.pk == first.pk
    assert DepositAddress.objects.filter(user=user).count() == 1
    assert first.provider == "simulated"


def test_two_users_never_share_an_address():
    tron = network()
    mine = deposit_address_issue(actor=make_user(), network_id=tron.pk)
    theirs = deposit_address_issue(actor=make_user(), network_id=tron.pk)
    assert mine.address != theirs.address


def test_the_database_refuses_one_address_for_two_users():
    tron = network()
    taken = deposit_address_issue(actor=make_user(), network_id=tron.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        DepositAddress.objects.create(
            user=make_user(), network=tron, address=taken.address, provider="simulated"
        )


def test_a_paused_network_issues_nothing():
    tron = network(deposits_enabled=False)
    user = make_user()
    with pytest.raises(DepositsPaused, match="paused"):
        deposit_address_issue(actor=user, network_id=tron.pk)
    assert DepositAddress.objects.filter(user=user).count() == 0


def test_the_database_refuses_a_maximum_withdrawal_below_the_minimum():
    with pytest.raises(IntegrityError), transaction.atomic():
        network(withdraw_min=Decimal(10), withdraw_max=Decimal(5))


@pytest.mark.django_db(transaction=True)
def test_two_tabs_asking_at_once_get_the_same_address():
    tron = network()
    user = make_user()
    results = race([partial(deposit_address_issue, actor=user, network_id=tron.pk)] * 8)
    assert {result.pk for result in results} == {DepositAddress.objects.get(user=user).pk}


def test_the_deposit_page_names_the_network_loudly_and_gives_the_address(client):
    tron = network(min_deposit=Decimal("1.5"))
    user = make_user()
    client.force_login(user)
    url = reverse("escrow:deposit")
    before = client.get(url, {"network": tron.pk}).content.decode()
    assert f"Send only {tron.asset.symbol} on TRON (TRC-20) to this address." in before
    assert "Get my deposit address" in before
    assert "1.5 " + tron.asset.symbol in before
    assert "20 confirmations" in before
    response = client.post(url, {"network": tron.pk})
    assert response.status_code == 302
    address = DepositAddress.objects.get(user=user)
    after = client.get(response["Location"]).content.decode()
    assert address.address in after
    assert 'data-copy-target="deposit-address"' in after


def test_the_page_never_shows_another_users_address(client):
    tron = network()
    theirs = deposit_address_issue(actor=make_user(), network_id=tron.pk)
    client.force_login(make_user())
    page = client.get(reverse("escrow:deposit"), {"network": tron.pk}).content.decode()
    assert theirs.address not in page


@pytest.mark.parametrize("asked", ["", "abc", "999999", "-1"])
def test_a_bad_or_paused_network_is_refused_with_a_message(client, asked):
    user = make_user()
    client.force_login(user)
    response = client.post(reverse("escrow:deposit"), {"network": asked}, follow=True)
    assert response.status_code == 200
    assert "Deposits on this network are paused." in response.content.decode()
    assert DepositAddress.objects.filter(user=user).count() == 0


def test_the_deposit_page_asks_a_visitor_to_sign_in(client):
    response = client.get(reverse("escrow:deposit"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_deposit_page_draws_the_address_as_a_qr_code(client):
    user = make_user()
    network = Network.objects.create(
        asset=make_asset(symbol="QUSDT"),
        code="tron",
        name="TRON (TRC-20)",
        address_pattern=TRON,
    )
    deposit_address_issue(actor=user, network_id=network.pk)
    client.force_login(user)
    page = client.get(reverse("escrow:deposit"), {"network": network.pk}).content.decode()
    assert '<svg role="img" aria-label="QR code of your QUSDT address on TRON (TRC-20)"' in page
    assert "<?xml" not in page
