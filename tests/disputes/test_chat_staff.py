"""The staff member assigned to a dispute joins the order's chat; other staff do not."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from orders import selectors as order_selectors
from orders import services as order_services
from orders.models import ChatMessage
from tests.orders.test_chat import next_of, socket

from .factories import arbiter, assigned, disputed_order


@pytest.mark.django_db
def test_the_assignee_reads_and_posts_while_the_order_is_disputed(market):
    dispute = disputed_order(market)
    order = dispute.order
    person, other = arbiter(), arbiter()
    assert not order_selectors.is_party(user=person, public_id=order.public_id)
    assigned(dispute, person)
    assert order_selectors.is_party(user=person, public_id=order.public_id)
    message = order_services.chat_post(actor=person, public_id=order.public_id, body="Staff here.")
    assert message.sender_id == person.pk
    history = order_selectors.chat_history_payload(user=person, public_id=order.public_id)
    assert history is not None
    messages = history["messages"]
    assert isinstance(messages, list)
    assert messages[-1]["sender_role"] == "staff"
    assert not order_selectors.is_party(user=other, public_id=order.public_id)
    assert order_selectors.chat_history(user=other, public_id=order.public_id) == []
    with pytest.raises(order_services.ChatNotFound):
        order_services.chat_post(actor=other, public_id=order.public_id, body="Hi")
    # staff status is what lets them in: a former staff member is out
    type(person).objects.filter(pk=person.pk).update(is_staff=False)
    person.refresh_from_db()
    assert not order_selectors.is_party(user=person, public_id=order.public_id)
    assert ChatMessage.objects.filter(sender=other).count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_assignee_joins_the_socket_and_other_staff_get_4403(market):
    dispute = disputed_order(market)
    order = dispute.order
    person, other = arbiter(), arbiter()
    assigned(dispute, person)
    staff_socket = socket(order.public_id, person)
    buyer_socket = socket(order.public_id, order.buyer)
    stranger = socket(order.public_id, other)

    async def scenario() -> tuple[dict[str, Any], dict[str, Any], Any]:
        assert (await staff_socket.connect())[0]
        assert (await buyer_socket.connect())[0]
        history = await staff_socket.receive_json_from(timeout=5)
        await buyer_socket.receive_json_from(timeout=5)
        await staff_socket.send_json_to({"body": "Please upload your bank statement."})
        heard = await next_of(buyer_socket, "chat.message")
        await stranger.connect()
        closed = await stranger.receive_output(timeout=5)
        for comm in (staff_socket, buyer_socket, stranger):
            await comm.disconnect()
        return history, heard, closed

    history, heard, closed = asyncio.run(scenario())
    assert history["type"] == "chat.history"
    assert history["status"] == "disputed"
    assert (heard["sender_role"], heard["body"]) == ("staff", "Please upload your bank statement.")
    assert closed == {"type": "websocket.close", "code": 4403}
