"""Images in the order chat: checked like payment proofs, stored re-encoded, shown only to
those who may read the chat, and broadcast to the open pages like any message."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from accounts.models import User
from orders import services
from orders.models import ChatMessage, ChatMessageKind, Order
from tests.factories import make_user

from .factories import FUND_PASSWORD, Market, place
from .test_chat import next_of, socket
from .test_proofs import image_bytes, stored_files, upload


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def trade(settings, media) -> tuple[Order, User, User]:
    settings.MAKER_FEE_RATES = {}
    market = Market()
    market.seller_with_fund_password()
    buyer = market.buyer()
    order = place(buyer, market.online_ad(total_quantity=Decimal(100)), fiat="780")
    return order, buyer, market.user


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def send(user: User, order: Order, file: Any) -> Any:
    url = reverse("orders:chat_image_upload", args=[order.public_id])
    return client_for(user).post(url, {"image": file} if file is not None else {})


def images(order: Order) -> list[ChatMessage]:
    return list(ChatMessage.objects.filter(order=order, kind=ChatMessageKind.IMAGE))


@pytest.mark.django_db
def test_a_party_sends_an_image_that_both_parties_see_re_encoded(trade, media):
    order, buyer, seller = trade
    html = b"<html><script>alert(1)</script></html>"
    answer = send(buyer, order, upload("receipt.png", image_bytes() + html))
    assert answer.status_code == 201
    [message] = images(order)
    assert (message.sender_id, message.image_content_type) == (buyer.pk, "image/png")
    assert (message.image_width, message.image_height) == (60, 40)
    stored = Path(message.image.path).read_bytes()
    assert b"<script>" not in stored
    assert stored.startswith(b"\x89PNG")

    url = reverse("orders:chat_image", args=[order.public_id, message.pk])
    for reader in (buyer, seller):
        response = client_for(reader).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
    page = client_for(seller).get(reverse("orders:detail", args=[order.public_id]))
    assert url in page.content.decode()


@pytest.mark.django_db
def test_strangers_and_other_staff_cannot_send_or_see_chat_images(trade, media):
    order, buyer, _ = trade
    send(buyer, order, upload("a.png", image_bytes()))
    [message] = images(order)
    url = reverse("orders:chat_image", args=[order.public_id, message.pk])
    for outsider in (make_user(), make_user(staff=True)):
        assert client_for(outsider).get(url).status_code == 404
        refused = send(outsider, order, upload("b.png", image_bytes()))
        assert refused.status_code == 404
    assert Client().get(url).status_code == 302  # to the login page
    assert len(images(order)) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "content_type", "says"),
    [
        ("statement.jpg", b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF", "image/jpeg", "JPEG, PNG or WebP"),
        ("cut.jpg", image_bytes("JPEG", (400, 300))[:300], "image/jpeg", ""),
        ("huge.png", image_bytes() + b"\0" * (5 * 1024 * 1024 + 1), "image/png", "5 MB"),
        ("flood.png", image_bytes("PNG", (20000, 20000)), "image/png", "pixels"),
    ],
    ids=["pdf-renamed", "truncated", "oversize", "pixel-flood"],
)
def test_bad_images_are_refused_with_a_message_and_nothing_is_stored(
    trade, media, name, data, content_type, says
):
    order, buyer, _ = trade
    answer = send(buyer, order, upload(name, data, content_type))
    assert answer.status_code == 400
    assert says in answer.json()["error"]
    assert answer.json()["error"]
    assert images(order) == []
    assert stored_files(media) == []


@pytest.mark.django_db
def test_no_file_and_a_closed_chat_are_refused(trade, media):
    order, buyer, seller = trade
    assert send(buyer, order, None).json() == {"error": "Choose an image to send."}
    services.order_mark_paid(actor=buyer, public_id=order.public_id, method="Bank")
    services.order_release(actor=seller, public_id=order.public_id, fund_password=FUND_PASSWORD)
    answer = send(buyer, order, upload("late.png", image_bytes()))
    assert answer.status_code == 400
    assert "closed" in answer.json()["error"]
    assert images(order) == []
    assert stored_files(media) == []


@pytest.mark.django_db(transaction=True)
def test_the_other_party_hears_the_image_live(trade, media):
    order, buyer, seller = trade
    seller_socket = socket(order.public_id, seller)

    def send_from_another_thread() -> None:
        try:
            send(buyer, order, upload("a.webp", image_bytes("WEBP")))
        finally:
            connections.close_all()  # this thread's connection, before the test database goes

    async def listen() -> dict[str, Any]:
        assert (await seller_socket.connect())[0]
        await seller_socket.receive_json_from(timeout=5)  # the history
        await asyncio.get_running_loop().run_in_executor(None, send_from_another_thread)
        heard = await next_of(seller_socket, "chat.message")
        await seller_socket.disconnect()
        return heard

    heard = asyncio.run(listen())
    assert (heard["kind"], heard["sender_role"]) == ("image", "buyer")
    [message] = images(order)
    assert heard["image_url"] == reverse("orders:chat_image", args=[order.public_id, message.pk])
