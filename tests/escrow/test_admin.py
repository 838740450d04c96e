"""Staff screens for the ledger: assets editable, records read-only, adjustments on record."""

from __future__ import annotations

import pytest
from django.urls import reverse

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
