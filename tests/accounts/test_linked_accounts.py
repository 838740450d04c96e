"""`linked_accounts`: who shares a payment account, a browser or a login IP with a person,
masked for display, within the window for logins; and the shared values a scan reads."""

from __future__ import annotations

import pytest

from accounts.selectors.linked import (
    Link,
    linked_accounts,
    mask_ip,
    shared_devices,
    shared_payment_accounts,
)
from tests.factories import make_user
from tests.risk.identity_helpers import DEVICE, IP, days_ago, log_in, save_fps

pytestmark = pytest.mark.django_db


def test_a_shared_payment_account_links_two_accounts_with_a_masked_value():
    me, other = make_user(), make_user()
    save_fps(me, "9123 4567")
    save_fps(other, "91234567")
    (link,) = linked_accounts(user=me)
    assert isinstance(link, Link)
    assert (link.other_id, link.other_email, link.how) == (other.pk, other.email, "payment_account")
    assert link.value.endswith("4567")
    assert "9123" not in link.value


def test_a_shared_browser_and_ip_each_make_a_link():
    me, other = make_user(), make_user()
    log_in(me)
    seen = log_in(other)
    links = linked_accounts(user=me)
    assert {(link.other_id, link.how) for link in links} == {(other.pk, "device"), (other.pk, "ip")}
    device = next(link for link in links if link.how == "device")
    assert DEVICE not in device.value
    assert device.last_seen == seen.at


def test_an_ip_is_masked_for_display():
    assert mask_ip(IP) == "203.0.113.*"


def test_logins_before_the_window_do_not_link():
    me, other = make_user(), make_user()
    log_in(me)
    log_in(other, at=days_ago(100))
    assert linked_accounts(user=me) == []
    assert len(linked_accounts(user=me, days=120)) == 2


def test_nothing_shared_links_nobody():
    me, other = make_user(), make_user()
    log_in(me)
    log_in(other, device="dev-zzzzzzzzzzzzzzzzzzzzzzzz", ip="198.51.100.4")
    save_fps(me, "1111")
    save_fps(other, "2222")
    assert linked_accounts(user=me) == []


def test_a_failed_login_on_the_browser_does_not_link():
    from accounts.models import LoginRecord

    me, other = make_user(), make_user()
    log_in(me)
    LoginRecord.objects.create(user=other, ip=IP, device_id=DEVICE, success=False)
    assert linked_accounts(user=me) == []


def test_the_scan_reads_values_several_users_share():
    one, two, three = make_user(), make_user(), make_user()
    save_fps(one)
    save_fps(two)
    save_fps(three, "5555")
    log_in(one)
    log_in(three)
    (account,) = shared_payment_accounts()
    assert account.user_ids == tuple(sorted((one.pk, two.pk)))
    (device,) = shared_devices(days=30)
    assert device.user_ids == tuple(sorted((one.pk, three.pk)))
