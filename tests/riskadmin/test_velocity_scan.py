"""The hourly velocity scan: orders placed, different counterparties and own cancellations per
person over the window, each its own rule, one alert per person per day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import OrderStatus
from risk.engine import Point
from risk.models import Alert, Mode, RuleSetting
from riskadmin.scans.velocity import scan_velocity
from tests.factories import make_user

from .history import make_order, market

pytestmark = pytest.mark.django_db


def _alerts(code):
    return list(Alert.objects.filter(code=code))


def test_twenty_orders_in_a_day_raise_a_velocity_alert():
    setup, ad = market()
    taker = make_user()
    for _ in range(20):
        make_order(ad, buyer=taker, seller=setup.user)
    scan_velocity()
    [alert] = _alerts("velocity_orders")
    assert alert.user_id == taker.pk
    assert alert.point == Point.SCAN
    assert alert.subject == f"velocity:{timezone.now().date().isoformat()}"
    assert "20 orders placed in 24 hours (threshold 20)" in alert.explanation


def test_nineteen_orders_raise_no_alert():
    setup, ad = market()
    taker = make_user()
    for _ in range(19):
        make_order(ad, buyer=taker, seller=setup.user)
    scan_velocity()
    assert not _alerts("velocity_orders")


def test_orders_older_than_the_window_do_not_count():
    setup, ad = market()
    taker = make_user()
    old = timezone.now() - timedelta(hours=30)
    for _ in range(25):
        make_order(ad, buyer=taker, seller=setup.user, at=old)
    scan_velocity()
    assert not _alerts("velocity_orders")


def test_ten_different_counterparties_raise_an_alert():
    setup, ad = market()
    seller = setup.user
    for _ in range(10):
        make_order(ad, buyer=make_user(), seller=seller)
    scan_velocity()
    assert [alert.user_id for alert in _alerts("velocity_counterparties")] == [seller.pk]


def test_nine_counterparties_raise_no_alert():
    setup, ad = market()
    for _ in range(9):
        make_order(ad, buyer=make_user(), seller=setup.user)
    scan_velocity()
    assert not _alerts("velocity_counterparties")


def test_five_own_cancellations_raise_an_alert():
    setup, ad = market()
    taker = make_user()
    for _ in range(5):
        make_order(
            ad, buyer=taker, seller=setup.user, status=OrderStatus.CANCELED, canceled_by=taker
        )
    scan_velocity()
    [alert] = _alerts("velocity_cancellations")
    assert alert.user_id == taker.pk


def test_cancellations_by_the_clock_are_not_the_persons():
    setup, ad = market()
    taker = make_user()
    for _ in range(5):
        make_order(ad, buyer=taker, seller=setup.user, status=OrderStatus.CANCELED)
    scan_velocity()
    assert not _alerts("velocity_cancellations")


def test_the_scan_run_twice_writes_one_alert():
    setup, ad = market()
    taker = make_user()
    for _ in range(20):
        make_order(ad, buyer=taker, seller=setup.user)
    scan_velocity()
    scan_velocity()
    assert len(_alerts("velocity_orders")) == 1


def test_a_threshold_staff_set_is_the_one_the_scan_uses():
    setup, ad = market()
    taker = make_user()
    for _ in range(3):
        make_order(ad, buyer=taker, seller=setup.user)
    RuleSetting.objects.create(code="velocity_orders", params={"orders": 3})
    scan_velocity()
    assert len(_alerts("velocity_orders")) == 1


def test_an_off_velocity_rule_reports_nothing():
    setup, ad = market()
    taker = make_user()
    for _ in range(20):
        make_order(ad, buyer=taker, seller=setup.user)
    RuleSetting.objects.create(code="velocity_orders", mode=Mode.OFF)
    scan_velocity()
    assert not _alerts("velocity_orders")
