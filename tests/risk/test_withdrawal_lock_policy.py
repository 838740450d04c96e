"""T+N days per risk level: staff set each person's level and each level's days in the admin;
a person is at the normal level until staff say otherwise, and a level without a policy uses
the setting WITHDRAWAL_LOCK_DAYS."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from risk.models import RiskLevel, UserRiskLevel, WithdrawalLockPolicy
from risk.withdrawal_locks import risk_level_of, withdrawal_lock_days
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_everyone_starts_normal_with_the_settings_days(settings):
    settings.WITHDRAWAL_LOCK_DAYS = 1
    person = make_user()
    assert (risk_level_of(user=person), withdrawal_lock_days(user=person)) == ("normal", 1)


def test_a_level_with_a_policy_uses_its_days_and_the_others_the_setting(settings):
    settings.WITHDRAWAL_LOCK_DAYS = 2
    WithdrawalLockPolicy.objects.create(level=RiskLevel.HIGH, days=7)
    risky, ordinary = make_user(), make_user()
    UserRiskLevel.objects.create(user=risky, level=RiskLevel.HIGH, reason="Reversed payments.")
    assert withdrawal_lock_days(user=risky) == 7
    assert withdrawal_lock_days(user=ordinary) == 2


def test_the_database_keeps_the_days_within_ninety():
    with pytest.raises(IntegrityError), transaction.atomic():
        WithdrawalLockPolicy.objects.create(level=RiskLevel.HIGH, days=91)
    assert not WithdrawalLockPolicy.objects.exists()


def test_a_risk_officer_sets_a_level_with_a_reason_and_is_named_on_it(client):
    officer = make_user(
        staff=True,
        perms=["risk.add_userrisklevel", "risk.change_userrisklevel", "accounts.view_user"],
    )
    person = make_user()
    client.force_login(officer)
    add = reverse("admin:risk_userrisklevel_add")
    refused = client.post(add, {"user": person.pk, "level": "high", "reason": ""})
    assert refused.status_code == 200
    assert not UserRiskLevel.objects.exists()
    done = client.post(add, {"user": person.pk, "level": "high", "reason": "Reversed payments."})
    assert done.status_code == 302
    level = UserRiskLevel.objects.get(user=person)
    assert (level.level, level.reason) == ("high", "Reversed payments.")
    assert level.set_by_id == officer.pk


def test_a_risk_officer_sets_a_levels_days_within_bounds(client):
    officer = make_user(staff=True, perms=["risk.add_withdrawallockpolicy"])
    client.force_login(officer)
    add = reverse("admin:risk_withdrawallockpolicy_add")
    too_long = client.post(add, {"level": "elevated", "days": "120"})
    assert "less than or equal to 90" in too_long.content.decode()
    assert not WithdrawalLockPolicy.objects.exists()
    assert client.post(add, {"level": "elevated", "days": "3"}).status_code == 302
    assert WithdrawalLockPolicy.objects.get().days == 3
