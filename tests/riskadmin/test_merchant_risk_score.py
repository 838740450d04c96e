"""The daily merchant risk score: a documented weighted formula, one row per merchant per day
(recomputing replaces it), the action it proposes, and an alert at or above "watch"."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from risk.models import Alert, RuleSetting
from riskadmin.merchant_risk.scoring import merchant_score, score_merchants
from riskadmin.models import MerchantRiskScore, ProposedAction
from tests.ads.factories import Setup

from .merchant_history import build_history, hold_collateral

pytestmark = pytest.mark.django_db


@pytest.fixture
def merchant():
    setup = Setup()
    hold_collateral(setup)
    build_history(setup)
    return setup.merchant


def test_the_score_of_a_constructed_history_is_the_hand_computed_one(merchant):
    row = merchant_score(merchant=merchant)
    points = {name: Decimal(part["points"]) for name, part in row.components.items()}
    # completion 20 x (1 - 7/10); cancellations 15 x 2/10; disputes 20 x (1/10 / 20 %);
    # appeal losses 15 x 1/2; release time 10 x 35/60; volume 10 x (70/100 / 10);
    # security 10 x 2/3
    assert points == {
        "completion": Decimal("6.00"),
        "cancellations": Decimal("3.00"),
        "disputes": Decimal("10.00"),
        "appeal_losses": Decimal("7.50"),
        "release_time": Decimal("5.83"),
        "volume": Decimal("0.70"),
        "security": Decimal("6.67"),
    }
    assert row.score == 40  # 39.7, rounded half up
    assert row.proposed_action == ProposedAction.WATCH
    assert "7 of 10 orders released" in row.components["completion"]["figure"]


def test_a_score_at_the_watch_threshold_raises_the_rules_alert(merchant):
    merchant_score(merchant=merchant)
    [alert] = Alert.objects.filter(code="merchant_risk")
    assert alert.user_id == merchant.user_id
    assert alert.explanation.startswith("Score 40")


def test_a_merchant_with_a_clean_history_scores_zero_and_raises_nothing():
    setup = Setup()
    row = merchant_score(merchant=setup.merchant)
    assert (row.score, row.proposed_action) == (0, ProposedAction.NONE)
    assert not Alert.objects.exists()


def test_recomputing_a_day_replaces_its_row_and_repeats_no_alert(merchant):
    merchant_score(merchant=merchant)
    merchant_score(merchant=merchant)
    assert MerchantRiskScore.objects.filter(merchant_user_id=merchant.user_id).count() == 1
    assert Alert.objects.filter(code="merchant_risk").count() == 1


def test_each_day_has_its_own_row(merchant):
    merchant_score(merchant=merchant, now=timezone.now() - timedelta(days=1))
    merchant_score(merchant=merchant)
    assert MerchantRiskScore.objects.filter(merchant_user_id=merchant.user_id).count() == 2


def test_the_thresholds_staff_set_choose_the_proposed_action(merchant):
    RuleSetting.objects.create(code="merchant_risk", params={"ads_offline": 35, "suspend": 40})
    assert merchant_score(merchant=merchant).proposed_action == ProposedAction.SUSPEND
    RuleSetting.objects.filter(code="merchant_risk").update(params={"ads_offline": 40})
    assert merchant_score(merchant=merchant).proposed_action == ProposedAction.ADS_OFFLINE


def test_every_scored_merchant_gets_a_row(merchant):
    Setup()
    rows = score_merchants()
    assert len(rows) == 2
