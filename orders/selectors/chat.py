"""Reads of the order chat: who may follow it, its history, its images. The buyer and the
seller, and the staff member assigned to the order's dispute (while they are staff)."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from accounts.models import User

from ..models import CLOSED_STATUSES, ChatMessage, ChatMessageKind, Order
from ..services import live
from ..services.chat import party_orders
from .words import note_words


def is_party(*, user: object, public_id: str) -> bool:
    """Whether `user` may follow the order's chat: its buyer or seller, or the staff member
    assigned to its dispute (sockets ask it at connect and for every message)."""
    parties = party_orders(user)
    if parties is None or not public_id:
        return False
    return Order.objects.filter(parties, public_id=public_id).exists()


def chat_image_for(*, user: object, public_id: str, message_id: int) -> ChatMessage | None:
    """One image message of an order, if `user` may read its chat; None otherwise."""
    parties = party_orders(user)
    if parties is None or not public_id:
        return None
    return (
        ChatMessage.objects.filter(
            order__in=Order.objects.filter(parties, public_id=public_id),
            pk=message_id,
            kind=ChatMessageKind.IMAGE,
        )
        .only("pk", "image", "image_content_type", "order_id")
        .first()
    )


def chat_history(*, user: User, public_id: str) -> list[ChatMessage]:
    """The order's chat, oldest first, for its buyer, seller or assigned staff; empty for
    anyone else."""
    parties = party_orders(user)
    if parties is None or not public_id:
        return []
    order = Order.objects.filter(parties, public_id=public_id).values_list("pk", flat=True)
    return list(ChatMessage.objects.filter(order_id__in=order).order_by("created_at", "id"))


def chat_history_payload(
    *, user: User, public_id: str, language: str = ""
) -> dict[str, object] | None:
    """What a socket sends at connect: the status and every message, drawn by the page; the
    system notes in `language` (the page's), as the page drew them."""
    parties = party_orders(user)
    if parties is None:
        return None
    order = Order.objects.filter(parties, public_id=public_id).first()
    if order is None:
        return None
    messages = order.chat_messages.order_by("created_at", "id")
    with translation.override(language or None):
        return {
            "type": "chat.history",
            "status": str(order.status),
            "status_display": str(order.get_status_display()),
            "closed": order.status in CLOSED_STATUSES,
            "messages": [_in_words(live.message_payload(message, order)) for message in messages],
        }


def _in_words(payload: dict[str, Any]) -> dict[str, Any]:
    if payload.get("kind") == ChatMessageKind.SYSTEM:
        payload["body"] = note_words(str(payload.get("body") or ""))
    return payload
