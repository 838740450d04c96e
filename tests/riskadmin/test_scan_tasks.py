"""The scans run on beat through thin tasks; each task returns what its scan wrote."""

from __future__ import annotations

import pytest
from django.conf import settings

from risk.models import Alert
from riskadmin import tasks
from riskadmin.models import MerchantRiskScore
from tests.ads.factories import Setup
from tests.factories import make_user

from .history import make_order, market

pytestmark = pytest.mark.django_db


def test_beat_runs_the_velocity_scan_hourly_and_the_others_daily():
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert schedule["riskadmin.tasks.scan_velocity"] == 3600.0
    assert schedule["riskadmin.tasks.scan_dispute_rate"] == 86400.0
    assert schedule["riskadmin.tasks.score_merchants"] == 86400.0


def test_the_velocity_task_run_twice_writes_one_alert():
    setup, ad = market()
    taker = make_user()
    for _ in range(20):
        make_order(ad, buyer=taker, seller=setup.user)
    assert tasks.scan_velocity() == 1
    assert tasks.scan_velocity() == 0
    assert Alert.objects.filter(code="velocity_orders").count() == 1


def test_the_score_task_writes_a_row_per_merchant():
    Setup()
    assert tasks.score_merchants() == 1
    assert tasks.score_merchants() == 1
    assert MerchantRiskScore.objects.count() == 1


def test_the_dispute_rate_task_runs_on_an_empty_history():
    assert tasks.scan_dispute_rate() == 0
