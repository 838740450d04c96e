"""Where price indexes come from.

A provider is any object with `fetch(pairs) -> {(asset symbol, fiat code): price}`; it may leave
out pairs it does not know. `settings.PRICE_INDEX_PROVIDER` names one by dotted path (a class,
instantiated without arguments, or an object); empty means off: indexes then change only when
staff edit them, and floating ads hide once their index is older than
`settings.PRICE_INDEX_MAX_AGE_SECONDS`. What a provider answers is stored by
`escrow.services.prices` (`refresh_price_indexes`).

`StaticProvider` answers from `settings.PRICE_INDEX_STATIC` ({"USDT/HKD": "7.80", ...}); it is
for tests and the demo. A real provider (an exchange's ticker API) goes beside it; nothing here
touches the network.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

from core.money import quantum, to_decimal

logger = logging.getLogger(__name__)

Pair = tuple[str, str]  # (asset symbol, fiat code)
PRICE_PLACES = 8
PRICE_MAX = Decimal("1e20")  # PriceField: 28 digits, 8 of them decimals
SOURCE_MAX_LENGTH = 40


@runtime_checkable
class PriceProvider(Protocol):
    def fetch(self, pairs: list[Pair]) -> dict[Pair, Decimal]: ...


class StaticProvider:
    """Fixed prices from `settings.PRICE_INDEX_STATIC`: {"USDT/HKD": "7.80"} (or tuple keys).

    Values are strings, ints or Decimals; floats are refused (they are inexact)."""

    name = "static"

    def fetch(self, pairs: list[Pair]) -> dict[Pair, Decimal]:
        table: Mapping[Any, Any] = getattr(settings, "PRICE_INDEX_STATIC", {}) or {}
        prices: dict[Pair, Decimal] = {}
        for key, value in table.items():
            pair = tuple(key) if isinstance(key, (tuple, list)) else tuple(str(key).split("/"))
            if len(pair) != 2:
                continue
            symbol, code = str(pair[0]).strip().upper(), str(pair[1]).strip().upper()
            if (symbol, code) not in pairs:
                continue
            try:
                prices[(symbol, code)] = to_decimal(value)
            except (TypeError, ValueError):
                logger.warning("PRICE_INDEX_STATIC[%r] is not a usable price", key)
        return prices


class ProviderError(Exception):
    """The provider could not be loaded or failed; nothing was stored."""


def configured_provider() -> PriceProvider | None:
    """The provider named by `settings.PRICE_INDEX_PROVIDER`, or None when that is empty."""
    path = getattr(settings, "PRICE_INDEX_PROVIDER", "") or ""
    if not path:
        return None
    try:
        target = import_string(path)
    except ImportError as error:
        raise ProviderError(f"PRICE_INDEX_PROVIDER {path!r} cannot be imported: {error}") from error
    provider = target() if isinstance(target, type) else target
    if not isinstance(provider, PriceProvider):
        raise ProviderError(f"PRICE_INDEX_PROVIDER {path!r} has no fetch(pairs) method.")
    return provider


def provider_name(provider: object) -> str:
    name = getattr(provider, "name", None) or type(provider).__name__
    return str(name)[:SOURCE_MAX_LENGTH]


def usable_price(value: object) -> Decimal | None:
    """A positive price that fits the column (rounded to 8 places), else None."""
    try:
        price = to_decimal(value)
    except (TypeError, ValueError):
        return None
    if price <= 0 or price >= PRICE_MAX:
        return None
    price = price.quantize(quantum(PRICE_PLACES), rounding=ROUND_HALF_UP)
    return price if price > 0 else None
