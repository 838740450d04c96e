"""The withdrawal pages as the owner uses them, the freeze link as it arrives by mail, and
the review queue as staff work it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Restriction
from escrow.models import Withdrawal, WithdrawalStatus
from tests.factories import make_user

from .wallet_setup import FUND_PASSWORD, ask, entry_of, make_holder, make_wallet, snapshot

pytestmark = pytest.mark.django_db
WITHDRAW = reverse("escrow:withdraw")


@pytest.fixture
def wallet():
    return make_wallet()


@pytest.fixture
def holder(wallet, client):
    user = make_holder(wallet)
    client.force_login(user)
    return user


def form_data(client, holder, **overrides):
    page = client.get(WITHDRAW)
    data = {
        "entry": entry_of(holder).pk,
        "amount": "25",
        "fund_password": FUND_PASSWORD,
        "request_key": page.context["form"]["request_key"].value(),
    }
    data.update(overrides)
    return data


def test_the_form_says_what_can_be_withdrawn_now(client, holder, wallet):
    page = client.get(WITHDRAW)
    [(asset, figures)] = page.context["balances"]
    assert (asset, figures.withdrawable) == (wallet.asset, Decimal("500"))
    assert "data-withdrawable>500<" in page.content.decode()


def test_a_withdrawal_from_the_form_lands_on_its_page(client, holder):
    response = client.post(WITHDRAW, form_data(client, holder))
    withdrawal = Withdrawal.objects.get(user=holder)
    assert response.status_code == 302
    assert response["Location"] == reverse("escrow:withdrawal", args=[withdrawal.public_id])
    page = client.get(response["Location"])
    assert "Waiting for review" in page.content.decode()


def test_a_wrong_fund_password_is_a_form_error(client, holder):
    before = snapshot(holder)
    response = client.post(WITHDRAW, form_data(client, holder, fund_password="wrong-one-1"))
    assert response.status_code == 200
    assert "Wrong fund password" in response.content.decode()
    assert snapshot(holder) == before


@pytest.mark.parametrize("amount", ["lots", "1e999", "-5", "NaN"])
def test_a_bad_amount_is_a_form_error(client, holder, amount):
    before = snapshot(holder)
    response = client.post(WITHDRAW, form_data(client, holder, amount=amount))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert snapshot(holder) == before


def test_another_persons_entry_is_not_offered(client, holder, wallet):
    other = make_holder(wallet, address="T" + "q" * 33)
    response = client.post(WITHDRAW, form_data(client, holder, entry=entry_of(other).pk))
    assert response.status_code == 200
    assert not Withdrawal.objects.exists()


def test_another_persons_withdrawal_is_not_found(client, holder, wallet):
    theirs = ask(make_holder(wallet, address="T" + "p" * 33), "10").withdrawal
    url = reverse("escrow:withdrawal", args=[theirs.public_id])
    assert client.get(url).status_code == 404
    cancel = reverse("escrow:withdrawal_cancel", args=[theirs.public_id])
    client.post(cancel)
    theirs.refresh_from_db()
    assert theirs.status == WithdrawalStatus.REVIEW


def test_the_owner_cancels_from_the_page(client, holder):
    withdrawal = ask(holder, "10").withdrawal
    client.post(reverse("escrow:withdrawal_cancel", args=[withdrawal.public_id]))
    withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.CANCELED


def test_the_freeze_link_asks_before_it_acts(client, holder):
    requested = ask(holder, "10")
    url = reverse("escrow:withdrawal_freeze", args=[requested.cancel_token])
    client.logout()
    assert client.get(url).status_code == 200
    assert not Restriction.objects.filter(user=holder).exists()
    done = client.post(url)
    assert done.status_code == 200
    assert Restriction.objects.filter(user=holder).count() == 2
    assert client.get(url).status_code == 404


def test_the_wallet_lists_recent_withdrawals(client, holder):
    withdrawal = ask(holder, "10").withdrawal
    page = client.get(reverse("escrow:wallet"))
    assert withdrawal.public_id in page.content.decode()


# -- the review queue -------------------------------------------------------------------------


@pytest.fixture
def finance(client):
    from django.contrib.auth.models import Group

    from tests.disputes.factories import restore_staff_roles

    restore_staff_roles()  # a transactional test before this one flushed the migrated groups
    user = make_user(staff=True)
    user.groups.add(Group.objects.get(name="Finance"))
    return user


def test_finance_approves_from_the_admin(client, wallet, finance):
    withdrawal = ask(make_holder(wallet), "10").withdrawal
    client.force_login(finance)
    page = client.get(reverse("admin:escrow_withdrawal_change", args=[withdrawal.pk]))
    assert page.status_code == 200
    assert "first withdrawal to this address" in page.content.decode()
    client.post(reverse("admin:escrow_withdrawal_approve", args=[withdrawal.pk]))
    withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.APPROVED


def test_a_rejection_in_the_admin_needs_a_reason(client, wallet, finance):
    withdrawal = ask(make_holder(wallet), "10").withdrawal
    client.force_login(finance)
    url = reverse("admin:escrow_withdrawal_reject", args=[withdrawal.pk])
    assert client.post(url, {"reason": ""}).status_code == 200
    withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.REVIEW
    client.post(url, {"reason": "Address on a sanctions list"})
    withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.REJECTED


def test_staff_without_the_role_cannot_review(client, wallet):
    withdrawal = ask(make_holder(wallet), "10").withdrawal
    client.force_login(make_user(staff=True))
    url = reverse("admin:escrow_withdrawal_approve", args=[withdrawal.pk])
    assert client.post(url).status_code == 403
    withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.REVIEW
