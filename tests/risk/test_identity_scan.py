"""The periodic scan of shared payment accounts and browsers: one alert per person and value,
not repeated while open, nothing below the rule's threshold or with the rule off."""

from __future__ import annotations

import pytest

from risk.models import Alert, Mode, RuleSetting
from risk.scans import scan_shared_identities
from risk.tasks import scan_shared_identities as scan_task
from tests.factories import make_user

from .identity_helpers import log_in, save_fps

pytestmark = pytest.mark.django_db


def test_users_sharing_a_payment_account_each_get_one_alert():
    one, two = make_user(), make_user()
    save_fps(one)
    save_fps(two)
    assert scan_shared_identities().alerts == 2
    assert set(Alert.objects.values_list("user_id", "code")) == {
        (one.pk, "shared_payment_account"),
        (two.pk, "shared_payment_account"),
    }


def test_a_scan_that_runs_again_does_not_repeat_its_alerts():
    save_fps(make_user())
    save_fps(make_user())
    scan_shared_identities()
    assert scan_task() == 0
    assert Alert.objects.count() == 2


def test_a_browser_shared_by_fewer_accounts_than_the_threshold_is_not_reported():
    for _ in range(3):  # two others each: the rule asks for three
        log_in(make_user())
    assert scan_shared_identities().alerts == 0


def test_a_browser_shared_by_four_accounts_is_reported_for_each():
    for _ in range(4):
        log_in(make_user())
    assert scan_shared_identities().alerts == 4
    assert set(Alert.objects.values_list("code", flat=True)) == {"shared_device_or_ip"}


def test_nothing_is_reported_with_the_rule_off():
    RuleSetting.objects.create(code="shared_payment_account", mode=Mode.OFF)
    save_fps(make_user())
    save_fps(make_user())
    assert scan_shared_identities().alerts == 0
