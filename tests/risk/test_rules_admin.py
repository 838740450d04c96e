"""The rules in the admin: parameters checked against what the rule declares, every change with
a reason on the record (proposed on the rule's page, applied when another staff member
approves: tests/risk/test_rule_change_approval.py), the mode changed from the list, each rule's
figures, alerts closed with a label, and snoozes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from risk.engine.services import rule_setting_approve
from risk.models import (
    Alert,
    AlertLabel,
    Mode,
    RuleSetting,
    RuleSettingChange,
    RuleSettingProposal,
    RuleSnooze,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db

CODE = "new_account_large_order"


@pytest.fixture
def staff_client(client):
    client.force_login(make_user(superuser=True))
    return client


def add(client, **data):
    values = {"code": CODE, "mode": Mode.SHADOW, "params": '{"days": 5}', "reason": "trial run"}
    values.update(data)
    return client.post(reverse("admin:risk_rulesetting_add"), values)


def approve_pending() -> None:
    """Another staff member approves every pending proposal."""
    other = make_user(superuser=True)
    for proposal in RuleSettingProposal.objects.filter(status="pending"):
        rule_setting_approve(actor=other, proposal_id=proposal.pk)


def test_a_setting_added_in_the_admin_is_recorded_with_its_reason(staff_client):
    assert add(staff_client).status_code == 302
    assert not RuleSetting.objects.exists()  # proposed, not yet applied
    approve_pending()
    setting = RuleSetting.objects.get(code=CODE)
    assert (setting.mode, setting.params, setting.version) == (Mode.SHADOW, {"days": 5}, 1)
    assert RuleSettingChange.objects.get(code=CODE).reason == "trial run"


def test_a_parameter_out_of_bounds_is_a_form_error_and_nothing_is_stored(staff_client):
    response = add(staff_client, params='{"days": 9999}')
    assert response.status_code == 200
    assert "days must be from 0 to 365" in response.content.decode()
    assert not RuleSetting.objects.exists()


def test_a_change_without_a_reason_is_refused(staff_client):
    response = add(staff_client, reason="")
    assert response.status_code == 200
    assert not RuleSetting.objects.exists()


def test_the_mode_is_changed_from_the_list_with_a_reason(staff_client):
    add(staff_client)
    approve_pending()
    setting = RuleSetting.objects.get(code=CODE)
    url = reverse("admin:risk_rulesetting_changelist")
    picked = {"action": "change_mode", "_selected_action": [setting.pk]}
    assert "reason" in staff_client.post(url, picked).content.decode()
    staff_client.post(url, {**picked, "apply": "1", "mode": Mode.ACTIVE, "reason": "proven"})
    setting.refresh_from_db()
    assert setting.mode == Mode.SHADOW  # waits for the second pair of eyes
    approve_pending()
    setting.refresh_from_db()
    assert (setting.mode, setting.version) == (Mode.ACTIVE, 2)
    assert RuleSettingChange.objects.filter(code=CODE, version=2).get().reason == "proven"


def test_the_rule_page_shows_its_figures(staff_client):
    add(staff_client)
    approve_pending()
    user = make_user()
    for label in (AlertLabel.CONFIRMED, AlertLabel.FALSE_POSITIVE, AlertLabel.FALSE_POSITIVE):
        Alert.objects.create(
            code=CODE,
            user=user,
            point="order_place",
            outcome=2,
            mode="active",
            explanation="x",
            status="closed",
            label=label,
        )
    setting = RuleSetting.objects.get(code=CODE)
    page = staff_client.get(reverse("admin:risk_rulesetting_change", args=[setting.pk]))
    text = page.content.decode()
    assert "<tr><th>holds</th><td>3</td></tr>" in text
    assert "<tr><th>false positives</th><td>2</td></tr>" in text


def test_alerts_are_closed_with_a_label(staff_client):
    alert = Alert.objects.create(
        code=CODE, user=make_user(), point="order_place", outcome=1, mode="shadow", explanation="x"
    )
    staff_client.post(
        reverse("admin:risk_alert_changelist"),
        {"action": "close_false_positive", "_selected_action": [alert.pk]},
    )
    alert.refresh_from_db()
    assert (alert.status, alert.label) == ("closed", AlertLabel.FALSE_POSITIVE)


def test_a_snooze_given_in_the_admin_names_who_gave_it(staff_client):
    user = make_user()
    until = timezone.localtime(timezone.now() + timedelta(days=1))
    response = staff_client.post(
        reverse("admin:risk_rulesnooze_add"),
        {
            "user": user.pk,
            "code": CODE,
            "until_0": until.strftime("%Y-%m-%d"),
            "until_1": until.strftime("%H:%M:%S"),
            "reason": "known customer",
        },
    )
    assert response.status_code == 302
    assert RuleSnooze.objects.get(user=user).by is not None
