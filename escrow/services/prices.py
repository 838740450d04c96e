"""The writes of price indexes: a price set by staff or a provider, and the provider refresh.

Providers (`escrow.price_providers`) only answer; what they answer is stored here, one upsert per
pair, so a racing writer (the beat task and a staff edit at once) never makes a second row."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.models import FiatCurrency

from ..models import Asset, PriceIndex
from ..price_providers import (
    SOURCE_MAX_LENGTH,
    PriceProvider,
    ProviderError,
    configured_provider,
    provider_name,
    usable_price,
)

logger = logging.getLogger(__name__)


def price_index_set(*, asset: Asset, fiat: FiatCurrency, price: Decimal, source: str) -> PriceIndex:
    """Store an index price as of now (insert or update; safe against a racing writer)."""
    usable = usable_price(price)
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
        price = usable_price(answers[key])
        if price is None:
            logger.warning("price provider %s gave an unusable %s/%s price", source, *key)
            continue
        price_index_set(asset=asset, fiat=fiat, price=price, source=source)
        stored += 1
    return stored
