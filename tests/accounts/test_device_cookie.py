"""The device cookie: every browser gets a random, signed, HttpOnly id for two years, keeps it,
and each login records it with the IP."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.devices import COOKIE_NAME, MAX_AGE_SECONDS
from accounts.models import LoginRecord
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_browser_without_the_cookie_gets_one():
    response = Client().get(reverse("healthz"))
    cookie = response.cookies[COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == MAX_AGE_SECONDS


def test_a_browser_keeps_its_device_id():
    client = Client()
    client.get(reverse("healthz"))
    first = client.cookies[COOKIE_NAME].value
    response = client.get(reverse("healthz"))
    assert COOKIE_NAME not in response.cookies  # nothing to set again
    assert client.cookies[COOKIE_NAME].value == first


def test_a_forged_cookie_is_replaced():
    client = Client()
    client.cookies[COOKIE_NAME] = "someone-elses-device-id-1234"
    response = client.get(reverse("healthz"))
    assert response.cookies[COOKIE_NAME].value != "someone-elses-device-id-1234"


def test_two_browsers_get_different_ids():
    one = Client().get(reverse("healthz")).cookies[COOKIE_NAME].value
    two = Client().get(reverse("healthz")).cookies[COOKIE_NAME].value
    assert one != two


def test_a_login_records_the_browsers_device_id_and_ip():
    user = make_user()
    client = Client(REMOTE_ADDR="203.0.113.9")
    client.post(reverse("account_login"), {"login": user.email, "password": "a-long-test-password"})
    record = LoginRecord.objects.get(user=user, success=True)
    assert record.ip == "203.0.113.9"
    assert len(record.device_id) >= 16
    # the id in the record is the one the browser carries from then on
    assert record.device_id in client.cookies[COOKIE_NAME].value


def test_the_device_id_holds_nothing_of_the_person():
    user = make_user(email="chan.tai.man@example.test")
    client = Client()
    client.post(reverse("account_login"), {"login": user.email, "password": "a-long-test-password"})
    device = LoginRecord.objects.get(user=user, success=True).device_id
    assert "chan" not in device.lower()
    assert str(user.pk) != device
