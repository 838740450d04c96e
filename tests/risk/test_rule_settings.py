"""Staff change a rule's mode and parameters: validated against the rule's declared parameters,
versioned, and recorded on a log the database will not let anyone rewrite."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from risk.engine.services import alert_close, rule_setting_change, rule_snooze
from risk.models import Alert, AlertLabel, AlertStatus, Mode, RuleSetting, RuleSettingChange
from tests.factories import make_user

pytestmark = pytest.mark.django_db

CODE = "new_account_large_order"


def change(actor, **overrides):
    values: dict[str, Any] = {
        "code": CODE,
        "mode": Mode.SHADOW,
        "params": {"days": 5},
        "reason": "trial run",
    }
    values.update(overrides)
    return rule_setting_change(actor=actor, **values)


def test_a_change_is_stored_versioned_and_recorded():
    staff = make_user(staff=True)
    change(staff)
    setting = change(
        staff, mode=Mode.ACTIVE, params={"max_fiat": {"hkd": "900"}}, reason="going live"
    )
    assert (setting.mode, setting.version, setting.params) == (
        Mode.ACTIVE,
        2,
        {"max_fiat": {"HKD": "900"}},
    )
    last = RuleSettingChange.objects.filter(code=CODE).first()
    assert last is not None
    assert last.before == {"mode": "shadow", "params": {"days": 5}}
    assert last.after == {"mode": "active", "params": {"max_fiat": {"HKD": "900"}}}
    assert (last.reason, last.changed_by, last.version) == ("going live", staff, 2)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"days": 400}, "days must be from 0 to 365"),
        ({"days": "soon"}, "days must be a whole number"),
        ({"max_fiat": {"HKD": "-1"}}, "max_fiat must be at least 0"),
        ({"max_fiat": {"DOLLARS": "5"}}, "currency codes of three letters"),
        ({"speed": 3}, "There is no parameter speed"),
        ("days=3", "table of names and values"),
    ],
)
def test_a_bad_value_is_refused_with_a_message_and_nothing_is_stored(params, message):
    with pytest.raises(ValidationError, match=message):
        change(make_user(staff=True), params=params)
    assert not RuleSetting.objects.exists()
    assert not RuleSettingChange.objects.exists()


def test_a_change_needs_a_reason():
    with pytest.raises(ValidationError, match="reason"):
        change(make_user(staff=True), reason=" ")
    assert not RuleSetting.objects.exists()


def test_an_unknown_rule_cannot_be_set():
    with pytest.raises(ValidationError, match="no rule"):
        change(make_user(staff=True), code="no_such_rule")


@pytest.mark.parametrize("sql", ["UPDATE {t} SET reason = 'x'", "DELETE FROM {t}"])
def test_the_database_refuses_to_rewrite_the_change_record(sql):
    change(make_user(staff=True))
    table = RuleSettingChange._meta.db_table
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql.format(t=table))
    assert RuleSettingChange.objects.get().reason == "trial run"


def open_alert(user):
    return Alert.objects.create(
        code=CODE, user=user, point="order_place", outcome=2, mode="active", explanation="x"
    )


def test_closing_an_alert_labels_it():
    staff, user = make_user(staff=True), make_user()
    alert = alert_close(actor=staff, alert_id=open_alert(user).pk, label=AlertLabel.CONFIRMED)
    assert (alert.status, alert.label, alert.closed_by) == (
        AlertStatus.CLOSED,
        AlertLabel.CONFIRMED,
        staff,
    )


def test_a_closed_alert_cannot_be_closed_again():
    staff, user = make_user(staff=True), make_user()
    alert = open_alert(user)
    alert_close(actor=staff, alert_id=alert.pk, label=AlertLabel.CONFIRMED)
    with pytest.raises(ValidationError, match="closed already"):
        alert_close(actor=staff, alert_id=alert.pk, label=AlertLabel.FALSE_POSITIVE)
    alert.refresh_from_db()
    assert alert.label == AlertLabel.CONFIRMED


def test_a_snooze_must_end_in_the_future():
    staff, user = make_user(staff=True), make_user()
    with pytest.raises(ValidationError, match="future"):
        rule_snooze(
            actor=staff,
            user=user,
            code=CODE,
            until=timezone.now() - timedelta(hours=1),
            reason="known customer",
        )
    snooze = rule_snooze(
        actor=staff,
        user=user,
        code=CODE,
        until=timezone.now() + timedelta(hours=1),
        reason="known customer",
    )
    assert snooze.by == staff
