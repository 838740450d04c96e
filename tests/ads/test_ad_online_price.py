"""An ad going online is measured against the price index: far off, it is refused and nothing
changes; somewhat off, it goes online with an alert for staff; without a fresh index it goes
online unjudged."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ads import services
from ads.models import AdStatus, Side
from ads.services import AdError
from risk.models import Alert, AlertOutcome, Mode, RuleSetting
from risk.rules import Outcome

from .factories import Setup, ad_terms, set_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup() -> Setup:
    return Setup()


def go_online(setup: Setup, ad):
    return services.ad_go_online(actor=setup.user, ad_id=ad.pk)


def test_a_price_far_from_the_index_is_refused_and_nothing_changes(setup):
    set_index(setup.asset, setup.fiat, "6.50")  # the ad asks 7.80: 20% above
    ad = setup.ad(Side.SELL)
    with pytest.raises(AdError) as refused:
        go_online(setup, ad)
    assert str(refused.value.message) == "This price is too far from the market to go online."
    ad.refresh_from_db()
    assert ad.status == AdStatus.OFFLINE
    assert (setup.available(), setup.reserve()) == (Decimal(1000), Decimal(0))
    # the action rolled back; the block's alert stays on record for staff
    alert = Alert.objects.get(user=setup.user)
    assert (alert.code, alert.outcome) == ("ad_price_far_from_index", AlertOutcome.BLOCK)


def test_a_price_somewhat_off_the_index_goes_online_with_an_alert(setup):
    set_index(setup.asset, setup.fiat, "7.30")
    ad = go_online(setup, setup.ad(Side.SELL))
    assert ad.status == AdStatus.ONLINE
    alert = Alert.objects.get(user=setup.user)
    assert (alert.code, alert.outcome, alert.subject) == (
        "ad_price_far_from_index",
        Outcome.REVIEW,
        f"ad:{ad.public_id}",
    )


def test_a_price_near_the_index_goes_online_quietly(setup):
    set_index(setup.asset, setup.fiat, "7.75")
    assert go_online(setup, setup.ad(Side.BUY)).status == AdStatus.ONLINE
    assert not Alert.objects.exists()


def test_a_floating_margin_far_from_the_index_is_refused(setup):
    set_index(setup.asset, setup.fiat, "7.80")
    ad = setup.ad(Side.SELL, price_type="floating", fixed_price=None, margin_percent=Decimal(80))
    with pytest.raises(AdError):
        go_online(setup, ad)
    ad.refresh_from_db()
    assert ad.status == AdStatus.OFFLINE


def test_without_an_index_the_ad_goes_online(setup):
    assert go_online(setup, setup.ad(Side.SELL, fixed_price=Decimal(50))).status == "online"


def test_a_stale_index_does_not_judge_the_price(setup):
    set_index(setup.asset, setup.fiat, "6.00", updated_at=timezone.now() - timedelta(days=3))
    assert go_online(setup, setup.ad(Side.SELL)).status == AdStatus.ONLINE


def test_in_shadow_mode_a_far_price_only_records(setup):
    RuleSetting.objects.create(code="ad_price_far_from_index", mode=Mode.SHADOW)
    set_index(setup.asset, setup.fiat, "6.50")
    assert go_online(setup, setup.ad(Side.SELL)).status == AdStatus.ONLINE
    assert Alert.objects.get().mode == Mode.SHADOW


def test_an_online_ad_repriced_far_from_the_index_is_refused_and_keeps_its_price(setup):
    set_index(setup.asset, setup.fiat, "7.80")
    ad = go_online(setup, setup.ad(Side.SELL))
    with pytest.raises(AdError):
        services.ad_update(
            actor=setup.user,
            ad_id=ad.pk,
            **ad_terms(fixed_price=Decimal("9.50")),
            payment_method_ids=[setup.method.pk],
        )
    ad.refresh_from_db()
    assert (ad.fixed_price, ad.status) == (Decimal("7.80"), AdStatus.ONLINE)


def test_an_offline_ad_may_be_repriced_freely(setup):
    set_index(setup.asset, setup.fiat, "7.80")
    ad = setup.ad(Side.SELL)
    services.ad_update(
        actor=setup.user,
        ad_id=ad.pk,
        **ad_terms(fixed_price=Decimal("9.50")),
        payment_method_ids=[setup.method.pk],
    )
    ad.refresh_from_db()
    assert ad.fixed_price == Decimal("9.50")
