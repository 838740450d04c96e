"""Floating ads follow the price index escrow keeps: hidden while it is stale, listed again
once the provider refreshes it; and ads in the staff screens, read only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from ads.selectors import market
from escrow.tasks import refresh_price_indexes as refresh_task
from tests.factories import make_user

from . import market_factories as mf

pytestmark = pytest.mark.django_db

STATIC = "escrow.price_providers.StaticProvider"


@pytest.fixture
def admin_client(client):
    client.force_login(make_user(superuser=True))
    return client


def test_stale_index_hides_floating_ads_until_the_task_refreshes_it(client, settings):
    settings.PRICE_INDEX_MAX_AGE_SECONDS = 900
    settings.PRICE_INDEX_PROVIDER = STATIC
    settings.PRICE_INDEX_STATIC = {"USDT/HKD": "7.80"}
    floating = mf.ad(margin="101")
    fixed = mf.ad(price="7.90")
    mf.index(price="7.70", age_seconds=1800)

    def shown() -> list[str]:
        response = client.get(reverse("market:p2p"), {"asset": "USDT", "fiat": "HKD"})
        return [row.ad.public_id for row in response.context["rows"]]

    assert shown() == [fixed.public_id]
    refresh_task.apply()
    assert shown() == [floating.public_id, fixed.public_id]  # 7.80 x 101 % = 7.88
    listed = market.visible_ads().get(pk=floating.pk)
    assert listed.market_price == Decimal("7.88")  # type: ignore[attr-defined]  # annotated by visible_ads()


def test_ads_are_read_only_for_staff(admin_client):
    created = mf.ad()
    assert admin_client.get(reverse("admin:ads_ad_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:ads_ad_add")).status_code == 403
    page = admin_client.get(reverse("admin:ads_ad_change", args=[created.pk]))
    assert page.status_code == 200
    assert 'name="remaining_quantity"' not in page.content.decode()
