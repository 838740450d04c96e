"""Staff screens for the ledger: assets editable, records read-only, adjustments on record."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from escrow.models import AdjustmentThreshold
from escrow.models.transfers import Entry, Transfer
from tests.factories import funded_account, make_asset, make_user

from .ledger_state import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def account():
    return funded_account(make_user(), make_asset(symbol="AUSDT"), "10")


@pytest.fixture
def admin_client(client):
    client.force_login(make_user(superuser=True))
    return client


def test_ledger_records_are_listed_but_not_editable(admin_client, account):
    transfer = Transfer.objects.get()
    for name in ["ledgeraccount", "transfer", "entry"]:
        assert admin_client.get(reverse(f"admin:escrow_{name}_changelist")).status_code == 200
        assert admin_client.get(reverse(f"admin:escrow_{name}_add")).status_code == 403
    page = admin_client.get(reverse("admin:escrow_transfer_change", args=[transfer.pk]))
    assert page.status_code == 200
    assert 'name="amount"' not in page.content.decode()
    before = snapshot()
    response = admin_client.post(reverse("admin:escrow_transfer_delete", args=[transfer.pk]))
    assert response.status_code == 403
    assert snapshot() == before


def test_assets_are_editable(admin_client):
    assert admin_client.get(reverse("admin:escrow_asset_add")).status_code == 200


def test_staff_adjustment_form_records_who_and_why(admin_client, account):
    # within the threshold: applied at once (above it: tests/escrow/test_adjustment_approval.py)
    AdjustmentThreshold.objects.create(asset=account.asset, amount=Decimal(5))
    url = reverse("admin:escrow_ledgeraccount_adjust", args=[account.pk])
    form = admin_client.get(url)
    assert form.status_code == 200
    key = form.context["form"]["request_key"].value()
    data = {"amount": "-2", "reason": "Reversal of a duplicated deposit", "request_key": key}
    response = admin_client.post(url, data)
    assert response.status_code == 302
    admin_client.post(url, data)  # a double submit records one adjustment
    account.refresh_from_db()
    assert account.balance == 8
    assert Entry.objects.filter(action="adjustment").count() == 1


def test_adjustment_refusal_shows_the_reason_and_changes_nothing(admin_client, account):
    url = reverse("admin:escrow_ledgeraccount_adjust", args=[account.pk])
    before = snapshot()
    response = admin_client.post(
        url, {"amount": "-11", "reason": "Reversal of a duplicated deposit", "request_key": "k"}
    )
    assert response.status_code == 200
    assert "Insufficient AUSDT: 10 available, 11 needed." in response.content.decode()
    response = admin_client.post(url, {"amount": "1", "reason": "short", "request_key": "k2"})
    assert "at least 10 characters" in response.content.decode()
    assert snapshot() == before


def test_staff_without_the_permission_cannot_adjust(client, account):
    client.force_login(make_user(staff=True))
    url = reverse("admin:escrow_ledgeraccount_adjust", args=[account.pk])
    before = snapshot()
    response = client.post(
        url, {"amount": "5", "reason": "Trying my luck here", "request_key": "k"}
    )
    assert response.status_code == 403
    assert snapshot() == before


def _transfers(count):
    asset = make_asset(symbol=f"Q{count}X", precision=6)
    for _ in range(count):
        funded_account(make_user(), asset, "1234.5")


@pytest.mark.parametrize("name", ["transfer", "ledgeraccount", "entry"])
def test_ledger_lists_take_the_same_queries_for_3_or_20_rows(admin_client, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse(f"admin:escrow_{name}_changelist")
    admin_client.get(url)  # the first request of a session also loads what it caches
    counts: list[int] = []
    for rows in (3, 20):
        _transfers(rows if not counts else rows - 3)
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_transfer_list_shows_the_amount_by_the_asset_precision(admin_client):
    asset = make_asset(symbol="PRX", precision=2)
    funded_account(make_user(), asset, "1234.56")
    page = admin_client.get(reverse("admin:escrow_transfer_changelist")).content.decode()
    assert "1,234.56 PRX" in page
    assert "1234.560000000000000000" not in page
    accounts = admin_client.get(reverse("admin:escrow_ledgeraccount_changelist")).content.decode()
    assert "1,234.56 PRX" in accounts


@pytest.mark.parametrize("typed", ["1e30", "1" * 40, "1e309", "-1e309", "NaN"])
def test_adjustment_refuses_numbers_no_amount_holds(admin_client, account, typed):
    url = reverse("admin:escrow_ledgeraccount_adjust", args=[account.pk])
    before = snapshot()
    response = admin_client.post(
        url, {"amount": typed, "reason": "Reversal of a duplicated deposit", "request_key": "k"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["amount"]
    assert snapshot() == before


NETWORK_FORM = {
    "code": "tron",
    "name": "TRON (TRC-20)",
    "confirmations": "20",
    "min_deposit": "1",
    "withdraw_min": "10",
    "withdraw_max": "1000",
    "withdraw_fee": "1",
    "address_pattern": "^T[1-9A-HJ-NP-Za-km-z]{33}$",
    "deposits_enabled": "on",
    "withdrawals_enabled": "on",
}


def test_staff_add_a_network_and_a_bad_fee_is_a_form_error(admin_client):
    from escrow.models import Network

    asset = make_asset()
    url = reverse("admin:escrow_network_add")
    refused = admin_client.post(url, {**NETWORK_FORM, "asset": asset.pk, "withdraw_fee": "1e309"})
    assert refused.status_code == 200
    assert "That amount is too large." in refused.content.decode()
    assert not Network.objects.exists()
    saved = admin_client.post(url, {**NETWORK_FORM, "asset": asset.pk})
    assert saved.status_code == 302
    assert Network.objects.get().name == "TRON (TRC-20)"
    listing = admin_client.get(reverse("admin:escrow_network_changelist"))
    assert "TRON (TRC-20)" in listing.content.decode()
