"""Where price indexes come from, and the writes that store them.

A provider is any object with `fetch(pairs) -> {(asset symbol, fiat code): price}`; it may leave
out pairs it does not know. `settings.PRICE_INDEX_PROVIDER` names one by dotted path (a class,
instantiated without arguments, or an object); empty means off: indexes then change only when
staff edit them, and floating ads hide once their index is older than
`settings.PRICE_INDEX_MAX_AGE_SECONDS`.

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
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from core.models import FiatCurrency
from core.money import quantum, to_decimal
from escrow.models import Asset

from .models import PriceIndex

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


def _usable_price(value: object) -> Decimal | None:
    """A positive price that fits the column (rounded to 8 places), else None."""
    try:
        price = to_decimal(value)
    except (TypeError, ValueError):
        return None
    if price <= 0 or price >= PRICE_MAX:
        return None
    price = price.quantize(quantum(PRICE_PLACES), rounding=ROUND_HALF_UP)
    return price if price > 0 else None


def price_index_set(*, asset: Asset, fiat: FiatCurrency, price: Decimal, source: str) -> PriceIndex:
    """Store an index price as of now (insert or update; safe against a racing writer)."""
    usable = _usable_price(price)
    if usable is None:
        raise ValueError(f"not a usable price: {price!r}")
    with transaction.atomic(savepoint=False):
        PriceIndex.objects.bulk_create(
            [
                PriceIndex(
                    asset=asset,
                    fiat=fiat,
                    price=usable,
                    source=source[:SOURCE_MAX_LENGTH],
                    updated_at=timezone.now(),
                )
            ],
            update_conflicts=True,
            unique_fields=["asset", "fiat"],
            update_fields=["price", "source", "updated_at"],
        )
        return PriceIndex.objects.select_related("asset", "fiat").get(asset=asset, fiat=fiat)


def index_pairs() -> list[tuple[Asset, FiatCurrency]]:
    """Every enabled asset against every enabled fiat."""
    assets = list(Asset.objects.filter(enabled=True).order_by("symbol"))
    fiats = list(FiatCurrency.objects.filter(enabled=True).order_by("code"))
    return [(asset, fiat) for asset in assets for fiat in fiats]


def refresh_price_indexes(provider: PriceProvider | None = None) -> int:
    """Ask the provider for every enabled pair and store what it answers; returns how many
    indexes were stored. Off (0) when no provider is configured. A provider failure stores
    nothing: the old prices age out and floating ads hide, which is the safe outcome."""
    provider = provider if provider is not None else configured_provider()
    if provider is None:
        return 0
    pairs = index_pairs()
    keys = [(asset.symbol, fiat.code) for asset, fiat in pairs]
    try:
        answers = provider.fetch(keys)
    except Exception as error:
        logger.exception("price provider %s failed", provider_name(provider))
        raise ProviderError(f"price provider failed: {error}") from error
    source = provider_name(provider)
    stored = 0
    for asset, fiat in pairs:
        key = (asset.symbol, fiat.code)
        if key not in answers:
            continue
        price = _usable_price(answers[key])
        if price is None:
            logger.warning("price provider %s gave an unusable %s/%s price", source, *key)
            continue
        price_index_set(asset=asset, fiat=fiat, price=price, source=source)
        stored += 1
    return stored
