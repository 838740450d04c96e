"""The merchant pages: apply, the merchant center, its htmx break toggle and hours editor."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from merchants.models import ApplicationStatus, Merchant, MerchantApplication, MerchantStatus
from tests.escrow.ledger_state import snapshot
from tests.factories import make_user

from .helpers import available, eligible_user, fiat, merchant, submit

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_pages_need_a_login(client):
    for name in ["merchants:apply", "merchants:center"]:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_apply_page_shows_each_requirement_for_this_user_and_the_tiers(client, gold):
    user = make_user()  # level 0, new, no 2FA
    client.force_login(user)
    page = client.get(reverse("merchants:apply")).content.decode()
    assert page.count("requirement--unmet") == 3  # KYC, age, 2FA; orders (min 0) is met
    assert page.count("requirement--met") == 1
    assert "You have level 0" in page
    assert "Gold" in page
    assert "1,000 USDT" in page
    assert "HKD 50000 · 500000" in page
    assert 'name="display_name"' in page
    assert 'type="checkbox"' in page


def test_apply_form_freezes_the_collateral_and_shows_the_pending_application(client, gold):
    user = eligible_user(funds="1500", asset=gold.collateral_asset)
    client.force_login(user)
    page = client.get(reverse("merchants:apply")).content.decode()
    assert page.count("requirement--met") == 4
    response = client.post(
        reverse("merchants:apply"),
        {
            "display_name": "Harbour Desk",
            "contact": "@harbour",
            "tier": gold.pk,
            "assets": [gold.collateral_asset.pk],
            "fiats": [fiat("HKD").pk],
        },
        follow=True,
    )
    assert "1,000 USDT is frozen as collateral" in " ".join(_messages(response))
    page = response.content.decode()
    assert "Withdraw application" in page
    assert "Harbour Desk" in page
    assert available(user, gold.collateral_asset).spendable == 500
    # withdraw from the page
    response = client.post(reverse("merchants:withdraw_application"), follow=True)
    assert "collateral is available again" in " ".join(_messages(response))
    assert available(user, gold.collateral_asset).spendable == 1500


def test_apply_form_shows_refusals_and_changes_nothing(client, gold):
    user = make_user()
    client.force_login(user)
    before = snapshot()
    response = client.post(
        reverse("merchants:apply"),
        {
            "display_name": "Harbour Desk",
            "contact": "@harbour",
            "tier": gold.pk,
            "assets": [gold.collateral_asset.pk],
            "fiats": [fiat("HKD").pk],
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "You do not meet every requirement yet" in page
    assert "Nothing was frozen and no application was sent." in page
    assert snapshot() == before
    assert not MerchantApplication.objects.exists()
    empty = client.post(reverse("merchants:apply"), {"display_name": "x"}).content.decode()
    assert "Choose at least one asset you will trade." in empty


def test_apply_shows_an_earlier_rejection(client, gold):
    from merchants.services import merchant_reject

    user = eligible_user(funds="1000", asset=gold.collateral_asset)
    application = submit(user, gold)
    merchant_reject(
        application=application, actor=make_user(superuser=True), reason="Use your real name."
    )
    client.force_login(user)
    page = client.get(reverse("merchants:apply")).content.decode()
    assert "Use your real name." in page
    assert 'name="display_name"' in page


def test_non_merchants_are_sent_to_apply(client, gold):
    client.force_login(make_user())
    response = client.get(reverse("merchants:center"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("merchants:apply")
    assert "The merchant center is for merchants." in " ".join(_messages(response))
    for name in ["merchants:toggle_break", "merchants:business_hours"]:
        response = client.post(reverse(name), {"on": "1"})
        assert response.status_code == 302
        assert response["Location"] == reverse("merchants:apply")


def test_merchants_are_sent_from_apply_to_their_center(client, gold):
    shop = merchant(gold)
    client.force_login(shop.user)
    response = client.get(reverse("merchants:apply"))
    assert response.status_code == 302
    assert response["Location"] == reverse("merchants:center")


def test_a_resigned_merchant_may_apply_again_but_has_no_center(client, gold):
    shop = merchant(gold)
    Merchant.objects.filter(pk=shop.pk).update(status=MerchantStatus.RESIGNED)
    client.force_login(shop.user)
    assert client.get(reverse("merchants:apply")).status_code == 200
    assert client.get(reverse("merchants:center"))["Location"] == reverse("merchants:apply")


def test_center_shows_badge_figures_charts_and_settings(client, gold):
    shop = merchant(gold)
    client.force_login(shop.user)
    response = client.get(reverse("merchants:center"))
    assert response.status_code == 200
    page = response.content.decode()
    assert shop.display_name in page
    assert "GOLD" in page
    assert "Active" in page
    assert "No orders in the last 30 days" in page
    assert "No completed orders in the last 30 days" in page
    assert 'href="/merchant/ads/"' in page
    assert "Request resignation" in page
    assert "cooling period of 7 days" in page
    assert "1,000 USDT" in page  # collateral frozen
    for chart in (response.context["orders_chart"], response.context["volume_chart"]):
        ET.fromstring(chart)  # noqa: S314 - valid SVG


def test_break_toggle_with_htmx_swaps_the_card(client, gold):
    shop = merchant(gold)
    client.force_login(shop.user)
    response = client.post(reverse("merchants:toggle_break"), {"on": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<section class="card" id="break-card"')
    assert "Come back" in fragment
    assert "<html" not in fragment
    shop.refresh_from_db()
    assert shop.on_break
    plain = client.post(reverse("merchants:toggle_break"), {"on": "0"}, follow=True)
    assert "Welcome back" in " ".join(_messages(plain))
    shop.refresh_from_db()
    assert not shop.on_break


def test_a_seller_center_says_whose_times_it_shows_and_why_one_is_empty(client, gold):
    """A merchant who only sells has released orders but has paid none: the release time is
    theirs as the seller, and the payment time says it waits for an order they pay."""
    from django.utils import timezone

    from accounts.models import TradeDay

    shop = merchant(gold)
    TradeDay.objects.create(
        user=shop.user,
        day=timezone.now().date(),
        asset_symbol="USDT",
        completed=3,
        released_count=3,
        release_seconds=3 * 240,
    )
    client.force_login(shop.user)
    page = " ".join(client.get(reverse("merchants:center")).content.decode().split())
    assert "Release time, as the seller" in page
    assert "4 min" in page
    assert "Payment time, as the buyer" in page
    assert "no order paid as the buyer in 30 days" in page


def test_during_a_break_the_center_says_closed_not_open(client, gold):
    shop = merchant(gold)
    client.force_login(shop.user)
    center = reverse("merchants:center")
    assert "Open now" in client.get(center).content.decode()  # always open: no hours set
    client.post(reverse("merchants:toggle_break"), {"on": "1"})
    page = client.get(center).content.decode()
    assert "On a break" in page
    assert "Open now" not in page
    assert "Closed now" in page


def test_break_refusal_shows_in_the_card(client, gold):
    shop = merchant(gold)
    Merchant.objects.filter(pk=shop.pk).update(status=MerchantStatus.SUSPENDED)
    client.force_login(shop.user)
    response = client.post(reverse("merchants:toggle_break"), {"on": "1"}, HTTP_HX_REQUEST="true")
    assert "Only an active merchant can take a break" in response.content.decode()


def test_business_hours_editor(client, gold):
    shop = merchant(gold)
    client.force_login(shop.user)
    data = {"timezone": "Asia/Hong_Kong", "mon_open": "09:00", "mon_close": "18:00"}
    data |= {"fri_open": "22:00:00", "fri_close": "02:00"}
    response = client.post(reverse("merchants:business_hours"), data, follow=True)
    assert "Business hours saved." in " ".join(_messages(response))
    shop.refresh_from_db()
    assert shop.business_hours == {
        "timezone": "Asia/Hong_Kong",
        "days": {"mon": [["09:00", "18:00"]], "fri": [["22:00", "02:00"]]},
    }
    page = response.content.decode()
    assert "09:00-18:00" in page
    assert 'value="22:00"' in page
    # back to always open
    client.post(reverse("merchants:business_hours"), {"always_open": "on", "timezone": "UTC"})
    shop.refresh_from_db()
    assert shop.business_hours == {}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"timezone": "UTC", "mon_open": "09:00"}, "Give both times, or leave both empty"),
        ({"timezone": "UTC", "mon_open": "9am", "mon_close": "18:00"}, "Use a time such as 09:00."),
        ({"timezone": "UTC", "tue_open": "10:00", "tue_close": "10:00"}, "Tuesday: the opening"),
        ({"timezone": "UTC"}, "Open on at least one day, or choose to be always open."),
        ({"timezone": "Mars/Base", "mon_open": "09:00", "mon_close": "18:00"}, "valid choice"),
    ],
)
def test_business_hours_refusals_show_and_change_nothing(client, gold, data, message):
    shop = merchant(gold)
    client.force_login(shop.user)
    response = client.post(reverse("merchants:business_hours"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Your hours were not changed." in page
    shop.refresh_from_db()
    assert shop.business_hours == {}


def test_resign_and_stay_from_the_center(client, gold):
    shop = merchant(gold)
    client.force_login(shop.user)
    response = client.post(reverse("merchants:resign"), follow=True)
    assert "You are resigning" in response.content.decode()
    shop.refresh_from_db()
    assert shop.status == MerchantStatus.RESIGNING
    response = client.post(reverse("merchants:resign"), follow=True)
    assert "Only an active merchant can resign" in " ".join(_messages(response))
    client.post(reverse("merchants:cancel_resignation"))
    shop.refresh_from_db()
    assert shop.status == MerchantStatus.ACTIVE


def test_suspended_merchant_sees_the_reason(client, gold):
    shop = merchant(gold)
    Merchant.objects.filter(pk=shop.pk).update(
        status=MerchantStatus.SUSPENDED, status_reason="Unusual refunds."
    )
    client.force_login(shop.user)
    page = client.get(reverse("merchants:center")).content.decode()
    assert "Your merchant account is suspended" in page
    assert "Unusual refunds." in page
    assert "Request resignation" not in page


def test_pending_application_blocks_a_second_post(client, gold):
    user = eligible_user(funds="5000", asset=gold.collateral_asset)
    submit(user, gold)
    client.force_login(user)
    response = client.post(reverse("merchants:apply"), {"display_name": "Another"}, follow=True)
    assert "already waiting for review" in " ".join(_messages(response))
    assert MerchantApplication.objects.filter(status=ApplicationStatus.PENDING).count() == 1


def test_the_center_charts_come_with_their_numbers_in_a_table(client, gold):
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from accounts.models import TradeDay

    shop = merchant(gold)
    today = timezone.now().date()
    TradeDay.objects.create(
        user=shop.user, day=today, asset_symbol="USDT", completed=2, volume=Decimal("1234.5")
    )
    TradeDay.objects.create(
        user=shop.user,
        day=today - timedelta(days=3),
        asset_symbol="BTC",
        completed=1,
        volume=Decimal("0.25"),
    )
    client.force_login(shop.user)
    page = " ".join(client.get(reverse("merchants:center")).content.decode().split())
    tables = page.split('<table class="table chart-data__table">')[1:3]
    orders, volume = (table.split("</table>")[0] for table in tables)
    assert orders.count('<tr><th scope="row">') == 30
    assert (
        f'<time datetime="{today:%Y-%m-%d}">{today:%m/%d/%Y}</time></th><td class="num">2</td>'
        in orders
    )
    three_days_ago = today - timedelta(days=3)
    assert f'{three_days_ago:%m/%d/%Y}</time></th><td class="num">1</td>' in orders
    assert '<th scope="row">USDT</th><td class="num">1,234.5 USDT</td>' in volume
    assert '<th scope="row">BTC</th><td class="num">0.25 BTC</td>' in volume
    assert "1,234.5 USDT</text>" in page  # the chart says the unit too
    assert "Day (UTC)" in page


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("zh-hans", ["商家中心", "查看数据", "营业时间", "申请退出", "近 30 日"]),
        ("zh-hant", ["商家中心", "查看數據", "營業時間", "申請退出", "近 30 日"]),
    ],
)
def test_the_center_speaks_chinese(client, gold, language, words):
    shop = merchant(gold)
    client.force_login(shop.user)
    response = client.get(reverse("merchants:center"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    page = response.content.decode()
    for word in words:
        assert word in page


def test_the_apply_page_speaks_chinese(client, gold):
    client.force_login(make_user())
    response = client.get(reverse("merchants:apply"), HTTP_ACCEPT_LANGUAGE="zh-hant")
    page = response.content.decode()
    assert "成為商家" in page
    assert "申請條件" in page
