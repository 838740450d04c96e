"""What the order page does to keep a trade safe and usable: the buyer's verified name for the
seller, copyable account details for the buyer, a held order's review time, and the page read
by a screen reader."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.models.kyc import KycSubmission
from ads.models import Ad
from orders.models import Order, OrderStatus
from tests.factories import make_user

from .factories import Market, place

pytestmark = pytest.mark.django_db

ACCOUNT_NUMBER = "HK-012-345678-9"
LEGAL_NAME = "Chan Tai Man"


@pytest.fixture
def market(settings) -> Market:
    settings.MAKER_FEE_RATES = {}
    found = Market()
    found.method.details = {"account": ACCOUNT_NUMBER}
    found.method.save(update_fields=["details"])
    return found


@pytest.fixture
def ad(market: Market) -> Ad:
    return market.online_ad(total_quantity=Decimal(100))


@pytest.fixture
def buyer(market: Market) -> User:
    user = market.buyer()
    KycSubmission.objects.create(user=user, level=1, status="approved", legal_name=LEGAL_NAME)
    return user


def _page(client: Client, order: Order) -> str:
    return client.get(reverse("orders:detail", args=[order.public_id])).content.decode()


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _mark_paid(buyer: User, order: Order, market: Market, holder: str) -> None:
    response = _as(buyer).post(
        reverse("orders:mark_paid", args=[order.public_id]),
        {"method": market.kind.name, "paid_from_name": holder},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


# --- the buyer's verified name ------------------------------------------------------------------


def test_the_seller_sees_the_buyers_verified_name_and_the_buyer_and_a_stranger_do_not(
    market, ad, buyer
):
    order = place(buyer, ad)
    seller_page = _page(_as(market.user), order)
    assert "The buyer\u2019s verified name" in seller_page
    assert LEGAL_NAME in seller_page
    assert "Check that the payment came from an account in this name." in seller_page

    buyer_page = _page(_as(buyer), order)
    assert "The buyer\u2019s verified name" not in buyer_page
    assert LEGAL_NAME not in buyer_page

    stranger = _as(make_user())
    response = stranger.get(reverse("orders:detail", args=[order.public_id]))
    assert response.status_code == 404
    assert LEGAL_NAME not in response.content.decode()


def test_the_seller_is_told_when_the_paying_account_holder_matches(market, ad, buyer):
    order = place(buyer, ad)
    _mark_paid(buyer, order, market, "  chan   TAI man ")
    page = _page(_as(market.user), order)
    assert 'data-name-check="match"' in page
    assert "this matches the verified name" in page
    assert "does not match" not in page
    assert LEGAL_NAME not in _page(_as(buyer), order)


def test_the_seller_is_warned_when_the_paying_account_holder_does_not_match(market, ad, buyer):
    order = place(buyer, ad)
    _mark_paid(buyer, order, market, "Wong Siu Ming")
    page = _page(_as(market.user), order)
    assert 'data-name-check="mismatch"' in page
    assert "“Wong Siu Ming”: this does not match the verified name" in page
    assert "this matches the verified name" not in page


def test_no_holder_stated_means_no_verdict(market, ad, buyer):
    order = place(buyer, ad)
    _mark_paid(buyer, order, market, "")
    page = _page(_as(market.user), order)
    assert LEGAL_NAME in page
    assert "data-name-check" not in page


# --- the pay-to card ----------------------------------------------------------------------------


def test_every_account_detail_has_its_own_copy_button(market, ad, buyer):
    order = place(buyer, ad)
    page = _page(_as(buyer), order)
    card = page[page.index('class="card order-pay-to"') :]
    card = card[: card.index("</section>")]
    buttons = re.findall(r"<button[^>]*>", card)
    assert len(buttons) == 2  # the holder and the account number
    for button in buttons:
        assert 'type="button"' in button
        assert 'aria-label="Copy' in button
        target = re.search(r'data-copy-target="([^"]+)"', button)
        assert target is not None
        assert f'id="{target.group(1)}"' in card
    number = re.search(
        r'<span class="ref order-account__value order-account__number" id="[^"]+">'
        r"([^<]+)</span>",
        card,
    )
    assert number is not None
    assert number.group(1) == ACCOUNT_NUMBER
    assert 'data-copy-done="Copied"' in card
    assert "data-copy-status" in card
    assert 'aria-live="polite"' in card


# --- a held order -------------------------------------------------------------------------------


def test_a_held_order_says_by_when_it_is_reviewed_without_the_rule(client, settings, ad):
    settings.RISK_NEW_ACCOUNT_MAX_FIAT = {"HKD": "100"}
    settings.ORDER_REVIEW_HOURS = 3
    newcomer = make_user()  # joined today: the new-account rule holds the order
    order = place(newcomer, ad, fiat="200")
    assert order.status == OrderStatus.PENDING
    assert order.review_reason
    client.force_login(newcomer)
    page = _page(client, order)
    due = (order.created_at + timedelta(hours=3)).strftime("%Y-%m-%d %H:%M")
    assert "Your order is being reviewed by our team" in page
    assert "within 3 hours" in page
    assert f"{due} UTC" in page
    assert order.review_reason not in page
    assert "100" not in re.sub(r"<[^>]+>", "", page.split('class="order-banner')[1][:2000])
    assert "Withdraw this order" in page
    assert 'action="{}"'.format(reverse("orders:cancel", args=[order.public_id])) in page


def test_the_review_time_has_a_default(client, settings, ad):
    settings.RISK_NEW_ACCOUNT_MAX_FIAT = {"HKD": "100"}
    newcomer = make_user()
    order = place(newcomer, ad, fiat="200")
    client.force_login(newcomer)
    assert "within 2 hours" in _page(client, order)


# --- screen readers -----------------------------------------------------------------------------


def test_the_countdown_ticks_out_of_hearing_and_is_spoken_politely(market, ad, buyer):
    order = place(buyer, ad)
    page = _page(_as(buyer), order)
    assert re.search(r"<strong data-countdown-clock aria-hidden=\"true\">", page)
    spoken = re.search(r"<p [^>]*data-countdown-spoken[^>]*>", page)
    assert spoken is not None
    assert 'aria-live="polite"' in spoken.group(0)
    assert "visually-hidden" in spoken.group(0)
    assert 'data-minutes-left="About {n} minutes left to pay."' in page


def test_the_chat_is_a_polite_log_and_its_fields_are_labelled(market, ad, buyer):
    order = place(buyer, ad)
    page = _page(_as(buyer), order)
    chat_log = re.search(r"<div [^>]*data-chat-log[^>]*>\s*<ol [^>]*data-chat-list", page)
    assert chat_log is not None
    assert 'role="log"' in chat_log.group(0)
    assert 'aria-live="polite"' in chat_log.group(0)
    assert '<label for="chat-body"' in page
    assert 'for="chat-image"' in page
    assert 'id="chat-image"' in page
    # every field of the paid form has a label
    for name in ("method", "paid_from_name", "note", "proofs"):
        assert f'<label for="id_{name}">' in page


def test_a_field_error_is_tied_to_its_field(market, ad, buyer):
    order = place(buyer, ad)
    client = _as(buyer)
    response = client.post(reverse("orders:mark_paid", args=[order.public_id]), {"method": ""})
    page = response.content.decode()
    select = re.search(r'<select name="method"[^>]*>', page)
    assert select is not None
    assert 'aria-invalid="true"' in select.group(0)
    assert 'aria-describedby="id_method_error"' in select.group(0)
    assert 'id="id_method_error"' in page
    assert "Say which payment method you used." in page


# --- languages ----------------------------------------------------------------------------------


def test_the_order_page_speaks_simplified_chinese(market, ad, buyer):
    order = place(buyer, ad)
    client = _as(market.user)
    url = reverse("orders:detail", args=[order.public_id])
    page = client.get(url, headers={"accept-language": "zh-hans"}).content.decode()
    assert "买家的认证姓名" in page
    assert "等待买家支付 780.00 HKD" in page
    assert "等待付款" in page  # the state label
    buyer_page = _as(buyer).get(url, headers={"accept-language": "zh-hant"}).content.decode()
    assert "付款至" in buyer_page
    assert 'data-copy-done="已複製"' in buyer_page
    assert 'data-t-connecting="連線中…"' in buyer_page  # the chat script's words


def test_the_seller_is_told_of_the_payment_in_their_own_language(market, ad, buyer):
    from accounts.models import Notification

    User.objects.filter(pk=market.user.pk).update(language="zh-hant")
    order = place(buyer, ad)
    _mark_paid(buyer, order, market, LEGAL_NAME)  # the buyer's request speaks English
    notice = Notification.objects.filter(user=market.user, kind="order.paid").get()
    assert notice.title == f"訂單 {order.public_id} 已付款\uff1a請查看您的帳戶\uff0c然後放幣"
    assert "買家稱已透過" in notice.body


def test_the_chat_history_speaks_the_pages_language(market, ad, buyer):
    from orders.selectors import chat_history_payload

    order = place(buyer, ad)
    history = chat_history_payload(user=buyer, public_id=order.public_id, language="zh-hans")
    assert history is not None
    messages = history["messages"]
    assert isinstance(messages, list)
    system = [m["body"] for m in messages if m["kind"] == "system"]
    assert "已下单" in system
    page = _as(buyer).get(
        reverse("orders:detail", args=[order.public_id]), headers={"accept-language": "zh-hans"}
    )
    assert "托管已冻结\uff0c等待付款" in page.content.decode()  # the same note, drawn by the page
