"""The merchant risk scores in the admin: the latest score per merchant, a merchant's page with
the trend chart and table, and "Confirm proposed action", which has the owning app act, needs a
reason and the permission, and is recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ads.models import Ad, AdStatus
from core.staff_actions import StaffActionKind
from merchants.models import Merchant, MerchantStatus
from riskadmin.models import MerchantRiskScore, ProposedAction, StaffAction
from tests.factories import make_user
from tests.orders.factories import Market

pytestmark = pytest.mark.django_db

CONFIRMER = ["riskadmin.view_merchantriskscore", "riskadmin.confirm_merchantriskscore"]
# suspending is merchant management; taking ads offline is managing ads
MANAGER = ["merchants.change_merchant", "merchants.view_merchant", "ads.change_ad"]


def _score(merchant, *, action=ProposedAction.SUSPEND, score=80, day=None):
    return MerchantRiskScore.objects.create(
        merchant_user=merchant.user,
        day=day or timezone.now().date(),
        score=score,
        components={"disputes": {"figure": "4 disputes", "weight": 20, "points": "20.00"}},
        explanation=f"Score {score}",
        proposed_action=action,
        computed_at=timezone.now(),
    )


@pytest.fixture
def market():
    return Market()


def _client(client, perms):
    client.force_login(make_user(staff=True, perms=perms))
    return client


def _confirm_url(score):
    return reverse("admin:riskadmin_merchantriskscore_confirm", args=[score.pk])


def test_the_list_shows_each_merchants_latest_score_in_red_when_high(client, market):
    _score(
        market.merchant,
        score=20,
        action=ProposedAction.NONE,
        day=timezone.now().date() - timedelta(days=1),
    )
    _score(market.merchant, score=80)
    response = _client(client, CONFIRMER).get(
        reverse("admin:riskadmin_merchantriskscore_changelist") + "?o=2"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert '<strong style="color:#b91c1c">80</strong>' in page
    assert ">20</strong>" not in page


def test_a_merchants_page_shows_the_trend_chart_and_table(client, market):
    for days in range(3):
        _score(market.merchant, score=10 + days, day=timezone.now().date() - timedelta(days=days))
    latest = MerchantRiskScore.objects.get(day=timezone.now().date())
    response = _client(client, CONFIRMER).get(
        reverse("admin:riskadmin_merchantriskscore_change", args=[latest.pk])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in page
    assert "chart--daily" in page
    assert "4 disputes" in page
    assert "Confirm proposed action" in page


def test_confirming_a_suspension_suspends_the_merchant_and_records_it(client, market):
    score = _score(market.merchant)
    response = _client(client, CONFIRMER + MANAGER).post(
        _confirm_url(score), {"reason": "four disputes lost this week"}
    )
    assert response.status_code == 302
    assert Merchant.objects.get(pk=market.merchant.pk).status == MerchantStatus.SUSPENDED
    score.refresh_from_db()
    assert score.confirmed_action == ProposedAction.SUSPEND
    assert score.confirmation_reason == "four disputes lost this week"
    assert score.confirmed_by is not None
    assert score.confirmed_at is not None
    action = StaffAction.objects.get(action=StaffActionKind.MERCHANT_RISK_CONFIRMED)
    assert action.target_id == str(score.pk)
    assert "four disputes lost this week" in action.reason


def test_confirming_ads_offline_takes_every_online_ad_offline(client, market):
    first, second = market.online_ad(), market.online_ad()
    score = _score(market.merchant, action=ProposedAction.ADS_OFFLINE, score=60)
    response = _client(client, CONFIRMER + MANAGER).post(
        _confirm_url(score), {"reason": "volume far above collateral"}
    )
    assert response.status_code == 302
    statuses = set(Ad.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True))
    assert statuses == {AdStatus.OFFLINE}
    assert market.reserve() == 0
    assert Merchant.objects.get(pk=market.merchant.pk).status == MerchantStatus.ACTIVE


def test_a_confirmation_without_a_reason_is_refused_and_changes_nothing(client, market):
    ad = market.online_ad()
    score = _score(market.merchant, action=ProposedAction.ADS_OFFLINE, score=60)
    response = _client(client, CONFIRMER + MANAGER).post(_confirm_url(score), {"reason": " "})
    assert response.status_code == 400
    assert Ad.objects.get(pk=ad.pk).status == AdStatus.ONLINE
    score.refresh_from_db()
    assert score.confirmed_at is None
    assert not StaffAction.objects.exists()


def test_a_suspension_without_a_reason_leaves_the_merchant_active(client, market):
    score = _score(market.merchant)
    response = _client(client, CONFIRMER + MANAGER).post(_confirm_url(score), {"reason": ""})
    assert response.status_code == 400
    assert Merchant.objects.get(pk=market.merchant.pk).status == MerchantStatus.ACTIVE
    assert MerchantRiskScore.objects.get(pk=score.pk).confirmed_at is None


def test_staff_without_the_confirm_permission_get_403_and_nothing_changes(client, market):
    score = _score(market.merchant)
    staff = _client(client, ["riskadmin.view_merchantriskscore", *MANAGER])
    assert staff.get(_confirm_url(score)).status_code == 403
    assert staff.post(_confirm_url(score), {"reason": "because"}).status_code == 403
    assert Merchant.objects.get(pk=market.merchant.pk).status == MerchantStatus.ACTIVE
    assert MerchantRiskScore.objects.get(pk=score.pk).confirmed_at is None


def test_staff_who_may_not_suspend_merchants_are_refused_by_the_merchant_service(client, market):
    score = _score(market.merchant)
    response = _client(client, CONFIRMER).post(_confirm_url(score), {"reason": "because"})
    assert response.status_code == 400
    assert Merchant.objects.get(pk=market.merchant.pk).status == MerchantStatus.ACTIVE
    assert MerchantRiskScore.objects.get(pk=score.pk).confirmed_at is None


def test_a_confirmed_score_cannot_be_confirmed_again(client, market):
    score = _score(market.merchant)
    staff = _client(client, CONFIRMER + MANAGER)
    staff.post(_confirm_url(score), {"reason": "first"})
    response = staff.post(_confirm_url(score), {"reason": "second"})
    assert response.status_code == 400
    assert StaffAction.objects.count() == 1


def test_staff_without_the_view_permission_get_403_on_the_list(client, market):
    _score(market.merchant)
    staff = _client(client, MANAGER)
    response = staff.get(reverse("admin:riskadmin_merchantriskscore_changelist"))
    assert response.status_code == 403


def test_staff_who_may_not_manage_merchants_cannot_take_their_ads_offline(client, market):
    ad = market.online_ad()
    score = _score(market.merchant, action=ProposedAction.ADS_OFFLINE, score=60)
    response = _client(client, CONFIRMER).post(_confirm_url(score), {"reason": "because"})
    assert response.status_code == 400
    assert Ad.objects.get(pk=ad.pk).status == AdStatus.ONLINE
    assert MerchantRiskScore.objects.get(pk=score.pk).confirmed_at is None
