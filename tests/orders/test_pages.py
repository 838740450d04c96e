"""The order pages: the order form and its quote, one order with its actions, the list and the
CSV export. Every write goes through the page, as a person would make it."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from ads.models import Ad, Side
from core.money import format_amount
from escrow import services as ledger
from escrow.models import AccountKind, LedgerAccount
from orders import services
from orders.models import Order, OrderStatus
from tests.ads.factories import make_payment_method
from tests.factories import give_totp, make_user, totp_code, unique

from .factories import FUND_PASSWORD, Market, place

pytestmark = pytest.mark.django_db

ACCOUNT_NUMBER = "HK-012-345678-9"


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
    return market.buyer()


def _page(response) -> str:
    return response.content.decode()


def _form_key(page: str) -> str:
    found = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page)
    assert found is not None, "the order form carries an idempotency key"
    return found.group(1)


def _buyer_balance(user: User, market: Market) -> Decimal:
    account = LedgerAccount.objects.filter(
        owner=user, asset=market.asset, kind=AccountKind.AVAILABLE
    ).first()
    return account.balance if account else Decimal(0)


def make_user_old() -> User:
    user = make_user()
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=30))
    user.refresh_from_db()
    return user


# --- login and strangers ------------------------------------------------------------------------


def test_every_page_needs_a_login(client, ad):
    order = place(make_user_old(), ad)
    urls = [
        reverse("orders:list"),
        reverse("orders:export"),
        reverse("orders:new", args=[ad.public_id]),
        reverse("orders:quote", args=[ad.public_id]),
        reverse("orders:detail", args=[order.public_id]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_a_stranger_gets_404_on_the_order_and_every_action(client, market, ad, buyer):
    order = place(buyer, ad)
    client.force_login(make_user_old())
    assert client.get(reverse("orders:detail", args=[order.public_id])).status_code == 404
    posts = {
        "orders:mark_paid": {"method": market.kind.name},
        "orders:cancel": {"reason": "no", "confirm": "on"},
        "orders:release": {"received": "on", "fund_password": FUND_PASSWORD},
    }
    for name, data in posts.items():
        assert client.post(reverse(name, args=[order.public_id]), data).status_code == 404
    assert client.get(reverse("orders:detail", args=["NOSUCHORDER234"])).status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT


def test_the_form_of_an_unknown_ad_is_404(client, buyer):
    client.force_login(buyer)
    assert client.get(reverse("orders:new", args=["NOSUCHAD"])).status_code == 404


# --- placing an order ------------------------------------------------------------------------


def test_the_order_form_shows_the_ad_in_the_users_words(client, market, ad, buyer):
    client.force_login(buyer)
    page = _page(client.get(reverse("orders:new", args=[ad.public_id])))
    symbol, merchant = market.asset.symbol, market.merchant.display_name
    assert f"You buy {symbol} from {merchant}" in page
    assert "7.80 HKD" in page  # the price, with the currency's minor units
    assert "100.00 \u2013 780.00 HKD" in page  # the maximum is what 100 left covers at 7.80
    assert f"100 {symbol}" in page
    assert "within 15 min" in page
    assert "Pay from an account in your own name." in page  # the terms
    assert market.kind.name in page  # the payment method type, never its details
    assert ACCOUNT_NUMBER not in page
    assert len(_form_key(page)) == 32
    assert f'hx-get="{reverse("orders:quote", args=[ad.public_id])}"' in page


def test_the_form_of_a_buy_ad_says_the_user_sells_and_lists_their_methods(client, market):
    ad = market.online_ad(Side.BUY)
    seller = market.buyer()
    mine = make_payment_method(seller, market.kind)
    client.force_login(seller)
    page = _page(client.get(reverse("orders:new", args=[ad.public_id])))
    assert f"You sell {market.asset.symbol} to {market.merchant.display_name}" in page
    assert f'value="{mine.pk}"' in page
    assert "Where the merchant pays you" in page


def test_posting_the_form_opens_one_order_even_when_submitted_twice(client, market, ad, buyer):
    client.force_login(buyer)
    key = _form_key(_page(client.get(reverse("orders:new", args=[ad.public_id]))))
    data = {"pay_in": "fiat", "amount": "780", "idempotency_key": key}
    first = client.post(reverse("orders:new", args=[ad.public_id]), data)
    order = Order.objects.get()
    assert first.status_code == 302
    assert first["Location"] == reverse("orders:detail", args=[order.public_id])
    again = client.post(reverse("orders:new", args=[ad.public_id]), data)
    assert again["Location"] == first["Location"]
    assert Order.objects.count() == 1
    assert (order.buyer, order.amount, order.fiat_total) == (buyer, 100, Decimal("780.00"))
    assert order.status == OrderStatus.AWAITING_PAYMENT


def test_the_amount_may_be_given_in_crypto(client, market, ad, buyer):
    client.force_login(buyer)
    data = {"pay_in": "crypto", "amount": "20", "idempotency_key": unique("key-crypto-")}
    response = client.post(reverse("orders:new", args=[ad.public_id]), data)
    assert response.status_code == 302
    order = Order.objects.get()
    assert (order.amount, order.fiat_total) == (20, Decimal("156.00"))


def test_selling_on_a_buy_ad_sends_the_chosen_payment_method(client, market):
    ad = market.online_ad(Side.BUY)
    seller = market.buyer()
    mine = make_payment_method(seller, market.kind)
    ledger.deposit(
        owner=seller, asset=market.asset, amount="50", ref="test", idempotency_key=unique("d-")
    )
    client.force_login(seller)
    url = reverse("orders:new", args=[ad.public_id])
    base = {"pay_in": "fiat", "amount": "156", "idempotency_key": unique("key-sell-")}
    refused = client.post(url, base)
    assert "Choose one of your payment methods that this ad accepts." in _page(refused)
    assert not Order.objects.exists()
    response = client.post(url, {**base, "payment_methods": [mine.pk]})
    assert response.status_code == 302
    order = Order.objects.get()
    assert (order.seller, order.buyer, order.amount) == (seller, market.user, 20)
    assert order.seller_payment_details[0]["holder"] == mine.holder_name


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"pay_in": "fiat", "amount": "390"}, ["You pay", "390.00 HKD", "You receive", "50 "]),
        ({"pay_in": "crypto", "amount": "10"}, ["78.00 HKD", "10 "]),
        ({"pay_in": "fiat", "amount": "abc"}, ["Enter the amount as a number."]),
        ({"pay_in": "fiat", "amount": ""}, ["Enter an amount in HKD to see the total."]),
        ({"pay_in": "fiat", "amount": "-5"}, ["The amount must be greater than zero."]),
        ({"pay_in": "crypto", "amount": "1.1234567"}, ["has at most 6 decimal places"]),
        ({"pay_in": "crypto", "amount": "101"}, ["Only 100 "]),
        ({"pay_in": "fiat", "amount": "50"}, ["This ad takes orders from 100.00 to 780.00 HKD."]),
    ],
)
def test_the_quote_fragment(client, ad, buyer, query, expected):
    client.force_login(buyer)
    response = client.get(
        reverse("orders:quote", args=[ad.public_id]), query, headers={"HX-Request": "true"}
    )
    page = _page(response)
    assert response.status_code == 200
    assert "<html" not in page
    for text in expected:
        assert text in page
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("50", "This ad takes orders from 100 to 5000 HKD."),
        ("lots", "Enter the amount as a number."),
    ],
)
def test_a_refused_order_shows_the_reason_on_the_form(client, ad, buyer, amount, message):
    client.force_login(buyer)
    data = {"pay_in": "fiat", "amount": amount, "idempotency_key": unique("key-refused-")}
    response = client.post(reverse("orders:new", args=[ad.public_id]), data)
    page = _page(response)
    assert response.status_code == 200
    assert message in page
    assert f'value="{amount}"' in page  # what the user typed is kept
    assert not Order.objects.exists()


# numbers no amount column can hold: past NUMERIC(38, 18), or past what Decimal reads as finite
OUT_OF_RANGE = ["1e30", "1" * 40, "1e309", "-1e309", "123456789012345678901", "1e-400000"]


@pytest.mark.parametrize("amount", OUT_OF_RANGE)
@pytest.mark.parametrize("pay_in", ["fiat", "crypto"])
def test_an_amount_out_of_range_gets_a_message_on_the_quote_and_the_form(
    client, ad, buyer, amount, pay_in
):
    client.force_login(buyer)
    quote = client.get(
        reverse("orders:quote", args=[ad.public_id]),
        {"pay_in": pay_in, "amount": amount},
        headers={"HX-Request": "true"},
    )
    assert quote.status_code == 200
    assert "<html" not in _page(quote)
    data = {"pay_in": pay_in, "amount": amount, "idempotency_key": unique("key-range-")}
    response = client.post(reverse("orders:new", args=[ad.public_id]), data)
    assert response.status_code == 200
    page = _page(response)
    assert "too large" in page or "greater than zero" in page or "decimal places" in page
    assert not Order.objects.exists()


def test_a_form_without_its_key_asks_for_a_reload(client, ad, buyer):
    client.force_login(buyer)
    data = {"pay_in": "fiat", "amount": "200"}
    page = _page(client.post(reverse("orders:new", args=[ad.public_id]), data))
    assert "The order form has expired; reload the page and try again." in page
    assert not Order.objects.exists()


def test_the_merchant_cannot_order_on_their_own_ad(client, market, ad):
    client.force_login(market.user)
    url = reverse("orders:new", args=[ad.public_id])
    assert "This is your own ad" in _page(client.get(url))
    data = {"pay_in": "fiat", "amount": "200", "idempotency_key": unique("key-own-")}
    page = _page(client.post(url, data))
    assert "This is your own ad." in page
    assert not Order.objects.exists()


def test_an_offline_ad_says_it_is_not_available(client, market, buyer):
    ad = market.ad()  # created, never put online
    client.force_login(buyer)
    page = _page(client.get(reverse("orders:new", args=[ad.public_id])))
    assert "This ad is not available right now." in page
    assert "idempotency_key" not in page


# --- one order ---------------------------------------------------------------------------------


def test_the_buyer_sees_where_to_pay_and_the_countdown(client, market, ad, buyer):
    order = place(buyer, ad)
    client.force_login(buyer)
    page = _page(client.get(reverse("orders:detail", args=[order.public_id])))
    assert "Pay 780.00 HKD to the seller" in page
    assert "Pay to" in page
    assert ACCOUNT_NUMBER in page
    assert "Test Holder" in page
    assert order.pay_by is not None
    deadline = order.pay_by.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert f'data-deadline="{deadline}"' in page
    assert "I have paid" in page
    assert "Cancel order" in page
    assert "Release to the buyer" not in page
    assert "Pay from an account in your own name." in page  # the ad's terms
    assert "System" in page
    assert "Awaiting payment" in page
    assert market.user.email not in page
    assert market.merchant.display_name in page


def test_the_seller_does_not_see_the_details_as_pay_to_and_cannot_mark_paid(
    client, market, ad, buyer
):
    order = place(buyer, ad)
    client.force_login(market.user)
    page = _page(client.get(reverse("orders:detail", args=[order.public_id])))
    assert "Waiting for the buyer to pay 780.00 HKD" in page
    assert buyer.email not in page  # the other party is named, never by their email
    assert "Pay to" not in page
    assert ACCOUNT_NUMBER not in page
    assert "I have paid" not in page
    assert "Cancel order" not in page
    response = client.post(
        reverse("orders:mark_paid", args=[order.public_id]), {"method": market.kind.name}
    )
    assert response.status_code == 200
    assert "Only the buyer can mark an order paid." in _page(response)
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT


def test_time_up_is_said_once_the_deadline_has_passed(client, ad, buyer):
    order = place(buyer, ad)
    Order.objects.filter(pk=order.pk).update(pay_by=timezone.now() - timedelta(seconds=5))
    client.force_login(buyer)
    page = _page(client.get(reverse("orders:detail", args=[order.public_id])))
    assert "Time is up: the order is being canceled" in page


def test_a_held_order_tells_the_taker_it_is_under_review(client, settings, ad):
    settings.RISK_NEW_ACCOUNT_MAX_FIAT = {"HKD": "100"}
    newcomer = make_user()  # joined today
    order = place(newcomer, ad, fiat="200")
    assert order.status == OrderStatus.PENDING
    assert order.review_reason
    client.force_login(newcomer)
    page = _page(client.get(reverse("orders:detail", args=[order.public_id])))
    assert "Your order is being reviewed by our team" in page
    assert "Pay to" not in page
    assert ACCOUNT_NUMBER not in page
    assert "I have paid" not in page
    assert "Withdraw this order" in page
    seller = Client()
    seller.force_login(order.seller)
    seller_page = _page(seller.get(reverse("orders:detail", args=[order.public_id])))
    assert "Withdraw this order" not in seller_page
    withdrawn = client.post(
        reverse("orders:cancel", args=[order.public_id]),
        {"reason": "Not needed any more", "confirm": "on"},
        follow=True,
    )
    assert withdrawn.status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELED
    assert order.hold_id is None


def test_the_buyer_marks_paid_through_the_page(client, market, ad, buyer):
    order = place(buyer, ad)
    client.force_login(buyer)
    url = reverse("orders:mark_paid", args=[order.public_id])
    missing = client.post(url, {"method": ""})
    assert "Say which payment method you used." in _page(missing)
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    response = client.post(url, {"method": market.kind.name, "note": "from HSBC 1234"}, follow=True)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.paid_note == "from HSBC 1234"
    page = _page(response)
    assert "Waiting for the seller to release" in page
    assert "I have paid" not in page
    again = client.post(url, {"method": market.kind.name})
    assert "This order is paid, awaiting release." in _page(again)  # said at the top


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def test_proofs_are_uploaded_with_mark_paid_and_shown_to_the_parties_only(
    client, settings, tmp_path, market, ad, buyer
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    order = place(buyer, ad)
    client.force_login(buyer)
    url = reverse("orders:mark_paid", args=[order.public_id])
    fake = SimpleUploadedFile("a.png", b"<html>not an image</html>", content_type="image/png")
    refused = client.post(url, {"method": market.kind.name, "proofs": [fake]})
    assert refused.status_code == 200
    assert "a.png" in _page(refused)
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert not order.proofs.exists()

    good = SimpleUploadedFile("transfer.png", _png(), content_type="image/png")
    client.post(url, {"method": market.kind.name, "proofs": [good]})
    order.refresh_from_db()
    proof = order.proofs.get()
    assert order.status == OrderStatus.PAID
    proof_url = reverse("orders:proof", args=[order.public_id, proof.pk])
    client.force_login(market.user)
    assert proof_url in _page(client.get(reverse("orders:detail", args=[order.public_id])))
    image = client.get(proof_url)
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert image["Cache-Control"] == "private, no-store"
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")
    client.force_login(make_user_old())
    assert client.get(proof_url).status_code == 404


def test_the_buyer_cancels_through_the_page(client, market, ad, buyer):
    order = place(buyer, ad)
    client.force_login(buyer)
    url = reverse("orders:cancel", args=[order.public_id])
    unconfirmed = client.post(url, {"reason": "Changed my mind"})
    assert "Tick the box to confirm that you have not paid." in _page(unconfirmed)
    no_reason = client.post(url, {"reason": "", "confirm": "on"})
    assert "Give a reason for canceling." in _page(no_reason)
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    response = client.post(url, {"reason": "Changed my mind", "confirm": "on"}, follow=True)
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELED
    page = _page(response)
    assert "Canceled by the buyer: Changed my mind" in page
    ad.refresh_from_db()
    assert ad.remaining_quantity == 100


def test_the_seller_releases_with_the_fund_password(client, market, ad, buyer):
    seller = market.seller_with_fund_password()
    order = place(buyer, ad)
    services.order_mark_paid(actor=buyer, public_id=order.public_id, method=market.kind.name)
    client.force_login(seller)
    detail = _page(client.get(reverse("orders:detail", args=[order.public_id])))
    assert "Check your bank or payment app first." in detail
    assert "Two-factor code" not in detail
    url = reverse("orders:release", args=[order.public_id])

    wrong = client.post(url, {"received": "on", "fund_password": "Not-The-Password-1"})
    assert wrong.status_code == 200
    assert "Wrong fund password" in _page(wrong)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert _buyer_balance(buyer, market) == 0

    unchecked = client.post(url, {"fund_password": FUND_PASSWORD})
    assert "Check your account first" in _page(unchecked)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID

    response = client.post(url, {"received": "on", "fund_password": FUND_PASSWORD}, follow=True)
    order.refresh_from_db()
    assert order.status == OrderStatus.RELEASED
    assert _buyer_balance(buyer, market) == 100
    assert "Completed" in _page(response)


def test_a_seller_with_two_factor_needs_the_code(client, market, ad, buyer):
    seller = market.seller_with_fund_password()
    give_totp(seller)
    order = place(buyer, ad)
    services.order_mark_paid(actor=buyer, public_id=order.public_id, method=market.kind.name)
    client.force_login(seller)
    assert "Two-factor code" in _page(client.get(reverse("orders:detail", args=[order.public_id])))
    url = reverse("orders:release", args=[order.public_id])
    missing = client.post(url, {"received": "on", "fund_password": FUND_PASSWORD})
    assert "Enter the 6 digits from your authenticator app." in _page(missing)
    wrong_code = "000000" if totp_code() != "000000" else "111111"
    wrong = client.post(
        url, {"received": "on", "fund_password": FUND_PASSWORD, "totp_code": wrong_code}
    )
    assert "Wrong or already used two-factor code" in _page(wrong)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    client.post(url, {"received": "on", "fund_password": FUND_PASSWORD, "totp_code": totp_code()})
    order.refresh_from_db()
    assert order.status == OrderStatus.RELEASED


# --- the list and the export ---------------------------------------------------------------


@pytest.fixture
def history(market, ad):
    """`user` bought on two markets (one canceled) and sold on a buy ad of the first."""
    other = Market()
    other_ad = other.online_ad(total_quantity=Decimal(100))
    user = market.buyer()
    bought = place(user, ad, fiat="780")
    canceled = place(user, other_ad, fiat="156")
    services.order_cancel(actor=user, public_id=canceled.public_id, reason="test")
    buy_ad = market.online_ad(Side.BUY)
    mine = make_payment_method(user, market.kind)
    ledger.deposit(
        owner=user, asset=market.asset, amount="50", ref="test", idempotency_key=unique("d-")
    )
    sold = place(user, buy_ad, fiat="390", payment_method_ids=[mine.pk])
    return {"user": user, "bought": bought, "canceled": canceled, "sold": sold, "other": other}


def _listed(response) -> list[str]:
    return re.findall(r'data-order="([A-Z0-9]+)"', _page(response))


def test_the_list_shows_the_users_orders_newest_first(client, history):
    client.force_login(history["user"])
    listed = _listed(client.get(reverse("orders:list")))
    ids = [history[name].public_id for name in ("sold", "canceled", "bought")]
    assert listed == ids


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"side": "bought"}, ["canceled", "bought"]),
        ({"side": "sold"}, ["sold"]),
        ({"status": "canceled"}, ["canceled"]),
        ({"status": "awaiting_payment", "side": "bought"}, ["bought"]),
        ({"asset": "OTHER"}, ["canceled"]),
        ({"date_from": "2000-01-01", "date_to": "2000-01-31"}, []),
        ({"date_from": "TODAY", "date_to": "TODAY"}, ["sold", "canceled", "bought"]),
    ],
)
def test_the_list_filters(client, history, query, expected):
    today = timezone.now().date().isoformat()
    symbol = history["other"].asset.symbol
    params = {
        key: (symbol if value == "OTHER" else today if value == "TODAY" else value)
        for key, value in query.items()
    }
    client.force_login(history["user"])
    response = client.get(reverse("orders:list"), params)
    assert _listed(response) == [history[name].public_id for name in expected]
    fragment = client.get(reverse("orders:list"), params, headers={"HX-Request": "true"})
    assert _listed(fragment) == _listed(response)
    assert "<html" not in _page(fragment)


def test_the_list_is_paginated(client, history, monkeypatch):
    monkeypatch.setattr("orders.views.orders.ORDERS_PAGE_SIZE", 2)
    client.force_login(history["user"])
    first = client.get(reverse("orders:list"))
    assert "Page 1 of 2" in _page(first)
    assert len(_listed(first)) == 2
    second = client.get(reverse("orders:list"), {"page": 2})
    assert _listed(second) == [history["bought"].public_id]


def test_another_users_orders_are_not_listed(client, history):
    client.force_login(make_user_old())
    assert _listed(client.get(reverse("orders:list"))) == []


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_export_has_the_filtered_rows_with_decimal_text(client, market, history):
    user, bought = history["user"], history["bought"]
    market.seller_with_fund_password()
    services.order_mark_paid(actor=user, public_id=bought.public_id, method="FPS")
    services.order_release(
        actor=bought.seller, public_id=bought.public_id, fund_password=FUND_PASSWORD
    )
    bought.refresh_from_db()
    client.force_login(user)
    response = client.get(reverse("orders:export"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0] == [
        "public_id",
        "created",
        "side",
        "asset",
        "amount",
        "fiat",
        "price",
        "total",
        "status",
        "counterparty",
        "fee",
        "paid",
        "released",
    ]
    by_id = {row[0]: row for row in rows[1:]}
    assert len(by_id) == 3
    assert bought.paid_at is not None
    assert bought.released_at is not None
    assert by_id[bought.public_id][2:] == [
        "bought",
        market.asset.symbol,
        "100",
        "HKD",
        "7.80",
        "780.00",
        "released",
        bought.ad.merchant.display_name,
        format_amount(bought.fee),
        bought.paid_at.isoformat(),
        bought.released_at.isoformat(),
    ]
    sold = by_id[history["sold"].public_id]
    assert sold[2:] == [
        "sold",
        market.asset.symbol,
        "50",
        "HKD",
        "7.80",
        "390.00",
        "awaiting_payment",
        history["sold"].ad.merchant.display_name,
        format_amount(history["sold"].fee),
        "",
        "",
    ]
    filtered = _csv(client.get(reverse("orders:export"), {"side": "sold"}))
    assert [row[0] for row in filtered[1:]] == [history["sold"].public_id]
