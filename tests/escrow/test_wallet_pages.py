"""The wallet page: balances and the fund statement, as the owner sees them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from escrow import services
from tests.factories import funded_account, make_asset, make_user

pytestmark = pytest.mark.django_db
WALLET = reverse("escrow:wallet")


@pytest.fixture
def alice(client):
    user = make_user(email="alice@example.test")
    client.force_login(user)
    return user


def rows(response):
    return [(line.direction, line.signed_amount) for line in response.context["lines"]]


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(WALLET)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_wallet_shows_available_frozen_and_total(client, alice):
    usdt = make_asset(symbol="WUSDT")
    mine = funded_account(alice, usdt, "100")
    other = services.account_for(owner=make_user(), asset=usdt)
    services.hold_open(
        debit=mine, credit=other, amount="30", kind="trade", ref="order:1", idempotency_key="h"
    )
    response = client.get(WALLET)
    assert response.status_code == 200
    line = next(w for w in response.context["wallet"] if w.asset.symbol == "WUSDT")
    assert (line.available, line.frozen, line.total) == (70, 30, 100)
    html = response.content.decode()
    assert "WUSDT" in html
    assert ">70<" in html.replace(" ", "")


def test_statement_lists_only_my_flows_with_direction(client, alice):
    usdt = make_asset(symbol="SUSDT")
    mine = funded_account(alice, usdt, "10")
    bob = make_user()
    bobs = funded_account(bob, usdt, "99")
    hold = services.hold_open(
        debit=mine, credit=bobs, amount="4", kind="trade", ref="order:2", idempotency_key="h"
    )
    response = client.get(WALLET)
    assert rows(response) == [("frozen", 4), ("in", 10)]
    services.hold_post(hold_id=hold.pk, idempotency_key="p")
    assert rows(client.get(WALLET)) == [("out", -4), ("in", 10)]
    client.force_login(bob)
    assert rows(client.get(WALLET)) == [("in", 4), ("in", 99)]


def test_an_open_hold_is_pending_for_the_receiver_never_received(client, alice):
    """A statement never shows money its owner does not have: until the hold is released the
    receiving side reads it as pending, with the balance unchanged; a returned hold leaves no
    line on that side at all."""
    usdt = make_asset(symbol="PUSDT")
    seller = make_user()
    sellers = funded_account(seller, usdt, "50")
    mine = services.account_for(owner=alice, asset=usdt)
    open_hold = services.hold_open(
        debit=sellers, credit=mine, amount="20", kind="trade", ref="order:7", idempotency_key="o"
    )
    response = client.get(WALLET)
    assert rows(response) == [("pending", 20)]
    html = response.content.decode()
    assert "Pending" in html
    assert "Received" not in html
    line = next(w for w in response.context["wallet"] if w.asset.symbol == "PUSDT")
    assert (line.available, line.frozen, line.total) == (0, 0, 0)

    services.hold_void(hold_id=open_hold.pk, idempotency_key="v")
    assert rows(client.get(WALLET)) == []
    released = services.hold_open(
        debit=sellers, credit=mine, amount="5", kind="trade", ref="order:8", idempotency_key="r"
    )
    services.hold_post(hold_id=released.pk, idempotency_key="rp")
    assert rows(client.get(WALLET)) == [("in", 5)]


def test_statement_filters_by_asset_kind_and_date(client, alice):
    usdt, btc = make_asset(symbol="FUSDT"), make_asset(symbol="FBTC", precision=8)
    mine = funded_account(alice, usdt, "10")
    funded_account(alice, btc, "0.5")
    reserve = services.account_for(owner=alice, asset=usdt, kind="ad_reserve")
    services.transfer(
        debit=mine, credit=reserve, amount="3", kind="ad_reserve", idempotency_key="r"
    )
    assert len(rows(client.get(WALLET))) == 3
    assert rows(client.get(WALLET, {"asset": "FBTC"})) == [("in", 0.5)]
    assert rows(client.get(WALLET, {"kind": "ad_reserve"})) == [("moved", 3)]
    today = timezone.localdate()
    assert len(rows(client.get(WALLET, {"date_from": today.isoformat()}))) == 3
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert rows(client.get(WALLET, {"date_from": tomorrow})) == []


def test_bad_filters_get_a_message_not_an_error(client, alice):
    response = client.get(WALLET, {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert response.status_code == 200
    assert "The start date must not be after the end date." in response.content.decode()
    response = client.get(WALLET, {"date_from": "not-a-date", "asset": "NOPE", "page": "x"})
    assert response.status_code == 200


def test_statement_is_paginated_and_htmx_gets_the_fragment(client, alice):
    usdt = make_asset(symbol="PUSDT")
    for i in range(30):
        services.deposit(owner=alice, asset=usdt, amount="1", ref="d", idempotency_key=f"d{i}")
    first = client.get(WALLET)
    assert len(first.context["lines"]) == 25
    second = client.get(WALLET, {"page": 2}, HTTP_HX_REQUEST="true")
    assert len(second.context["lines"]) == 5
    assert "<html" not in second.content.decode()
    assert "Page 2 of 2" in second.content.decode()


def test_wallet_figures_are_separated_and_the_page_speaks_chinese(client, alice):
    asset = make_asset(symbol="WBIG", precision=2)
    funded_account(alice, asset, "12345.5")
    page = client.get(WALLET, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "12,345.5" in page  # balance and statement line, grouped, trailing zeros trimmed
    assert "12345.500000000000000000" not in page
    assert "钱包" in page
    assert "可用" in page
    assert "充值" in page  # the statement's kind
    traditional = client.get(WALLET, HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert "錢包" in traditional
    assert "存入" in traditional
