"""The demo runs the scans and the merchants' scores: the console has scores and a velocity
alert to show, and seeding again repeats neither."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from risk.models import Alert
from riskadmin.models import MerchantRiskScore

pytestmark = pytest.mark.django_db


def test_the_demo_has_scores_and_a_velocity_alert_and_seeding_again_adds_none():
    call_command("seed_demo")
    velocity = Alert.objects.filter(code="velocity_orders", user__email="bob@demo.local")
    assert velocity.count() == 1
    scores = MerchantRiskScore.objects.count()
    assert scores >= 4
    call_command("seed_demo")
    assert velocity.count() == 1
    assert MerchantRiskScore.objects.count() == scores
