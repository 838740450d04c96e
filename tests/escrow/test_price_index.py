"""Price indexes: the provider task, the static provider, the write, and the staff screen."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from escrow.models import PriceIndex
from escrow.price_providers import ProviderError, StaticProvider, configured_provider
from escrow.services.prices import price_index_set, refresh_price_indexes
from escrow.tasks import refresh_price_indexes as refresh_task
from tests.ads import market_factories as mf
from tests.factories import make_user

pytestmark = pytest.mark.django_db

STATIC = "escrow.price_providers.StaticProvider"


class BrokenProvider:
    name = "broken"

    def fetch(self, pairs):
        raise ConnectionError("ticker API unreachable")


class OddProvider:
    """Answers every pair, some with nonsense."""

    name = "odd"

    def fetch(self, pairs):
        nonsense = {("USDT", "HKD"): Decimal("-1"), ("USDT", "CNY"): "abc", ("BTC", "HKD"): 0}
        return {pair: nonsense.get(pair, Decimal("7.123456789")) for pair in pairs}


BROKEN = BrokenProvider()


@pytest.fixture
def pairs():
    usdt, btc = mf.asset("USDT"), mf.asset("BTC", 8)
    hkd, cny = mf.fiat("HKD"), mf.fiat("CNY")
    return usdt, btc, hkd, cny


def prices() -> dict[tuple[str, str], tuple[Decimal, str]]:
    return {
        (row.asset.symbol, row.fiat.code): (row.price, row.source)
        for row in PriceIndex.objects.select_related("asset", "fiat")
    }


def test_static_provider_answers_known_pairs_only(settings):
    settings.PRICE_INDEX_STATIC = {
        "USDT/HKD": "7.81",
        ("BTC", "HKD"): 530000,
        "ETH/HKD": 1.5,  # a float: refused
        "XRP/HKD": "0.5",  # not asked for
        "nonsense": "1",
    }
    answer = StaticProvider().fetch([("USDT", "HKD"), ("BTC", "HKD"), ("ETH", "HKD")])
    assert answer == {("USDT", "HKD"): Decimal("7.81"), ("BTC", "HKD"): Decimal(530000)}


def test_no_provider_means_off(settings, pairs):
    settings.PRICE_INDEX_PROVIDER = ""
    assert configured_provider() is None
    assert refresh_task.apply().get() == 0
    assert not PriceIndex.objects.exists()


def test_task_upserts_what_the_provider_answers(settings, pairs):
    settings.PRICE_INDEX_PROVIDER = STATIC
    settings.PRICE_INDEX_STATIC = {"USDT/HKD": "7.81", "USDT/CNY": "7.20", "BTC/HKD": "530000"}
    assert refresh_task.apply().get() == 3
    assert prices() == {
        ("USDT", "HKD"): (Decimal("7.81"), "static"),
        ("USDT", "CNY"): (Decimal("7.20"), "static"),
        ("BTC", "HKD"): (Decimal(530000), "static"),
    }
    first = PriceIndex.objects.get(asset__symbol="USDT", fiat__code="HKD")
    PriceIndex.objects.filter(pk=first.pk).update(updated_at=timezone.now() - timedelta(hours=1))

    settings.PRICE_INDEX_STATIC = {"USDT/HKD": "7.79"}
    assert refresh_task.apply().get() == 1
    again = PriceIndex.objects.get(pk=first.pk)  # updated in place, not a second row
    assert again.price == Decimal("7.79")
    assert timezone.now() - again.updated_at < timedelta(minutes=1)
    assert PriceIndex.objects.count() == 3


def test_disabled_assets_and_fiats_are_not_asked_for(settings, pairs):
    _, btc, _, cny = pairs
    btc.enabled, cny.enabled = False, False
    btc.save()
    cny.save()
    settings.PRICE_INDEX_PROVIDER = STATIC
    settings.PRICE_INDEX_STATIC = {"USDT/HKD": "7.81", "USDT/CNY": "7.2", "BTC/HKD": "530000"}
    assert refresh_price_indexes() == 1
    assert list(prices()) == [("USDT", "HKD")]


def test_unusable_prices_are_skipped(pairs):
    assert refresh_price_indexes(OddProvider()) == 1  # only BTC/CNY made sense
    assert prices() == {("BTC", "CNY"): (Decimal("7.12345679"), "odd")}  # 8 places, half up


def test_a_failing_provider_stores_nothing(settings, pairs):
    mf.index(price="7.80", age_seconds=60)
    before = prices()
    settings.PRICE_INDEX_PROVIDER = "tests.escrow.test_price_index.BROKEN"
    with pytest.raises(ProviderError):
        refresh_price_indexes()
    assert prices() == before


def test_a_provider_path_that_does_not_import_is_reported(settings):
    settings.PRICE_INDEX_PROVIDER = "escrow.price_providers.NoSuchProvider"
    with pytest.raises(ProviderError, match="cannot be imported"):
        configured_provider()
    settings.PRICE_INDEX_PROVIDER = "escrow.price_providers.PRICE_PLACES"
    with pytest.raises(ProviderError, match="no fetch"):
        configured_provider()


def test_price_index_set_refuses_nonsense(pairs):
    usdt, _, hkd, _ = pairs
    for bad in [Decimal(0), Decimal(-1), Decimal("1e30")]:
        with pytest.raises(ValueError, match="usable"):
            price_index_set(asset=usdt, fiat=hkd, price=bad, source="test")
    assert not PriceIndex.objects.exists()


# --- staff screen -------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    client.force_login(make_user(superuser=True))
    return client


def test_changelist_shows_age_and_stale_flag(admin_client, settings, pairs):
    settings.PRICE_INDEX_MAX_AGE_SECONDS = 900
    usdt, btc, hkd, _ = pairs
    mf.index(on=usdt, currency=hkd, price="7.80", age_seconds=120)
    mf.index(on=btc, currency=hkd, price="530000", age_seconds=7200)
    page = admin_client.get(reverse("admin:escrow_priceindex_changelist")).content.decode()
    assert "2 min" in page
    assert "2 h" in page
    assert 'alt="True"' in page
    assert 'alt="False"' in page


def test_staff_edit_stamps_source_and_time(admin_client, pairs):
    index = mf.index(price="7.80", age_seconds=3600, source="static")
    url = reverse("admin:escrow_priceindex_change", args=[index.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"price": "7.83"})
    assert response.status_code == 302
    index.refresh_from_db()
    assert index.price == Decimal("7.83")
    assert index.source == "staff"
    assert timezone.now() - index.updated_at < timedelta(minutes=1)


def test_staff_add_and_duplicate_pair(admin_client, pairs):
    usdt, _, hkd, _ = pairs
    url = reverse("admin:escrow_priceindex_add")
    data = {"asset": usdt.pk, "fiat": hkd.pk, "price": "7.8"}
    assert admin_client.post(url, data).status_code == 302
    assert prices() == {("USDT", "HKD"): (Decimal("7.8"), "staff")}
    again = admin_client.post(url, {**data, "price": "7.9"})
    assert again.status_code == 200  # the form shows the error
    assert prices() == {("USDT", "HKD"): (Decimal("7.8"), "staff")}
    refused = admin_client.post(url, {"asset": usdt.pk, "fiat": mf.fiat("CNY").pk, "price": "0"})
    assert refused.status_code == 200
    assert PriceIndex.objects.count() == 1


def test_refresh_action(admin_client, settings, pairs):
    settings.PRICE_INDEX_PROVIDER = STATIC
    settings.PRICE_INDEX_STATIC = {"USDT/HKD": "7.77"}
    index = mf.index(price="7.80", age_seconds=3600)
    response = admin_client.post(
        reverse("admin:escrow_priceindex_changelist"),
        {"action": "refresh_from_provider", "_selected_action": [index.pk]},
        follow=True,
    )
    assert "1 price index refreshed" in response.content.decode()
    index.refresh_from_db()
    assert index.price == Decimal("7.77")
    assert index.source == "static"
