"""The address book: addresses checked against their network, a cooling period before use,
no duplicates, and each user's book their own."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from escrow.models import Network, WithdrawalAddress
from escrow.services.address_book import AddressRefused, address_add, address_remove
from otc.demo import TRON
from tests.factories import make_asset, make_user

pytestmark = pytest.mark.django_db
GOOD = "T" + "a" * 33


@pytest.fixture
def tron() -> Network:
    return Network.objects.create(
        asset=make_asset(symbol="USDT"),
        code="tron",
        name="TRON (TRC-20)",
        min_deposit=Decimal(1),
        address_pattern=TRON,
    )


def test_a_new_address_waits_out_the_cooling_period(tron, settings):
    settings.WITHDRAWAL_ADDRESS_COOLING_HOURS = 24
    before = timezone.now()
    entry = address_add(actor=make_user(), network_id=tron.pk, label="Ledger", address=GOOD)
    assert before + timedelta(hours=24) <= entry.usable_from
    assert entry.usable_from <= timezone.now() + timedelta(hours=24)


@pytest.mark.parametrize(
    ("address", "memo", "label", "field"),
    [
        ("0x" + "a" * 40, "", "Ledger", "address"),  # an Ethereum address on TRON
        ("T123", "", "Ledger", "address"),
        (GOOD, "", "  ", "label"),
    ],
)
def test_a_refused_address_is_not_saved(tron, address, memo, label, field):
    user = make_user()
    with pytest.raises(AddressRefused) as refused:
        address_add(actor=user, network_id=tron.pk, label=label, address=address, memo=memo)
    assert refused.value.field == field
    assert not WithdrawalAddress.objects.filter(user=user).exists()


def test_a_network_that_needs_a_memo_refuses_an_address_without_one(tron):
    Network.objects.filter(pk=tron.pk).update(memo_required=True)
    with pytest.raises(AddressRefused, match="memo"):
        address_add(actor=make_user(), network_id=tron.pk, label="Exchange", address=GOOD)


def test_the_same_address_twice_is_refused_and_after_removal_it_may_come_back(tron):
    user = make_user()
    first = address_add(actor=user, network_id=tron.pk, label="Ledger", address=GOOD)
    with pytest.raises(AddressRefused, match="already"):
        address_add(actor=user, network_id=tron.pk, label="Again", address=GOOD)
    address_remove(actor=user, entry_id=first.pk)
    assert address_add(actor=user, network_id=tron.pk, label="Back", address=GOOD).label == "Back"


def test_nobody_removes_another_users_address(tron):
    entry = address_add(actor=make_user(), network_id=tron.pk, label="Ledger", address=GOOD)
    with pytest.raises(AddressRefused):
        address_remove(actor=make_user(), entry_id=entry.pk)
    entry.refresh_from_db()
    assert entry.removed_at is None


def test_the_page_adds_shows_and_refuses_with_a_message(client, tron):
    user = make_user()
    client.force_login(user)
    url = reverse("escrow:addresses")
    bad = client.post(url, {"network": tron.pk, "label": "Ledger", "address": "nope"})
    assert bad.status_code == 200
    assert "That is not a TRON (TRC-20) address." in bad.content.decode()
    assert not WithdrawalAddress.objects.exists()
    saved = client.post(url, {"network": tron.pk, "label": "Ledger", "address": GOOD})
    assert saved.status_code == 302
    page = client.get(url).content.decode()
    assert GOOD in page
    assert "Usable from" in page
    client.force_login(make_user())
    assert GOOD not in client.get(url).content.decode()


@pytest.mark.parametrize("network", ["", "abc", "999999"])
def test_a_bad_network_is_a_form_error(client, tron, network):
    client.force_login(make_user())
    response = client.post(
        reverse("escrow:addresses"), {"network": network, "label": "L", "address": GOOD}
    )
    assert response.status_code == 200
    assert not WithdrawalAddress.objects.exists()


def test_a_changed_address_cools_again(tron, settings):
    from escrow.services.address_book import address_change

    settings.WITHDRAWAL_ADDRESS_COOLING_HOURS = 24
    user = make_user()
    entry = address_add(actor=user, network_id=tron.pk, label="Ledger", address=GOOD)
    WithdrawalAddress.objects.filter(pk=entry.pk).update(usable_from=timezone.now())
    changed = address_change(actor=user, entry_id=entry.pk, label="Ledger", address="T" + "b" * 33)
    assert changed.usable_from > timezone.now() + timedelta(hours=23)


def test_a_new_label_keeps_the_address_usable(tron):
    from escrow.services.address_book import address_change

    user = make_user()
    entry = address_add(actor=user, network_id=tron.pk, label="Ledger", address=GOOD)
    WithdrawalAddress.objects.filter(pk=entry.pk).update(usable_from=timezone.now())
    changed = address_change(actor=user, entry_id=entry.pk, label="Cold wallet", address=GOOD)
    assert (changed.label, changed.usable_from <= timezone.now()) == ("Cold wallet", True)


def test_nobody_changes_another_persons_entry(tron):
    from escrow.services.address_book import address_change

    entry = address_add(actor=make_user(), network_id=tron.pk, label="Ledger", address=GOOD)
    with pytest.raises(AddressRefused):
        address_change(actor=make_user(), entry_id=entry.pk, label="Mine", address=GOOD)
    entry.refresh_from_db()
    assert entry.label == "Ledger"


def test_a_blacklisted_address_cannot_be_added(tron):
    from risk.models import BlacklistEntry, BlacklistKind

    BlacklistEntry.objects.create(
        kind=BlacklistKind.CRYPTO_ADDRESS, value=GOOD, reason="scam", source="partner list"
    )
    user = make_user()
    with pytest.raises(AddressRefused) as refused:
        address_add(actor=user, network_id=tron.pk, label="Ledger", address=GOOD)
    assert refused.value.field == "address"
    assert not WithdrawalAddress.objects.filter(user=user).exists()
