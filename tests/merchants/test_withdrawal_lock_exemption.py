"""Staff exempt a merchant's purchases from the T+N withdrawal lock, or end the exemption, from
the merchant list in the admin; only staff who manage merchants may, never for themselves."""

from __future__ import annotations

from html import unescape

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from merchants.models import Merchant, MerchantStatus
from merchants.selectors import merchant_exempt_from_withdrawal_lock
from merchants.services import MerchantNotAllowed, merchant_set_withdrawal_lock_exemption
from tests.ads.factories import make_merchant
from tests.factories import make_user

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:merchants_merchant_changelist")


@pytest.fixture
def shop() -> Merchant:
    return make_merchant()


@pytest.fixture
def manager():
    return make_user(staff=True, perms=["merchants.change_merchant", "merchants.view_merchant"])


def is_exempt(shop: Merchant) -> bool:
    return Merchant.objects.get(pk=shop.pk).exempt_from_withdrawal_lock


def test_a_merchant_is_not_exempt_until_staff_say_so(shop, manager):
    assert not merchant_exempt_from_withdrawal_lock(user=shop.user)
    merchant_set_withdrawal_lock_exemption(merchant=shop, actor=manager, exempt=True)
    assert merchant_exempt_from_withdrawal_lock(user=shop.user)
    merchant_set_withdrawal_lock_exemption(merchant=shop, actor=manager, exempt=False)
    assert not merchant_exempt_from_withdrawal_lock(user=shop.user)


def test_only_an_active_merchant_is_exempt():
    for status in (MerchantStatus.SUSPENDED, MerchantStatus.REVOKED, MerchantStatus.RESIGNED):
        merchant = make_merchant(status=status)
        Merchant.objects.filter(pk=merchant.pk).update(exempt_from_withdrawal_lock=True)
        assert not merchant_exempt_from_withdrawal_lock(user=merchant.user), status
    assert not merchant_exempt_from_withdrawal_lock(user=make_user())  # not a merchant at all


def test_staff_who_do_not_manage_merchants_are_refused_and_nothing_changes(shop):
    viewer = make_user(staff=True, perms=["merchants.view_merchant"])
    with pytest.raises(MerchantNotAllowed, match="manage merchants"):
        merchant_set_withdrawal_lock_exemption(merchant=shop, actor=viewer, exempt=True)
    assert not is_exempt(shop)


def test_nobody_exempts_their_own_merchant_account(manager):
    own = make_merchant(user=manager)
    with pytest.raises(MerchantNotAllowed, match="your own"):
        merchant_set_withdrawal_lock_exemption(merchant=own, actor=manager, exempt=True)
    assert not is_exempt(own)


def test_the_admin_actions_exempt_and_end_the_exemption_and_keep_a_record(client, shop, manager):
    client.force_login(manager)
    done = client.post(
        CHANGELIST, {"action": "exempt_from_lock", "_selected_action": [shop.pk]}, follow=True
    )
    assert "purchases are withdrawable at once from now on" in done.content.decode()
    assert is_exempt(shop)
    assert LogEntry.objects.filter(
        object_id=str(shop.pk), change_message="Exempted from the withdrawal lock"
    ).exists()
    ended = client.post(
        CHANGELIST, {"action": "end_lock_exemption", "_selected_action": [shop.pk]}, follow=True
    )
    assert "purchases are locked like anyone's from now on" in unescape(ended.content.decode())
    assert not is_exempt(shop)
    listed = client.get(CHANGELIST, {"exempt_from_withdrawal_lock__exact": "0"})
    assert shop.display_name in listed.content.decode()
