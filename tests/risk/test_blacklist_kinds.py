"""The blacklist's kinds: one spelling each, an IP matching the range that holds it, a legal
name whatever its order and punctuation; `blacklist_add` for other apps, and the admin that
checks the value for its kind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.fingerprints import fingerprint_of
from risk.blacklist import BadBlacklistValue, blacklist_add, listed, normalise
from risk.models import BlacklistEntry, BlacklistKind
from tests.factories import make_user

from .identity_helpers import blacklist

pytestmark = pytest.mark.django_db


def test_a_legal_name_is_one_name_in_any_order_case_or_punctuation():
    assert normalise(BlacklistKind.LEGAL_NAME, "CHAN, Tai-Man") == normalise(
        BlacklistKind.LEGAL_NAME, "tai man  chan"
    )


def test_an_ip_range_is_stored_as_its_network():
    assert normalise(BlacklistKind.IP_RANGE, " 203.0.113.77/24 ") == "203.0.113.0/24"
    assert normalise(BlacklistKind.IP_RANGE, "203.0.113.5") == "203.0.113.5/32"


def test_a_bad_range_is_refused():
    with pytest.raises(BadBlacklistValue):
        normalise(BlacklistKind.IP_RANGE, "203.0.113.0/33")


def test_a_payment_account_is_stored_as_its_fingerprint():
    assert normalise(BlacklistKind.PAYMENT_ACCOUNT, "FPS: 9123-4567") == fingerprint_of(
        "fps", "91234567"
    )
    fingerprint = fingerprint_of("bank", "123456")
    assert normalise(BlacklistKind.PAYMENT_ACCOUNT, fingerprint.upper()) == fingerprint


def test_a_payment_account_without_its_type_is_refused():
    with pytest.raises(BadBlacklistValue):
        normalise(BlacklistKind.PAYMENT_ACCOUNT, "91234567")


def test_an_ip_inside_a_listed_range_matches():
    entry = blacklist(BlacklistKind.IP_RANGE, "203.0.113.0/24")
    assert listed(kind=BlacklistKind.IP_RANGE, value="203.0.113.200") == entry


def test_an_ip_outside_every_range_does_not_match():
    blacklist(BlacklistKind.IP_RANGE, "203.0.113.0/24")
    blacklist(BlacklistKind.IP_RANGE, "2001:db8::/32")
    assert listed(kind=BlacklistKind.IP_RANGE, value="203.0.114.1") is None
    assert listed(kind=BlacklistKind.IP_RANGE, value="not an ip") is None


def test_an_ipv6_address_matches_its_range():
    entry = blacklist(BlacklistKind.IP_RANGE, "2001:db8::/32")
    assert listed(kind=BlacklistKind.IP_RANGE, value="2001:db8:1::5") == entry


# --- blacklist_add ------------------------------------------------------------------------


def officer():
    return make_user(staff=True, perms=["risk.add_blacklistentry"])


def test_staff_with_the_right_add_an_entry_spelled_for_its_kind():
    actor = officer()
    entry = blacklist_add(
        actor=actor,
        kind=BlacklistKind.LEGAL_NAME,
        value="WONG, Siu Ming",
        reason="mule in case 4",
        source="case 4",
    )
    assert (entry.value, entry.created_by) == ("ming siu wong", actor)


def test_someone_without_the_right_cannot_add_and_nothing_is_stored():
    with pytest.raises(BadBlacklistValue):
        blacklist_add(
            actor=make_user(staff=True),
            kind=BlacklistKind.DEVICE,
            value="dev-x",
            reason="r",
            source="s",
        )
    assert not BlacklistEntry.objects.exists()


@pytest.mark.parametrize(
    ("kind", "value", "reason", "expires"),
    [
        (BlacklistKind.IP_RANGE, "300.1.1.1", "r", None),
        ("passport", "X1", "r", None),
        (BlacklistKind.DEVICE, "dev-x", " ", None),
        (BlacklistKind.DEVICE, "dev-x", "r", timedelta(days=-1)),
    ],
)
def test_a_bad_entry_is_refused_and_nothing_is_stored(kind, value, reason, expires):
    with pytest.raises(BadBlacklistValue):
        blacklist_add(
            actor=officer(),
            kind=kind,
            value=value,
            reason=reason,
            source="s",
            expires_at=None if expires is None else timezone.now() + expires,
        )
    assert not BlacklistEntry.objects.exists()


def test_the_same_value_twice_is_refused():
    blacklist(BlacklistKind.LEGAL_NAME, "Chan Tai Man")
    with pytest.raises(BadBlacklistValue):
        blacklist_add(
            actor=officer(),
            kind=BlacklistKind.LEGAL_NAME,
            value="man tai CHAN",
            reason="r",
            source="s",
        )
    assert BlacklistEntry.objects.count() == 1


# --- admin --------------------------------------------------------------------------------


def _post(client, kind: str, value: str):
    client.force_login(make_user(superuser=True))
    return client.post(
        reverse("admin:risk_blacklistentry_add"),
        {"kind": kind, "value": value, "reason": "case 9", "source": "case 9"},
    )


def test_the_admin_shows_a_bad_range_as_a_form_error(client):
    response = _post(client, BlacklistKind.IP_RANGE, "10.0.0.0/40")
    assert response.status_code == 200
    assert "203.0.113.0/24" in response.content.decode()  # the hint of what is expected
    assert not BlacklistEntry.objects.exists()


def test_the_admin_stores_a_range_as_its_network(client):
    response = _post(client, BlacklistKind.IP_RANGE, "10.1.2.3/8")
    assert response.status_code == 302
    entry = BlacklistEntry.objects.get()
    assert (entry.value, entry.created_by is not None) == ("10.0.0.0/8", True)


def test_the_admin_refuses_the_same_name_typed_another_way(client):
    blacklist(BlacklistKind.LEGAL_NAME, "Chan Tai Man")
    response = _post(client, BlacklistKind.LEGAL_NAME, "CHAN, Tai Man")
    assert response.status_code == 200
    assert BlacklistEntry.objects.count() == 1
