"""Reads other layers use: figures (from the daily trade counters) and requirement checks."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.selectors import FIGURES_DAYS
from accounts.services.activity import record_trade
from merchants.selectors import (
    completed_orders_count,
    duration_text,
    merchant_figures,
    merchant_program,
    merchant_public_figures,
    merchant_requirements,
)
from tests.factories import make_user

from .helpers import merchant

pytestmark = pytest.mark.django_db


def test_public_figures_for_a_page_of_merchants_in_one_call(gold, django_assert_max_num_queries):
    shops = [merchant(gold), merchant(gold)]
    record_trade(user=shops[0].user, asset_symbol="USDT", completed=39, canceled=1)
    ids = [s.pk for s in shops] + [shops[0].pk]
    with django_assert_max_num_queries(1):
        figures = merchant_public_figures(merchant_ids=ids)
    assert figures == {
        shops[0].pk: {"orders_30d": 40, "completion_rate": Decimal("97.50")},
        shops[1].pk: {"orders_30d": 0, "completion_rate": None},
    }


def test_figures_are_empty_before_any_order(gold):
    figures = merchant_figures(merchant=merchant(gold))
    assert (figures.orders_30d, figures.completion_rate, figures.volume_by_asset) == (0, None, [])
    assert len(figures.orders_by_day) == FIGURES_DAYS
    assert figures.orders_by_day[0][0] < figures.orders_by_day[-1][0]
    assert figures.avg_payment_text == "—"
    assert not figures.has_orders


def test_figures_read_the_last_30_days_of_trades(gold):
    shop = merchant(gold)
    today = timezone.now().date()
    record_trade(user=shop.user, asset_symbol="USDT", completed=2, volume=Decimal(300))
    record_trade(user=shop.user, asset_symbol="USDT", day=today - timedelta(days=29), canceled=1)
    record_trade(user=shop.user, asset_symbol="USDT", day=today - timedelta(days=30), canceled=9)
    figures = merchant_figures(merchant=shop)
    assert (figures.orders_30d, figures.completed_30d) == (3, 2)
    assert figures.completion_rate == Decimal("66.66")
    assert figures.has_orders
    assert figures.volume_by_asset == [("USDT", Decimal(300))]
    assert figures.orders_by_day[0] == (today - timedelta(days=29), 1)
    assert figures.orders_by_day[-1] == (today, 2)
    assert completed_orders_count(user=shop.user) == 2


def test_program_defaults_apply_before_staff_save_any(db):
    assert merchant_program().min_kyc_level == 1
    codes = [r.code for r in merchant_requirements(user=make_user())]
    assert codes == ["kyc", "account_age", "orders", "2fa"]


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, "—"), (45, "45 s"), (60, "1 min"), (89, "1 min"), (90, "2 min"), (3900, "1 h 05 min")],
)
def test_duration_text(seconds, text):
    assert duration_text(seconds) == text
