"""Reads other layers use: figures (zeros until orders feed them) and requirement checks."""

from __future__ import annotations

import pytest

from merchants.selectors import (
    FIGURES_DAYS,
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
    ids = [s.pk for s in shops] + [shops[0].pk]
    with django_assert_max_num_queries(1):
        figures = merchant_public_figures(merchant_ids=ids)
    assert figures == {s.pk: {"orders_30d": 0, "completion_rate": None} for s in shops}


def test_figures_are_empty_until_orders_feed_them(gold):
    figures = merchant_figures(merchant=merchant(gold))
    assert (figures.orders_30d, figures.completion_rate, figures.volume_by_asset) == (0, None, [])
    assert len(figures.orders_by_day) == FIGURES_DAYS
    assert figures.orders_by_day[0][0] < figures.orders_by_day[-1][0]
    assert figures.avg_payment_text == "—" and not figures.has_orders


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
