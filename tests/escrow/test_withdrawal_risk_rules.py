"""The risk rules at a withdrawal request: their codes name why it waits, a rule in shadow
mode or switched off does not make it wait, and a blocking rule refuses it, changing nothing."""

from __future__ import annotations

from typing import Any

import pytest

from escrow.models import WithdrawalStatus
from escrow.services.withdrawals import WithdrawalRefused
from risk.engine import Facts, Hit, Point, Rule
from risk.engine.base import REGISTRY
from risk.models import Alert, Mode, RuleSetting
from risk.rules import Outcome

from .wallet_setup import ask, make_holder, make_wallet, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder():
    return make_holder(make_wallet())


class BlockWithdrawals(Rule):
    code = "test_block_withdrawals"
    title = "blocks every withdrawal"
    points = frozenset({Point.WITHDRAWAL_REQUEST})

    def evaluate(self, facts: Facts, params: dict[str, Any]) -> Hit | None:
        return Hit(Outcome.BLOCK, "address linked to a known scam")


def test_the_rule_that_makes_it_wait_is_named_and_alerted(holder):
    withdrawal = ask(holder, "50").withdrawal
    assert withdrawal.status == WithdrawalStatus.REVIEW
    assert "first_to_address" in withdrawal.review_reasons
    alert = Alert.objects.get(user=holder, code="first_to_address")
    assert alert.subject == withdrawal.ref


def test_a_rule_in_shadow_mode_records_but_does_not_make_it_wait(holder):
    RuleSetting.objects.create(code="first_to_address", mode=Mode.SHADOW)
    withdrawal = ask(holder, "50").withdrawal
    assert withdrawal.review_reasons == []
    assert withdrawal.status == WithdrawalStatus.APPROVED
    assert Alert.objects.get(user=holder, code="first_to_address").mode == Mode.SHADOW


def test_a_rule_switched_off_does_not_make_it_wait(holder):
    RuleSetting.objects.create(code="first_to_address", mode=Mode.OFF)
    assert ask(holder, "50").withdrawal.status == WithdrawalStatus.APPROVED


def test_a_blocking_rule_refuses_the_withdrawal_and_changes_nothing(holder, monkeypatch):
    monkeypatch.setitem(REGISTRY, BlockWithdrawals.code, BlockWithdrawals)
    before = snapshot(holder)
    with pytest.raises(WithdrawalRefused) as refused:
        ask(holder, "50")
    assert "cannot be made" in str(refused.value.message)
    assert "scam" not in str(refused.value.message)
    assert snapshot(holder) == before


def test_a_refused_withdrawal_leaves_its_block_alert_for_staff(holder, monkeypatch):
    monkeypatch.setitem(REGISTRY, BlockWithdrawals.code, BlockWithdrawals)
    with pytest.raises(WithdrawalRefused):
        ask(holder, "50")
    alert = Alert.objects.get(user=holder, code=BlockWithdrawals.code)
    assert alert.explanation == "address linked to a known scam"
