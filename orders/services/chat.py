"""The order chat: the two parties' messages and the system notes written on every transition.

Every message is stored first and broadcast to the order's group after the commit (`live`);
a page that missed a broadcast reloads the history. The buyer and the seller post and read,
and so does the staff member assigned to the order's dispute (`assigned_staff`, while they
are staff); the chat stays open while the order is disputed and closes with the
order (released or canceled). Posting is rate-limited per user in the shared cache (Redis), so
every web process counts together.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import DomainError
from core.locks import LockKind, lock_one
from core.uploads import UploadRejected, clean_image

from ..models import (
    CHAT_MESSAGE_MAX,
    CLOSED_STATUSES,
    ChatMessage,
    ChatMessageKind,
    Order,
    OrderStatus,
)
from . import live

logger = logging.getLogger(__name__)

CHAT_RATE_LIMIT = 10  # messages ...
CHAT_RATE_WINDOW_SECONDS = 10  # ... per this many seconds, per user


class ChatError(DomainError):
    code = "chat"


class ChatNotFound(ChatError):
    code = "not_found"


class ChatClosed(ChatError):
    code = "closed"


class ChatRateLimited(ChatError):
    code = "rate_limited"


def party_orders(user: object) -> Q | None:
    """The orders whose chat `user` may read and post in: their own as buyer or seller, and
    those whose dispute they handle (a staff member who lost staff status loses them)."""
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return None
    members = Q(buyer_id=user.pk) | Q(seller_id=user.pk)
    if user.is_staff:
        members |= Q(assigned_staff_id=user.pk)
    return members


def _clean_body(body: object) -> str:
    text = body.strip() if isinstance(body, str) else ""
    if not text:
        raise ChatError(_("Write a message first."), field="body")
    if len(text) > CHAT_MESSAGE_MAX:
        raise ChatError(
            _("A message has at most %(max)d characters (this one has %(count)d).")
            % {"max": CHAT_MESSAGE_MAX, "count": len(text)},
            field="body",
        )
    return text


def _count_against_rate_limit(user: User) -> None:
    """A fixed window in the shared cache: the 11th message within 10 seconds is refused."""
    key = f"orders:chat-rate:{user.pk}"
    try:
        cache.add(key, 0, timeout=CHAT_RATE_WINDOW_SECONDS)
        sent = cache.incr(key)
    except ValueError:  # the window expired between add and incr: start a new one
        cache.set(key, 1, timeout=CHAT_RATE_WINDOW_SECONDS)
        sent = 1
    if sent > CHAT_RATE_LIMIT:
        raise ChatRateLimited(
            _(
                "You are sending messages too fast: at most %(count)d every %(seconds)d "
                "seconds. Wait a moment and send again."
            )
            % {"count": CHAT_RATE_LIMIT, "seconds": CHAT_RATE_WINDOW_SECONDS}
        )


def _open_chat_locked(user: User, public_id: str) -> Order:
    """The order whose chat `user` posts in, locked against transitions (inside the caller's
    transaction): a transition takes the order row lock too, so no message lands after the order
    closed. Counts the message against the sender's rate limit."""
    parties = party_orders(user)
    order = (
        lock_one(LockKind.ORDER, Order.objects.filter(parties, public_id=public_id))
        if parties is not None
        else None
    )
    if order is None:
        raise ChatNotFound(_("There is no such order."))
    if order.status in CLOSED_STATUSES:
        raise ChatClosed(
            _("The chat is closed: this order is %(status)s.")
            % {"status": str(order.get_status_display()).lower()}
        )
    _count_against_rate_limit(user)
    return order


def chat_post(*, actor: User, public_id: str, body: object) -> ChatMessage:
    """A party's (or the assigned staff's) message: stored, then broadcast to the order's page
    once committed."""
    text = _clean_body(body)
    # not durable: a staff member's message is logged on the dispute in the same commit
    with transaction.atomic(savepoint=True):
        order = _open_chat_locked(actor, public_id)
        message = ChatMessage.objects.create(
            order=order, sender=actor, kind=ChatMessageKind.TEXT, body=text
        )
        live.broadcast_on_commit(order.public_id, live.message_event(message, order))
    return message


def chat_post_image(*, actor: User, public_id: str, upload: UploadedFile | None) -> ChatMessage:
    """An image in the chat (a screenshot of a bank app, a QR code): validated and re-encoded
    like payment proofs before anything is stored; the file is removed if the message is not."""
    if upload is None:
        raise ChatError(_("Choose an image to send."), field="image")
    try:
        image = clean_image(upload)
    except UploadRejected as error:
        raise ChatError(error.message, field="image") from error
    message: ChatMessage | None = None
    try:
        with transaction.atomic(durable=True):
            order = _open_chat_locked(actor, public_id)
            message = ChatMessage(
                order=order,
                sender=actor,
                kind=ChatMessageKind.IMAGE,
                image_content_type=image.content_type,
                image_width=image.width,
                image_height=image.height,
            )
            message.image.save("chat", image.content, save=False)
            message.save()
            live.broadcast_on_commit(order.public_id, live.message_event(message, order))
    except Exception:
        if message is not None and message.image:
            message.image.delete(save=False)
        raise
    return message


def chat_system(*, order: Order, body: str) -> ChatMessage:
    """A system note on the order's chat (inside the caller's transaction, if any)."""
    text = (body or "").strip()[:CHAT_MESSAGE_MAX] or "The order changed."
    message = ChatMessage.objects.create(
        order=order, sender=None, kind=ChatMessageKind.SYSTEM, body=text
    )
    live.broadcast_on_commit(order.public_id, live.message_event(message, order))
    return message


def _merchant_id(order: Order) -> int:
    """The ad's owner: whichever party did not take the ad."""
    return order.seller_id if order.taker_id == order.buyer_id else order.buyer_id


def chat_auto_reply(*, order: Order) -> ChatMessage | None:
    """The ad's auto-reply, posted in the merchant's name when the escrow opens."""
    text = (order.ad.auto_reply or "").strip()[:CHAT_MESSAGE_MAX]
    if not text:
        return None
    message = ChatMessage.objects.create(
        order=order, sender_id=_merchant_id(order), kind=ChatMessageKind.TEXT, body=text
    )
    live.broadcast_on_commit(order.public_id, live.message_event(message, order))
    return message


def _system_note(order: Order, note: str) -> str:
    if order.status == OrderStatus.CANCELED and not note.lower().startswith("canceled"):
        return f"Canceled: {note}"
    return note


def order_changed(order: Order, note: str) -> None:
    """Called by each transition in orders/services.py, inside its transaction, after the
    state is saved: writes the system note (and, when the escrow has just opened, the ad's
    auto-reply), and tells the order's page the new status once committed."""
    chat_system(order=order, body=_system_note(order, note))
    if order.status == OrderStatus.AWAITING_PAYMENT:
        chat_auto_reply(order=order)
    live.broadcast_on_commit(order.public_id, live.status_event(order))
