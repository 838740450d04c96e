"""BTCPay Server's Greenfield API as this provider uses it: the credentials, the networks it
serves, and one request helper that puts a timeout on every call and says what each kind of
answer means for the caller."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core.money import to_decimal

from ..base import CustodyUnavailable

TXID = re.compile(r"[0-9a-fA-F]{64}")


@dataclass(frozen=True)
class PaymentMethod:
    network_code: str
    asset_symbol: str
    id: str  # BTCPay's payment method id: the store wallet's path names it
    decimals: int


# The networks this provider serves: a store's on-chain wallet per payment method.
PAYMENT_METHODS = {
    method.network_code: method for method in [PaymentMethod("bitcoin", "BTC", "BTC-CHAIN", 8)]
}


class UnsupportedNetwork(ValueError):
    """A network (or an asset on it) that the BTCPay provider does not serve."""


def payment_method(network_code: str, asset_symbol: str | None = None) -> PaymentMethod:
    method = PAYMENT_METHODS.get(network_code)
    if method is None or asset_symbol not in (None, method.asset_symbol):
        methods = PAYMENT_METHODS.values()
        served = ", ".join(f"{m.asset_symbol} on {m.network_code}" for m in methods)
        asked = f"{asset_symbol} on {network_code}" if asset_symbol else network_code
        raise UnsupportedNetwork(f"BTCPay Server custody serves {served}, not {asked}")
    return method


def payment_method_by_id(method_id: str) -> PaymentMethod | None:
    return next((m for m in PAYMENT_METHODS.values() if m.id == method_id), None)


def credential(name: str) -> str:
    """A BTCPAY_ setting, which must be set once the provider is in use."""
    value = str(getattr(settings, name, "") or "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set: CUSTODY_PROVIDER=btcpay needs BTCPAY_URL, BTCPAY_STORE_ID, "
            "BTCPAY_API_KEY and BTCPAY_WEBHOOK_SECRET (see .env.example)."
        )
    return value


class ProviderRefused(Exception):
    """BTCPay refused the request itself (a 400 or 422: not enough funds, an invalid address,
    a broadcast the node rejected). The message is BTCPay's own."""

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.code = code


def decimal_field(data: object, name: str) -> Decimal:
    """A decimal BTCPay sends as a string ("0.01500000"), never through a float."""
    value = data.get(name) if isinstance(data, dict) else None
    try:
        return to_decimal(value if isinstance(value, str | int) else "")
    except (ValueError, TypeError) as error:
        raise CustodyUnavailable(f"BTCPay Server sent no readable {name}: {value!r}") from error


def _problem(response: httpx.Response) -> tuple[str, str]:
    """(code, message) from an error answer: {code, message}, or a list of {path, message}."""
    try:
        data = response.json()
    except ValueError:
        return "", response.text.strip()[:300] or response.reason_phrase
    if isinstance(data, dict):
        return str(data.get("code") or ""), str(data.get("message") or "")
    if isinstance(data, list):
        problems = [f"{p.get('path')}: {p.get('message')}" for p in data if isinstance(p, dict)]
        return "validation", "; ".join(problems)
    return "", str(data)


class Greenfield:
    """Calls to one store's wallet. The transport is for tests; the network is used otherwise."""

    def __init__(self, *, transport: httpx.BaseTransport | None = None) -> None:
        self._transport = transport

    def wallet_path(self, method: PaymentMethod, tail: str = "") -> str:
        store = quote(credential("BTCPAY_STORE_ID"), safe="")
        return f"/api/v1/stores/{store}/payment-methods/{method.id}/wallet{tail}"

    def call(
        self,
        verb: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        body: object = None,
        absent: str = "",
    ) -> Any:
        """The decoded answer. A 404 whose code is `absent` (say "transaction-not-found") is
        None; an unreachable server, a timeout or a 5xx raise CustodyUnavailable; a refused key
        or a store or wallet BTCPay does not know raise ImproperlyConfigured; any other 4xx
        raises ProviderRefused."""
        base = credential("BTCPAY_URL")
        if not base.startswith(("https://", "http://")):
            raise ImproperlyConfigured(f"BTCPAY_URL must start with https://, not {base!r}")
        headers = {
            "Authorization": f"token {credential('BTCPAY_API_KEY')}",
            "Accept": "application/json",
        }
        try:
            with httpx.Client(
                base_url=base,
                headers=headers,
                timeout=settings.BTCPAY_TIMEOUT_SECONDS,
                transport=self._transport,
            ) as client:
                response = client.request(verb, path, params=params, json=body)
        except httpx.HTTPError as error:
            said = f"BTCPay Server did not answer {verb} {path}: {error!r}"
            raise CustodyUnavailable(said) from error
        return self._meaning(response, verb=verb, path=path, absent=absent)

    @staticmethod
    def _meaning(response: httpx.Response, *, verb: str, path: str, absent: str) -> Any:
        status = response.status_code
        if status >= 300:  # redirects are not followed: BTCPAY_URL should name the server
            code, message = _problem(response)
            said = f"BTCPay Server answered {status} to {verb} {path}: {message or code}"
            if status >= 500:
                raise CustodyUnavailable(said)
            if status == 404 and absent and code == absent:
                return None
            if status in (401, 403, 404) or status < 400:
                # the key, its permissions, the store, its wallet or the address are wrong:
                # nothing a retry mends, and nothing that says a send was refused
                raise ImproperlyConfigured(f"{said} (check the BTCPAY_ settings)")
            raise ProviderRefused(message or f"HTTP {status}", code=code)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as error:
            raise CustodyUnavailable(f"BTCPay Server sent no JSON to {verb} {path}") from error
