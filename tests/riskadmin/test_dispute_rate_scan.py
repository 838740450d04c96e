"""The daily dispute-rate scan: enough orders in the window, and disputes opened against the
person above the rule's percent of them."""

from __future__ import annotations

import pytest

from risk.models import Alert
from riskadmin.scans.dispute_rate import scan_dispute_rate
from tests.factories import make_user

from .history import make_dispute, make_order, market

pytestmark = pytest.mark.django_db


def _history(*, orders, disputes):
    """`orders` orders of one seller with different buyers; `disputes` of them disputed by the
    buyer against the seller."""
    setup, ad = market()
    seller = setup.user
    for index in range(orders):
        buyer = make_user()
        order = make_order(ad, buyer=buyer, seller=seller)
        if index < disputes:
            make_dispute(order, opened_by=buyer, respondent=seller)
    return seller


def test_two_disputes_in_ten_orders_raise_an_alert():
    seller = _history(orders=10, disputes=2)
    scan_dispute_rate()
    [alert] = Alert.objects.filter(code="high_dispute_rate")
    assert alert.user_id == seller.pk
    assert "2 disputes against the person in 10 orders over 30 days: 20.0%" in alert.explanation


def test_one_dispute_in_ten_orders_is_not_above_ten_percent():
    _history(orders=10, disputes=1)
    scan_dispute_rate()
    assert not Alert.objects.filter(code="high_dispute_rate").exists()


def test_too_few_orders_are_not_judged():
    _history(orders=5, disputes=3)
    scan_dispute_rate()
    assert not Alert.objects.filter(code="high_dispute_rate").exists()


def test_the_person_who_opened_the_disputes_is_not_reported():
    _history(orders=10, disputes=3)
    scan_dispute_rate()
    assert Alert.objects.filter(code="high_dispute_rate").count() == 1


def test_the_scan_run_twice_writes_one_alert():
    _history(orders=10, disputes=2)
    scan_dispute_rate()
    scan_dispute_rate()
    assert Alert.objects.filter(code="high_dispute_rate").count() == 1
