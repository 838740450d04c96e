from __future__ import annotations

from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import timezone


class PingConsumer(AsyncJsonWebsocketConsumer):
    """Answers every message with the server time: lets a page (or a probe) see the socket live."""

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        await self.send_json({"pong": True, "server_time": timezone.now().isoformat()})
