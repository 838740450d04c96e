"""The merchant's ad pages at /merchant/ads/: who may see them, the form with its errors, the
htmx online/offline switch and closing; another merchant's ad is a 404 and nothing changes."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ads import services
from ads.models import Ad, AdStatus, Side
from escrow.models.transfers import Transfer
from escrow.verification import verify
from merchants.models import MerchantStatus
from tests.ads.factories import Setup, make_merchant, make_payment_method, restrict_selling
from tests.factories import make_user

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _ledger_verifies() -> Iterator[None]:
    yield
    report = verify()
    assert report.ok, report.problems


@pytest.fixture
def s() -> Setup:
    return Setup(funds="1000")


@pytest.fixture
def me(client: Client, s: Setup) -> Client:
    client.force_login(s.user)
    return client


def form_data(s: Setup, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "side": "sell",
        "asset": s.asset.pk,
        "fiat": s.fiat.pk,
        "price_type": "fixed",
        "fixed_price": "7.81",
        "margin_percent": "",
        "total_quantity": "120.5",
        "min_order_fiat": "100",
        "max_order_fiat": "5000",
        "payment_window_minutes": "15",
        "payment_methods": [s.method.pk],
        "payment_types": [],
        "terms": "Own-name accounts only.",
        "auto_reply": "Hello",
        "min_kyc_level": "1",
        "min_account_age_days": "7",
        "min_completed_orders": "0",
        "min_completion_rate": "0",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def state(ad: Ad) -> tuple[Any, ...]:
    fresh = Ad.objects.get(pk=ad.pk)
    return (
        fresh.status,
        fresh.total_quantity,
        fresh.remaining_quantity,
        fresh.fixed_price,
        fresh.terms,
        Transfer.objects.count(),
    )


# --- who may use the pages --------------------------------------------------------------------


def test_the_pages_need_a_login(client: Client) -> None:
    response = client.get(reverse("ads:manage"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_someone_who_is_not_a_merchant_gets_a_page_pointing_to_the_application(
    client: Client, s: Setup
) -> None:
    ad = s.ad(Side.SELL)
    stranger = make_user()
    client.force_login(stranger)
    for url in (reverse("ads:manage"), reverse("ads:create")):
        response = client.get(url)
        assert response.status_code == 403
        assert b"Apply to become a merchant" in response.content
        assert b'href="/merchant/apply/"' in response.content
    before = state(ad)
    method = make_payment_method(stranger, s.kind)
    response = client.post(reverse("ads:create"), form_data(s, payment_methods=[method.pk]))
    assert response.status_code == 403
    for name in ("ads:toggle", "ads:close"):
        assert client.post(reverse(name, args=[ad.public_id]), {"to": "online"}).status_code == 403
    assert client.post(reverse("ads:edit", args=[ad.public_id]), form_data(s)).status_code == 403
    assert Ad.objects.count() == 1
    assert state(ad) == before


# --- the list ---------------------------------------------------------------------------------


def test_the_list_shows_each_ad_with_its_price_progress_and_hidden_reason(
    me: Client, s: Setup
) -> None:
    listed = services.ad_go_online(actor=s.user, ad_id=s.ad(Side.SELL).pk)
    thin = s.ad(Side.SELL, total_quantity=Decimal(10), min_order_fiat=Decimal(500))
    services.ad_go_online(actor=s.user, ad_id=thin.pk)
    offline = s.ad(Side.BUY, price_type="floating", margin_percent=Decimal(105))
    closed = s.ad(Side.SELL)
    services.ad_close(actor=s.user, ad_id=closed.pk)
    page = me.get(reverse("ads:manage")).content.decode()
    for ad in (listed, thin, offline, closed):
        assert ad.public_id in page
    assert "On the market" in page
    assert f"Hidden: the remaining 10 {s.asset.symbol} no longer covers the 500 HKD minimum" in page
    assert "105 % of index" in page
    assert "7.8" in page
    assert '<progress class="ads-progress" max="100" value="100"' in page
    assert "100.00 \N{EN DASH} 5,000.00 HKD" in page  # as the market shows limits
    assert page.index(closed.public_id) > page.index(offline.public_id)  # closed ones last
    assert reverse("ads:edit", args=[listed.public_id]) in page
    assert f"/{listed.pk}/" not in page.replace(listed.public_id, "")


def test_another_merchants_ads_are_not_listed(client: Client, s: Setup) -> None:
    ad = s.ad(Side.SELL)
    other = make_merchant()
    client.force_login(other.user)
    response = client.get(reverse("ads:manage"))
    assert response.status_code == 200
    assert ad.public_id not in response.content.decode()
    assert "You have not posted an ad yet" in response.content.decode()


# --- creating ---------------------------------------------------------------------------------


def test_the_form_offers_own_methods_for_selling_and_enabled_types_for_buying(
    me: Client, s: Setup
) -> None:
    page = me.get(reverse("ads:create")).content.decode()
    assert f'name="payment_methods" value="{s.method.pk}"' in page
    assert f'name="payment_types" value="{s.kind.pk}"' in page
    assert "15 minutes" in page
    assert "60 minutes" in page
    someone_elses = make_payment_method(make_user(), s.kind)
    page = me.get(reverse("ads:create")).content.decode()
    assert f'name="payment_methods" value="{someone_elses.pk}"' not in page


def test_a_merchant_posts_an_ad_which_starts_offline(me: Client, s: Setup) -> None:
    response = me.post(reverse("ads:create"), form_data(s))
    assert response.status_code == 302
    assert response["Location"] == reverse("ads:manage")
    ad = Ad.objects.get()
    assert ad.status == AdStatus.OFFLINE
    assert ad.side == Side.SELL
    assert ad.total_quantity == Decimal("120.5")
    assert ad.fixed_price == Decimal("7.81")
    assert ad.min_kyc_level == 1
    assert ad.min_account_age_days == 7
    assert list(ad.payment_methods.all()) == [s.method]
    page = me.get(response["Location"]).content.decode()
    assert f"Ad {ad.public_id} saved" in page


def test_a_buy_ad_with_a_floating_price_from_the_form(me: Client, s: Setup) -> None:
    data = form_data(
        s,
        side="buy",
        price_type="floating",
        fixed_price="",
        margin_percent="98.5",
        payment_methods=[],
        payment_types=[s.kind.pk],
    )
    assert me.post(reverse("ads:create"), data).status_code == 302
    ad = Ad.objects.get()
    assert ad.side == Side.BUY
    assert ad.margin_percent == Decimal("98.5")
    assert list(ad.payment_types.all()) == [s.kind]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"total_quantity": "1.1234567"}, "at most 6 decimals"),
        ({"min_order_fiat": "900", "max_order_fiat": "800"}, "cannot be more than the maximum"),
        ({"payment_methods": []}, "Choose 1 to 5 of your saved payment methods"),
        ({"price_type": "floating", "margin_percent": "130"}, "80 % to 120 %"),
        ({"min_order_fiat": "10.001"}, "HKD amounts have 2 decimals"),
        ({"payment_window_minutes": "20"}, "Select a valid choice"),
        ({"total_quantity": "abc"}, "Enter a number"),
    ],
)
def test_the_form_shows_clear_errors_and_saves_nothing(
    me: Client, s: Setup, change: dict[str, Any], message: str
) -> None:
    response = me.post(reverse("ads:create"), form_data(s, **change))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page.replace("&#x27;", "'")
    assert 'class="form-errors"' in page
    assert not Ad.objects.exists()


def test_a_suspended_merchant_sees_the_refusal_on_the_form(me: Client, s: Setup) -> None:
    s.merchant.status = MerchantStatus.SUSPENDED
    s.merchant.save()
    response = me.post(reverse("ads:create"), form_data(s))
    assert response.status_code == 200
    assert "Your merchant account is suspended" in response.content.decode()
    assert not Ad.objects.exists()


# --- editing ----------------------------------------------------------------------------------


def test_the_edit_form_shows_the_ad_and_saves_changes(me: Client, s: Setup) -> None:
    ad = s.ad(Side.SELL, total_quantity=Decimal(100))
    services.ad_go_online(actor=s.user, ad_id=ad.pk)
    url = reverse("ads:edit", args=[ad.public_id])
    page = me.get(url).content.decode()
    assert 'name="side"' not in page
    assert 'name="asset"' not in page
    assert 'name="payment_types"' not in page
    assert 'value="100"' in page
    assert "7.8" in page
    data = form_data(s, total_quantity="150", fixed_price="7.9", terms="Edited")
    for name in ("side", "asset", "fiat"):
        data.pop(name)
    response = me.post(url, data)
    assert response.status_code == 302
    fresh = Ad.objects.get(pk=ad.pk)
    assert (fresh.total_quantity, fresh.fixed_price, fresh.terms) == (
        Decimal(150),
        Decimal("7.9"),
        "Edited",
    )
    assert fresh.status == AdStatus.ONLINE
    assert s.reserve() == Decimal(150)


def test_editing_below_what_orders_took_is_shown_on_the_quantity(me: Client, s: Setup) -> None:
    ad = s.ad(Side.BUY, total_quantity=Decimal(100))
    services.ad_go_online(actor=s.user, ad_id=ad.pk)
    services.ad_take(ad_id=ad.pk, amount="60")
    data = form_data(s, total_quantity="50", payment_methods=[], payment_types=[s.kind.pk])
    response = me.post(reverse("ads:edit", args=[ad.public_id]), data)
    assert response.status_code == 200
    assert "Orders already took 60" in response.content.decode()
    assert Ad.objects.get(pk=ad.pk).total_quantity == Decimal(100)


def test_a_closed_ad_cannot_be_edited(me: Client, s: Setup) -> None:
    ad = s.ad(Side.SELL)
    services.ad_close(actor=s.user, ad_id=ad.pk)
    response = me.get(reverse("ads:edit", args=[ad.public_id]))
    assert response.status_code == 302


# --- online / offline and close ---------------------------------------------------------------


def test_the_htmx_switch_puts_an_ad_online_and_returns_its_row(me: Client, s: Setup) -> None:
    ad = s.ad(Side.SELL, total_quantity=Decimal(100))
    url = reverse("ads:toggle", args=[ad.public_id])
    response = me.post(url, {"to": "online"}, headers=HTMX)
    assert response.status_code == 200
    row = response.content.decode()
    assert row.strip().startswith(f'<tr id="ad-{ad.public_id}"')
    assert "<html" not in row
    assert "Take offline" in row
    assert "is online" in row
    assert Ad.objects.get(pk=ad.pk).status == AdStatus.ONLINE
    assert s.reserve() == Decimal(100)

    row = me.post(url, {"to": "offline"}, headers=HTMX).content.decode()
    assert "Put online" in row
    assert Ad.objects.get(pk=ad.pk).status == AdStatus.OFFLINE
    assert s.reserve() == 0
    assert s.available() == Decimal(1000)


def test_a_refused_switch_shows_the_reason_in_the_row_and_changes_nothing(
    me: Client, s: Setup
) -> None:
    ad = s.ad(Side.SELL, total_quantity=Decimal(5000))
    before = state(ad)
    row = me.post(reverse("ads:toggle", args=[ad.public_id]), {"to": "online"}, headers=HTMX)
    assert row.status_code == 200
    assert 'role="alert"' in row.content.decode()
    assert "Not enough" in row.content.decode()
    assert state(ad) == before

    restrict_selling(s.user)
    small = s.ad(Side.SELL, total_quantity=Decimal(1))
    response = me.post(reverse("ads:toggle", args=[small.public_id]), {"to": "online"})
    assert response.status_code == 302
    assert "Selling is paused" in me.get(response["Location"]).content.decode()
    assert Ad.objects.get(pk=small.pk).status == AdStatus.OFFLINE


def test_the_switch_without_htmx_redirects_with_a_message(me: Client, s: Setup) -> None:
    ad = s.ad(Side.BUY)
    response = me.post(reverse("ads:toggle", args=[ad.public_id]), {"to": "online"})
    assert response.status_code == 302
    assert f"Ad {ad.public_id} is online" in me.get(response["Location"]).content.decode()


def test_closing_asks_first_then_returns_the_reservation(me: Client, s: Setup) -> None:
    ad = s.ad(Side.SELL, total_quantity=Decimal(100))
    services.ad_go_online(actor=s.user, ad_id=ad.pk)
    url = reverse("ads:close", args=[ad.public_id])
    page = me.get(url).content.decode()
    assert f"Close ad {ad.public_id}?" in page
    assert "100" in page
    assert Ad.objects.get(pk=ad.pk).status == AdStatus.ONLINE
    response = me.post(url)
    assert response.status_code == 302
    assert Ad.objects.get(pk=ad.pk).status == AdStatus.CLOSED
    assert s.reserve() == 0
    assert s.available() == Decimal(1000)
    assert f"Ad {ad.public_id} is closed" in me.get(response["Location"]).content.decode()


# --- another merchant's ads -------------------------------------------------------------------


def test_a_merchant_cannot_touch_another_merchants_ad_through_the_pages(
    client: Client, s: Setup
) -> None:
    ad = s.ad(Side.SELL, total_quantity=Decimal(100))
    services.ad_go_online(actor=s.user, ad_id=ad.pk)
    before = state(ad)
    intruder = make_merchant()
    client.force_login(intruder.user)
    edit = reverse("ads:edit", args=[ad.public_id])
    assert client.get(edit).status_code == 404
    data = form_data(s, total_quantity="1", fixed_price="1")
    assert client.post(edit, data).status_code == 404
    toggle = reverse("ads:toggle", args=[ad.public_id])
    assert client.post(toggle, {"to": "offline"}).status_code == 404
    assert client.post(toggle, {"to": "offline"}, headers=HTMX).status_code == 404
    close = reverse("ads:close", args=[ad.public_id])
    assert client.get(close).status_code == 404
    assert client.post(close).status_code == 404
    assert state(ad) == before
    assert s.reserve() == Decimal(100)


def test_ads_are_named_by_public_id_never_by_database_id(me: Client, s: Setup) -> None:
    ad = s.ad(Side.SELL)
    assert me.get(f"/merchant/ads/{ad.pk}/edit/").status_code == 404
    assert me.get(f"/merchant/ads/{ad.public_id}/edit/").status_code == 200
    assert reverse("ads:edit", args=[ad.public_id]) == f"/merchant/ads/{ad.public_id}/edit/"


def test_switching_an_ad_with_htmx_updates_the_counts_above_the_list(me: Client, s: Setup) -> None:
    first = s.ad(Side.SELL, total_quantity=Decimal(100))
    s.ad(Side.SELL, total_quantity=Decimal(100))
    assert "0 online, 0 on the market now." in me.get(reverse("ads:manage")).content.decode()
    row = me.post(reverse("ads:toggle", args=[first.public_id]), {"to": "online"}, headers=HTMX)
    html = row.content.decode()
    assert 'id="ads-summary" hx-swap-oob="true"' in html
    assert "1 online, 1 on the market now." in html


def test_the_ad_pages_speak_chinese(me: Client, s: Setup) -> None:
    assert me.post(reverse("ads:create"), form_data(s)).status_code == 302
    listing = me.get(reverse("ads:manage"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "我的广告" in listing
    assert "上架" in listing
    form = me.get(reverse("ads:create"), HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert "發布廣告" in form
    assert "付款期限" in form
    refused = me.post(
        reverse("ads:create"), form_data(s, fixed_price="abc"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert "请输入数字。" in refused.content.decode()
