"""Live updates of an order page: one Channels group per order (`order-<public id>`).

Everything here runs after the commit (`transaction.on_commit`): what is broadcast is already
stored, so a page that misses an event (channels-redis drops messages to a full channel, a
socket reconnects) loses nothing: it reloads the history. A failing channel layer is logged
and never breaks the order.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.urls import reverse

from ..models import ChatMessage, ChatMessageKind, Order

logger = logging.getLogger(__name__)


def group_name(public_id: str) -> str:
    return f"order-{public_id}"


def broadcast(public_id: str, event: dict[str, Any]) -> None:
    """Send `event` to every socket following the order; log and carry on when it fails."""
    try:
        layer = get_channel_layer()
        if layer is None:
            return
        async_to_sync(layer.group_send)(group_name(public_id), event)
    except Exception:  # the order is committed already: a lost event costs a page refresh
        logger.exception("Live update of order %s failed: %s", public_id, event.get("type"))


def broadcast_on_commit(public_id: str, event: dict[str, Any]) -> None:
    transaction.on_commit(partial(broadcast, public_id, event), robust=True)


def sender_role(message: ChatMessage, order: Order) -> str:
    if message.sender_id is None:
        return "system"
    return order.role_of(message.sender_id) or "staff"


def message_payload(message: ChatMessage, order: Order) -> dict[str, Any]:
    """What a page needs to draw one message; plain values only (msgpack on the wire)."""
    created = message.created_at
    payload = {
        "id": message.pk,
        "kind": message.kind,
        "sender_role": sender_role(message, order),
        "body": message.body,
        "created_at": created.isoformat() if hasattr(created, "isoformat") else "",
    }
    if message.kind == ChatMessageKind.IMAGE:
        payload["image_url"] = reverse("orders:chat_image", args=[order.public_id, message.pk])
        payload["width"], payload["height"] = message.image_width, message.image_height
    return payload


def message_event(message: ChatMessage, order: Order) -> dict[str, Any]:
    return {"type": "chat.message", **message_payload(message, order)}


def status_event(order: Order) -> dict[str, Any]:
    return {
        "type": "order.status",
        "status": str(order.status),
        "status_display": str(order.get_status_display()),
    }
