"""What a periodic scan reports through `risk.engine.report`: an alert in the rule's mode,
never twice for one open subject, nothing when the rule is off or snoozed for the person."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from risk.engine import Hit, Point, report
from risk.models import Alert, Mode, RuleSetting, RuleSnooze
from risk.rules import Outcome
from tests.factories import make_user

from .engine_helpers import rule_class

pytestmark = pytest.mark.django_db

SCAN_RULE = rule_class("scan_test", Outcome.REVIEW)


def _report(user, subject="velocity:2026-12-07"):
    return report(rule=SCAN_RULE, user_id=user.pk, subject=subject, hit=Hit(Outcome.REVIEW, "x"))


def test_a_scan_hit_becomes_an_alert_at_the_scan_point():
    user = make_user()
    alert = _report(user)
    assert alert is not None
    assert (alert.point, alert.mode, alert.user_id) == (Point.SCAN, Mode.ACTIVE, user.pk)


def test_a_scan_that_runs_again_does_not_repeat_an_open_alert():
    user = make_user()
    _report(user)
    assert _report(user) is None
    assert Alert.objects.filter(user=user).count() == 1


def test_a_new_subject_is_a_new_alert():
    user = make_user()
    _report(user, "velocity:day-1")
    _report(user, "velocity:day-2")
    assert Alert.objects.filter(user=user).count() == 2


def test_a_shadow_scan_rule_records_its_hit_in_shadow():
    RuleSetting.objects.create(code=SCAN_RULE.code, mode=Mode.SHADOW)
    alert = _report(make_user())
    assert alert is not None
    assert alert.mode == Mode.SHADOW


def test_an_off_scan_rule_reports_nothing():
    RuleSetting.objects.create(code=SCAN_RULE.code, mode=Mode.OFF)
    assert _report(make_user()) is None
    assert not Alert.objects.exists()


def test_a_snoozed_person_is_not_reported():
    user = make_user()
    RuleSnooze.objects.create(
        user=user, code=SCAN_RULE.code, until=timezone.now() + timedelta(days=1), reason="known"
    )
    assert _report(user) is None
    assert not Alert.objects.exists()
