"""The user admin: adding asks for an email; the change page shows the 360 panels."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Restriction, User
from accounts.models.security import RestrictionKind
from tests.orders.factories import Market, place

pytestmark = pytest.mark.django_db


def _add(admin_client, **data):
    return admin_client.post(
        reverse("admin:accounts_user_add"),
        {"username": "newcomer", "usable_password": "false", **data},
    )


def test_adding_a_user_without_an_email_is_refused_with_a_message(admin_client):
    page = admin_client.get(reverse("admin:accounts_user_add")).content.decode()
    assert 'name="email"' in page
    response = _add(admin_client, email="")
    assert response.status_code == 200
    assert "Enter the user&#x27;s email address." in response.content.decode()
    assert not User.objects.filter(username="newcomer").exists()


def test_adding_a_user_on_a_taken_email_is_refused(admin_client):
    User.objects.create_user(username="first", email="taken@example.test")
    response = _add(admin_client, email="TAKEN@example.test")
    assert "Another account already uses this email address." in response.content.decode()
    assert not User.objects.filter(username="newcomer").exists()


def test_adding_a_user_with_an_email_saves_it(admin_client):
    response = _add(admin_client, email="newcomer@example.test")
    assert response.status_code == 302
    assert User.objects.get(username="newcomer").email == "newcomer@example.test"


def test_the_change_page_shows_kyc_balances_orders_and_restrictions(admin_client):
    market = Market(funds="1234.5")
    buyer = market.buyer()
    order = place(buyer, market.online_ad())
    Restriction.objects.create(
        user=buyer,
        kind=RestrictionKind.WITHDRAW,
        reason="Checking a chargeback",
        until=timezone.now() + timedelta(days=2),
    )
    page = admin_client.get(reverse("admin:accounts_user_change", args=[buyer.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Identity verification" in text
    assert "Verified level:" in text
    assert order.public_id in text
    assert "No withdrawals" in text
    assert "Checking a chargeback" in text
    seller = admin_client.get(reverse("admin:accounts_user_change", args=[market.user.pk]))
    text = seller.content.decode()
    assert "Balances" in text
    assert market.asset.symbol in text
    assert order.public_id in text
    assert "1,234.5" in text  # the merchant's total (available, reserved and in escrow)
