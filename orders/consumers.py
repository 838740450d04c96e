"""The order page's socket (`ws/orders/<public id>/`): the chat and live status of one order.

Only the order's buyer or seller, or the staff member assigned to its dispute, may connect
(anyone else is closed with 4403); membership is checked again for every message, since the
service re-reads the order. What a party sends is
stored by `chat_post` and comes back to every open page (the sender's too) through the group.
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils.translation import get_supported_language_variant
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from accounts.consumers import CLOSE_SESSION_ENDED, join_account_groups, leave_groups
from core.errors import DomainError

from . import selectors, services
from .services import live

CLOSE_FORBIDDEN = 4403
MAX_FRAME_CHARS = 8_000  # a message is at most 2000 characters; JSON escaping adds some


class OrderLiveConsumer(AsyncJsonWebsocketConsumer):
    public_id: str = ""
    group: str = ""
    account_groups: tuple[str, ...] = ()

    async def connect(self) -> None:
        self.public_id = str(self.scope["url_route"]["kwargs"]["public_id"])
        user = self.scope.get("user")
        allowed = await database_sync_to_async(selectors.is_party)(
            user=user, public_id=self.public_id
        )
        # accepted then closed, so the page sees the code (a refused handshake is only a 403)
        await self.accept()
        if not allowed:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        # logging out (or a password change) closes this socket: accounts/consumers.py
        self.account_groups = await join_account_groups(self)
        if not self.account_groups:
            await self.close(code=CLOSE_SESSION_ENDED)
            return
        self.group = live.group_name(self.public_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        history = await database_sync_to_async(selectors.chat_history_payload)(
            user=user, public_id=self.public_id, language=self._language(user)
        )
        if history is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.send_json(history)

    def _language(self, user: Any) -> str:
        """The language the page was drawn in: the user's own choice, else the session's
        language cookie, else the browser's, as LocaleMiddleware picks it for the page."""
        chosen = getattr(user, "language", "") or ""
        if chosen:
            return str(chosen)
        headers = dict(self.scope.get("headers") or [])
        cookies = SimpleCookie(headers.get(b"cookie", b"").decode("latin-1"))
        cookie = cookies.get(settings.LANGUAGE_COOKIE_NAME)
        candidates = [cookie.value] if cookie else []
        accept = headers.get(b"accept-language", b"").decode("latin-1")
        candidates += [code for code, _q in parse_accept_lang_header(accept) if code != "*"]
        for code in candidates:
            try:
                return get_supported_language_variant(code)
            except LookupError:
                continue
        return str(settings.LANGUAGE_CODE)

    async def disconnect(self, code: int) -> None:
        await leave_groups(self, self.account_groups)
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if not self.group:
            return
        if text_data is None or len(text_data) > MAX_FRAME_CHARS:
            await self._error(_("That message is too long."))
            return
        await super().receive(text_data=text_data, bytes_data=bytes_data)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict) or not isinstance(content.get("body"), str):
            await self._error(_('Send a message as {"body": "..."}.'))
            return
        user = self.scope.get("user")
        if not await database_sync_to_async(selectors.is_party)(
            user=user, public_id=self.public_id
        ):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        try:
            await database_sync_to_async(services.chat_post)(
                actor=user, public_id=self.public_id, body=content["body"]
            )
        except DomainError as error:
            await self._error(error.message)

    async def decode_json(self, text_data: str) -> Any:
        try:
            return await super().decode_json(text_data)
        except ValueError:
            return None

    async def _error(self, message: str) -> None:
        await self.send_json({"type": "error", "message": message})

    # --- group events (orders.services.live), passed to the page as they are ------------------

    async def chat_message(self, event: dict[str, Any]) -> None:
        await self.send_json(event)

    async def order_status(self, event: dict[str, Any]) -> None:
        await self.send_json(event)

    async def session_end(self, event: dict[str, Any]) -> None:
        await self.close(code=CLOSE_SESSION_ENDED)
