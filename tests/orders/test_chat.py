"""The order chat: who may post and read, when it closes, the rate limit, the system notes of
every transition, and the socket (a party hears the other; anyone else is closed with 4403)."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.test import Client

from accounts.models import User
from orders import selectors as order_selectors
from orders import services
from orders import services as order_services
from orders.models import ChatMessage, ChatMessageKind, Order, OrderStatus
from orders.services import live
from otc.asgi import application
from tests.factories import make_user

from .factories import FUND_PASSWORD, Market, place


@pytest.fixture
def market(settings):
    settings.MAKER_FEE_RATES = {}
    return Market()


@pytest.fixture
def trade(market) -> tuple[Order, User, User]:
    """An order awaiting payment: (order, buyer, seller)."""
    market.seller_with_fund_password()
    ad = market.online_ad(total_quantity=Decimal(100))
    buyer = market.buyer()
    order = place(buyer, ad, fiat="780")
    return order, buyer, market.user


def bodies(order: Order) -> list[tuple[str, str]]:
    return list(ChatMessage.objects.filter(order=order).values_list("kind", "body"))


# --- posting -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_buyer_and_seller_post_and_it_is_stored_then_broadcast(
    trade, monkeypatch, django_capture_on_commit_callbacks
):
    order, buyer, seller = trade
    sent: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(live, "broadcast", lambda public_id, event: sent.append((public_id, event)))
    with django_capture_on_commit_callbacks(execute=True):
        first = order_services.chat_post(
            actor=buyer, public_id=order.public_id, body="  Paying now  "
        )
    with django_capture_on_commit_callbacks(execute=True):
        second = order_services.chat_post(
            actor=seller, public_id=order.public_id, body="OK, waiting"
        )
    assert (first.sender_id, first.kind, first.body) == (buyer.pk, "text", "Paying now")
    assert second.sender_id == seller.pk
    history = order_selectors.chat_history(user=buyer, public_id=order.public_id)
    assert [m.body for m in history][-2:] == ["Paying now", "OK, waiting"]
    assert [(p, e["type"], e["sender_role"], e["body"]) for p, e in sent] == [
        (order.public_id, "chat.message", "buyer", "Paying now"),
        (order.public_id, "chat.message", "seller", "OK, waiting"),
    ]


@pytest.mark.django_db
def test_a_stranger_cannot_post_or_read(trade):
    order, buyer, _ = trade
    stranger = make_user()
    before = bodies(order)
    with pytest.raises(order_services.ChatNotFound):
        order_services.chat_post(actor=stranger, public_id=order.public_id, body="hello")
    assert bodies(order) == before
    assert order_selectors.chat_history(user=stranger, public_id=order.public_id) == []
    assert order_selectors.chat_history(user=buyer, public_id=order.public_id) != []
    assert not order_selectors.is_party(user=stranger, public_id=order.public_id)
    with pytest.raises(order_services.ChatNotFound):
        order_services.chat_post(actor=buyer, public_id="NOSUCHORDER", body="hello")


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["", "   \n ", "x" * 2001, None, 42])
def test_empty_or_too_long_messages_are_refused(trade, body):
    order, buyer, _ = trade
    before = bodies(order)
    with pytest.raises(order_services.ChatError):
        order_services.chat_post(actor=buyer, public_id=order.public_id, body=body)
    assert bodies(order) == before


@pytest.mark.django_db
def test_two_thousand_characters_is_the_limit(trade):
    order, buyer, _ = trade
    message = order_services.chat_post(actor=buyer, public_id=order.public_id, body="x" * 2000)
    assert len(message.body) == 2000


@pytest.mark.django_db
def test_the_chat_closes_with_the_order(trade):
    order, buyer, seller = trade
    services.order_cancel(actor=buyer, public_id=order.public_id, reason="changed my mind")
    before = bodies(order)
    for user in (buyer, seller):
        with pytest.raises(order_services.ChatClosed, match="The chat is closed"):
            order_services.chat_post(actor=user, public_id=order.public_id, body="still there?")
    assert bodies(order) == before


@pytest.mark.django_db
def test_the_chat_is_closed_after_release(trade):
    order, buyer, seller = trade
    services.order_mark_paid(actor=buyer, public_id=order.public_id, method="Bank")
    services.order_release(actor=seller, public_id=order.public_id, fund_password=FUND_PASSWORD)
    with pytest.raises(order_services.ChatClosed, match="The chat is closed"):
        order_services.chat_post(actor=buyer, public_id=order.public_id, body="thanks")


@pytest.mark.django_db
def test_posting_is_rate_limited_per_user(trade):
    order, buyer, seller = trade
    for n in range(order_services.CHAT_RATE_LIMIT):
        order_services.chat_post(actor=buyer, public_id=order.public_id, body=f"message {n}")
    with pytest.raises(order_services.ChatRateLimited, match="too fast"):
        order_services.chat_post(actor=buyer, public_id=order.public_id, body="one more")
    texts = [b for k, b in bodies(order) if b.startswith("message") or b == "one more"]
    assert len(texts) == order_services.CHAT_RATE_LIMIT
    # the other party has their own allowance
    order_services.chat_post(actor=seller, public_id=order.public_id, body="fine")


# --- system messages ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_placing_writes_a_note_then_the_merchants_auto_reply(trade, market):
    order, buyer, seller = trade
    history = order_selectors.chat_history(user=buyer, public_id=order.public_id)
    assert [(m.kind, m.sender_id, m.body) for m in history] == [
        ("system", None, "Order placed"),
        ("text", seller.pk, order.ad.auto_reply),
    ]
    # the auto-reply is the first message from a person, before anything the parties write
    order_services.chat_post(actor=buyer, public_id=order.public_id, body="hi")
    texts = [
        m
        for m in order_selectors.chat_history(user=buyer, public_id=order.public_id)
        if m.kind == "text"
    ]
    assert texts[0].body == order.ad.auto_reply
    assert texts[0].sender_id == seller.pk


@pytest.mark.django_db
def test_an_ad_without_auto_reply_writes_only_the_note(market):
    ad = market.online_ad(total_quantity=Decimal(100), auto_reply="")
    order = place(market.buyer(), ad, fiat="780")
    assert bodies(order) == [("system", "Order placed")]


@pytest.mark.django_db
def test_every_transition_writes_a_system_message(trade, market):
    order, buyer, seller = trade
    services.order_mark_paid(actor=buyer, public_id=order.public_id, method="Bank")
    services.order_release(actor=seller, public_id=order.public_id, fund_password=FUND_PASSWORD)
    system = [b for k, b in bodies(order) if k == ChatMessageKind.SYSTEM]
    assert system == ["Order placed", "Buyer marked the order as paid", "Released by the seller"]

    other = place(market.buyer(), market.online_ad(total_quantity=Decimal(100)), fiat="780")
    services.order_cancel(actor=other.buyer, public_id=other.public_id, reason="wrong amount")
    assert bodies(other)[-1] == ("system", "Canceled by the buyer: wrong amount")


@pytest.mark.django_db
def test_expiry_writes_a_canceled_note(trade):
    order, _, _ = trade
    Order.objects.filter(pk=order.pk).update(pay_by=order.created_at)
    assert services.order_expire(public_id=order.public_id)
    assert bodies(order)[-1] == ("system", "Canceled: Not paid within the payment window")


@pytest.mark.django_db
def test_a_refused_transition_writes_nothing(trade):
    order, _, seller = trade
    before = bodies(order)
    with pytest.raises(services.OrderError):
        services.order_release(actor=seller, public_id=order.public_id, fund_password=FUND_PASSWORD)
    assert bodies(order) == before


@pytest.mark.django_db
def test_transitions_broadcast_the_status_after_commit(
    trade, monkeypatch, django_capture_on_commit_callbacks
):
    order, buyer, _ = trade
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(live, "broadcast", lambda public_id, event: sent.append(event))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.order_mark_paid(actor=buyer, public_id=order.public_id, method="Bank")
    assert sent == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert [e["type"] for e in sent] == ["chat.message", "order.status"]
    assert sent[1] == {
        "type": "order.status",
        "status": OrderStatus.PAID,
        "status_display": OrderStatus.PAID.label,
    }


@pytest.mark.django_db
def test_a_failing_channel_layer_never_breaks_the_order(
    trade, monkeypatch, django_capture_on_commit_callbacks
):
    order, buyer, _ = trade

    class Broken:
        async def group_send(self, group: str, message: dict[str, Any]) -> None:
            raise ConnectionError("redis is down")

    monkeypatch.setattr(live, "get_channel_layer", lambda: Broken())
    with django_capture_on_commit_callbacks(execute=True):
        services.order_mark_paid(actor=buyer, public_id=order.public_id, method="Bank")
        order_services.chat_post(actor=buyer, public_id=order.public_id, body="sent")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert bodies(order)[-1] == ("text", "sent")


@pytest.mark.django_db
def test_the_order_page_shows_the_chat_escaped(trade, client):
    order, buyer, _ = trade
    order_services.chat_post(
        actor=buyer, public_id=order.public_id, body="<script>alert(1)</script>"
    )
    client.force_login(buyer)
    page = client.get(f"/orders/{order.public_id}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "data-chat-form" in html
    assert "js/order_live.js" in html


@pytest.mark.django_db
def test_a_closed_order_page_has_no_chat_form(trade, client):
    order, buyer, _ = trade
    services.order_cancel(actor=buyer, public_id=order.public_id, reason="changed my mind")
    client.force_login(buyer)
    html = client.get(f"/orders/{order.public_id}/").content.decode()
    assert "The chat is closed" in html
    assert "data-chat-form" not in html


# --- the socket -----------------------------------------------------------------------------------


def headers_for(user: User | None) -> list[tuple[bytes, bytes]]:
    headers = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")]
    if user is not None:
        client = Client()
        client.force_login(user)
        headers.append((b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()))
    return headers


def socket(public_id: str, user: User | None) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, f"/ws/orders/{public_id}/", headers=headers_for(user))


async def next_of(comm: WebsocketCommunicator, kind: str) -> dict[str, Any]:
    while True:
        event = await comm.receive_json_from(timeout=5)
        if event.get("type") == kind:
            return event


@pytest.mark.django_db(transaction=True)
def test_a_party_hears_the_other_party(trade):
    order, buyer, seller = trade
    buyer_socket, seller_socket = socket(order.public_id, buyer), socket(order.public_id, seller)

    async def scenario() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        assert (await buyer_socket.connect())[0]
        assert (await seller_socket.connect())[0]
        history = await buyer_socket.receive_json_from(timeout=5)
        await seller_socket.receive_json_from(timeout=5)
        await seller_socket.send_json_to({"body": "Payment received?"})
        heard = await next_of(buyer_socket, "chat.message")
        echoed = await next_of(seller_socket, "chat.message")
        await buyer_socket.disconnect()
        await seller_socket.disconnect()
        return history, heard, echoed

    history, heard, echoed = asyncio.run(scenario())
    assert history["type"] == "chat.history"
    assert history["status"] == OrderStatus.AWAITING_PAYMENT
    assert [m["body"] for m in history["messages"]] == ["Order placed", order.ad.auto_reply]
    assert (heard["sender_role"], heard["body"]) == ("seller", "Payment received?")
    assert echoed["id"] == heard["id"]
    assert ChatMessage.objects.filter(pk=heard["id"], sender=seller).exists()


@pytest.mark.django_db(transaction=True)
def test_the_socket_hears_status_changes_and_errors(trade):
    order, buyer, _ = trade
    buyer_socket = socket(order.public_id, buyer)

    async def scenario() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        assert (await buyer_socket.connect())[0]
        await buyer_socket.receive_json_from(timeout=5)
        await buyer_socket.send_json_to({"body": "   "})
        error = await next_of(buyer_socket, "error")
        await buyer_socket.send_to(text_data="not json")
        garbage = await next_of(buyer_socket, "error")
        await database_sync_to_async(services.order_mark_paid)(
            actor=buyer, public_id=order.public_id, method="Bank"
        )
        status = await next_of(buyer_socket, "order.status")
        await buyer_socket.disconnect()
        return error, garbage, status

    error, garbage, status = asyncio.run(scenario())
    assert error["message"] == "Write a message first."
    assert garbage["type"] == "error"
    assert status["status"] == OrderStatus.PAID


@pytest.mark.django_db(transaction=True)
def test_a_stranger_is_closed_with_4403(trade):
    order, _, _ = trade
    comm = socket(order.public_id, make_user())

    async def scenario() -> Any:
        await comm.connect()
        closed = await comm.receive_output(timeout=5)
        await comm.disconnect()
        return closed

    assert asyncio.run(scenario()) == {"type": "websocket.close", "code": 4403}


@pytest.mark.django_db(transaction=True)
def test_an_anonymous_visitor_is_refused(trade):
    order, _, _ = trade

    comm = socket(order.public_id, None)

    async def scenario() -> Any:
        await comm.connect()
        closed = await comm.receive_output(timeout=5)
        await comm.disconnect()
        return closed

    assert asyncio.run(scenario()) == {"type": "websocket.close", "code": 4403}


@pytest.mark.django_db(transaction=True)
def test_a_foreign_origin_is_refused(trade):
    order, buyer, _ = trade

    headers = [h for h in headers_for(buyer) if h[0] != b"origin"]
    comm = WebsocketCommunicator(
        application,
        f"/ws/orders/{order.public_id}/",
        headers=[*headers, (b"origin", b"http://evil.example")],
    )

    async def scenario() -> Any:
        connected, _ = await comm.connect()
        await comm.disconnect()
        return connected

    assert asyncio.run(scenario()) is False


def test_the_group_name_is_valid_for_channels():
    layer = get_channel_layer()
    assert layer is not None
    assert layer.require_valid_group_name(live.group_name("ABCDEFGHJK2345"))
