"""A BTCPay Server that answers from recorded Greenfield payloads (tests/escrow/payloads/btcpay)
through httpx's mock transport, and keeps every request the provider made of it."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

PAYLOADS = Path(__file__).parent / "payloads" / "btcpay"
STORE = "AF4s6yBZ6mRwGPHuDmv7eDGBZc2gZr6hVwGx6YH2xJhU"
API_KEY = "3f1c9e0b7a6d5c4b3a2918f7e6d5c4b3a2918f7e"
WEBHOOK_SECRET = "whsec-7Qm2pXv9"
WALLET = f"/api/v1/stores/{STORE}/payment-methods/BTC-CHAIN/wallet"

Reply = tuple[int, Any] | Callable[[httpx.Request], httpx.Response]


def payload(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text())


def signed(body: bytes, secret: str = WEBHOOK_SECRET) -> dict[str, str]:
    """The headers BTCPay sends with a delivery of `body`."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "BTCPay-Sig": f"sha256={digest}"}


def lost_answer(request: httpx.Request) -> httpx.Response:
    """The server took the request, and its answer never arrives."""
    raise httpx.ReadTimeout("timed out reading the answer", request=request)


class FakeBTCPay:
    def __init__(self) -> None:
        self.replies: dict[tuple[str, str], list[Reply]] = {}
        self.requests: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self._handle)

    def on(self, verb: str, path: str, *replies: Reply) -> None:
        """Answer `verb path` with each reply in turn, the last one from then on."""
        self.replies[(verb, path)] = list(replies)

    def made(self, verb: str, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if (r.method, r.url.path) == (verb, path)]

    def calls(self) -> list[str]:
        return [f"{r.method} {r.url.path}" for r in self.requests]

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        queue = self.replies.get((request.method, request.url.path))
        if not queue:
            return httpx.Response(404, json={"code": "not-found", "message": "not recorded"})
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        if callable(reply):
            return reply(request)
        status, body = reply
        return httpx.Response(status, json=body)


def configure(settings: Any) -> None:
    """The BTCPAY_ settings a deployment would set, as pytest-django's `settings` takes them."""
    settings.BTCPAY_URL = "https://btcpay.example.com"
    settings.BTCPAY_STORE_ID = STORE
    settings.BTCPAY_API_KEY = API_KEY
    settings.BTCPAY_WEBHOOK_SECRET = WEBHOOK_SECRET
