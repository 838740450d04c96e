"""A signed-in user's sockets: the notifications socket (`ws/notifications/`), and the groups
every socket of the site joins so that signing out closes it.

Groups:
- `notices-<user id>`: the unread count, pushed after each notice or mark-read (this socket only).
- `user-<user id>`: every socket of the user, on any browser; a password change or reset ends
  them all (the page of the session still signed in simply reconnects).
- `session-<digest of the session key>`: the sockets of one browser session; logging out ends
  them. The key is hashed so that the session's credential never lands in Redis.
Both end events are `{"type": "session.end"}`: a socket closes with 4401.
"""

from __future__ import annotations

import hashlib
import logging
from importlib import import_module
from typing import Any

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.utils.crypto import constant_time_compare

from .models import User
from .selectors import unread_count

logger = logging.getLogger(__name__)

CLOSE_SESSION_ENDED = 4401  # signed out: the page may reconnect, and learns whether it still may


def user_group(user_id: int) -> str:
    return f"user-{user_id}"


def notices_group(user_id: int) -> str:
    return f"notices-{user_id}"


def session_group(session_key: str) -> str:
    return f"session-{hashlib.sha256(session_key.encode()).hexdigest()[:40]}"


def send_to_group(group: str, event: dict[str, Any]) -> None:
    """Send `event` to a group; a failing channel layer is logged, never raised: what was sent
    about is committed already, and a page catches up when it reconnects or reloads."""
    try:
        layer = get_channel_layer()
        if layer is None:
            return
        async_to_sync(layer.group_send)(group, event)
    except Exception:
        logger.exception("Socket event %s to %s failed", event.get("type"), group)


def signed_in_user(scope: dict[str, Any]) -> User | None:
    user = scope.get("user")
    if isinstance(user, User) and user.is_authenticated and user.is_active:
        return user
    return None


def _session_key(scope: dict[str, Any]) -> str | None:
    session = scope.get("session")
    key = getattr(session, "session_key", None) if session is not None else None
    return str(key) if key else None


def _session_still_valid(session_key: str, user_id: int) -> bool:
    """Read the session afresh: a logout or a password change that happened while the socket
    was connecting is seen here, after the socket joined the groups that would have told it."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
    data = store.load()
    if str(data.get(SESSION_KEY, "")) != str(user_id):
        return False
    user = User.objects.filter(pk=user_id, is_active=True).first()
    return user is not None and constant_time_compare(
        str(data.get(HASH_SESSION_KEY, "")), user.get_session_auth_hash()
    )


async def join_account_groups(consumer: AsyncJsonWebsocketConsumer, *extra: str) -> tuple[str, ...]:
    """Join the user's and the session's groups (and `extra`); returns the groups joined, or
    nothing (having joined none) when the session is no longer signed in."""
    user = signed_in_user(consumer.scope)
    session_key = _session_key(consumer.scope)
    if user is None or not session_key:
        return ()
    groups = (user_group(user.pk), session_group(session_key), *extra)
    for group in groups:
        await consumer.channel_layer.group_add(group, consumer.channel_name)
    if not await database_sync_to_async(_session_still_valid)(session_key, user.pk):
        await leave_groups(consumer, groups)
        return ()
    return groups


async def leave_groups(consumer: AsyncJsonWebsocketConsumer, groups: tuple[str, ...]) -> None:
    for group in groups:
        await consumer.channel_layer.group_discard(group, consumer.channel_name)


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    """Tells the page the unread count at connect and whenever it changes; sends nothing else
    and reads nothing from the page."""

    joined: tuple[str, ...] = ()

    async def connect(self) -> None:
        # accepted then closed, so the page sees the code (a refused handshake is only a 403)
        await self.accept()
        user = signed_in_user(self.scope)
        if user is not None:
            self.joined = await join_account_groups(self, notices_group(user.pk))
        if user is None or not self.joined:
            await self.close(code=CLOSE_SESSION_ENDED)
            return
        unread = await database_sync_to_async(unread_count)(user=user)
        await self.send_json({"type": "notice.count", "unread": unread})

    async def disconnect(self, code: int) -> None:
        await leave_groups(self, self.joined)
        self.joined = ()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        return None  # the page only listens

    async def notice_count(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "notice.count", "unread": int(event.get("unread", 0))})

    async def session_end(self, event: dict[str, Any]) -> None:
        await self.close(code=CLOSE_SESSION_ENDED)
