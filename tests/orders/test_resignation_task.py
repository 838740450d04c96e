"""The hourly job that ends a resignation once the merchant has no open ads (open orders:
tests/orders/test_cross_app_rules.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ads import services
from merchants.models import Merchant, MerchantStatus
from orders import tasks
from tests.ads.factories import Setup

pytestmark = pytest.mark.django_db


def resigning_since(merchant: Merchant, days: int) -> None:
    Merchant.objects.filter(pk=merchant.pk).update(
        status=MerchantStatus.RESIGNING,
        resign_requested_at=timezone.now() - timedelta(days=days),
    )


def test_an_open_ad_keeps_the_resignation_waiting_and_closing_it_lets_it_end():
    setup = Setup()
    ad = setup.ad()
    resigning_since(setup.merchant, days=30)
    assert tasks.complete_resignations() == 0
    setup.merchant.refresh_from_db()
    assert setup.merchant.status == MerchantStatus.RESIGNING
    services.ad_close(actor=setup.user, ad_id=ad.pk)
    assert tasks.complete_resignations() == 1
    setup.merchant.refresh_from_db()
    assert setup.merchant.status == MerchantStatus.RESIGNED


def test_a_resignation_inside_its_cooling_period_waits():
    setup = Setup()
    resigning_since(setup.merchant, days=0)
    assert tasks.complete_resignations() == 0
    setup.merchant.refresh_from_db()
    assert setup.merchant.status == MerchantStatus.RESIGNING
