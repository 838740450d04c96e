"""`decide`: modes, snoozes, the worst outcome winning, and failing rules falling to review."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from risk.engine import decide
from risk.engine import deciding as deciding_module
from risk.models import Alert, Mode, RuleSetting, RuleSnooze
from risk.rules import Outcome
from tests.factories import make_user

from .engine_helpers import TEST_POINT, facts_for, install, rule_class

pytestmark = pytest.mark.django_db


def set_mode(code: str, mode: str, params: dict | None = None) -> None:
    RuleSetting.objects.create(code=code, mode=mode, params=params or {})


def test_a_rule_without_a_setting_runs_active_and_its_hit_acts(monkeypatch):
    install(monkeypatch, rule_class("t_hold", Outcome.HOLD))
    user = make_user()
    decision = decide(point=TEST_POINT, facts=facts_for(user))
    assert decision.outcome == Outcome.HOLD
    assert decision.codes == ["t_hold"]
    alert = Alert.objects.get(user=user)
    assert (alert.code, alert.mode, alert.outcome, alert.subject) == (
        "t_hold",
        Mode.ACTIVE,
        Outcome.HOLD,
        "ad:T1",
    )


def test_a_rule_that_does_not_hit_allows_and_raises_no_alert(monkeypatch):
    install(monkeypatch, rule_class("t_quiet", None))
    user = make_user()
    assert decide(point=TEST_POINT, facts=facts_for(user)).outcome == Outcome.ALLOW
    assert not Alert.objects.filter(user=user).exists()


def test_a_shadow_hit_is_recorded_but_never_acts(monkeypatch):
    install(monkeypatch, rule_class("t_shadow", Outcome.BLOCK))
    set_mode("t_shadow", Mode.SHADOW)
    user = make_user()
    decision = decide(point=TEST_POINT, facts=facts_for(user))
    assert (decision.outcome, decision.hits) == (Outcome.ALLOW, [])
    assert Alert.objects.get(user=user).mode == Mode.SHADOW


def test_a_rule_that_is_off_is_not_run(monkeypatch):
    install(monkeypatch, rule_class("t_off", Outcome.BLOCK, error=True))
    set_mode("t_off", Mode.OFF)
    user = make_user()
    assert decide(point=TEST_POINT, facts=facts_for(user)).outcome == Outcome.ALLOW
    assert not Alert.objects.filter(user=user).exists()


def test_the_worst_outcome_wins(monkeypatch):
    install(
        monkeypatch,
        rule_class("t_review", Outcome.REVIEW),
        rule_class("t_block", Outcome.BLOCK),
        rule_class("t_hold", Outcome.HOLD),
    )
    decision = decide(point=TEST_POINT, facts=facts_for(make_user()))
    assert decision.outcome == Outcome.BLOCK
    assert sorted(decision.codes) == ["t_block", "t_hold", "t_review"]


def test_a_rule_that_raises_falls_to_review_with_an_alert_saying_so(monkeypatch):
    install(monkeypatch, rule_class("t_broken", None, error=True))
    user = make_user()
    assert decide(point=TEST_POINT, facts=facts_for(user)).outcome == Outcome.REVIEW
    alert = Alert.objects.get(user=user)
    assert alert.errored
    assert "failed" in alert.explanation


def test_a_rule_past_its_time_budget_falls_to_review(monkeypatch):
    install(monkeypatch, rule_class("t_slow", None))
    monkeypatch.setattr(deciding_module, "TIME_BUDGET_SECONDS", -1)
    user = make_user()
    assert decide(point=TEST_POINT, facts=facts_for(user)).outcome == Outcome.REVIEW
    assert Alert.objects.get(user=user).errored


def test_stored_parameters_a_rule_can_no_longer_read_fall_to_review(monkeypatch):
    install(monkeypatch, rule_class("t_params", None))
    set_mode("t_params", Mode.ACTIVE, {"limit": "not a number"})
    assert decide(point=TEST_POINT, facts=facts_for(make_user())).outcome == Outcome.REVIEW


def test_a_snoozed_rule_is_skipped_for_that_user_only(monkeypatch):
    install(monkeypatch, rule_class("t_snooze", Outcome.HOLD))
    snoozed, other = make_user(), make_user()
    RuleSnooze.objects.create(
        user=snoozed, code="t_snooze", until=timezone.now() + timedelta(hours=1), reason="seen"
    )
    assert decide(point=TEST_POINT, facts=facts_for(snoozed)).outcome == Outcome.ALLOW
    assert decide(point=TEST_POINT, facts=facts_for(other)).outcome == Outcome.HOLD


def test_an_ended_snooze_skips_nothing(monkeypatch):
    install(monkeypatch, rule_class("t_snooze", Outcome.HOLD))
    user = make_user()
    RuleSnooze.objects.create(
        user=user, code="t_snooze", until=timezone.now() - timedelta(minutes=1), reason="seen"
    )
    assert decide(point=TEST_POINT, facts=facts_for(user)).outcome == Outcome.HOLD
