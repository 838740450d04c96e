"""Reads of the price indexes, for other apps and the wallet: one pair's index, many pairs at
once, the fresh price as a subquery (the market embeds it), every index of enabled pairs,
whether an index is fresh, and what an amount is worth in a fiat."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from core.config import config_value
from core.money import fiat_total

from ..models import Asset, PriceIndex


def _max_age() -> timedelta:
    return timedelta(seconds=config_value("PRICE_INDEX_MAX_AGE_SECONDS"))


def index_fresh_at(index: PriceIndex, now: datetime) -> bool:
    """Set no longer than `PRICE_INDEX_MAX_AGE_SECONDS` before `now`: floating ads follow only
    a fresh index, and hide when theirs is older."""
    return now - index.updated_at <= _max_age()


def index_is_fresh(index: PriceIndex) -> bool:
    return index_fresh_at(index, timezone.now())


def price_index_for(*, asset: Asset, fiat_code: str) -> PriceIndex | None:
    """The index of `asset` in the fiat `fiat_code` (with its fiat), fresh or not; None when
    there is none."""
    return (
        PriceIndex.objects.select_related("fiat")
        .filter(asset=asset, fiat__code=fiat_code)
        .order_by()  # (asset, fiat) is unique: the default ordering would only add a join
        .first()
    )


def price_indexes_by_pair(*, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], PriceIndex]:
    """The index of each (asset id, fiat id) pair that has one, in one query."""
    wanted = set(pairs)
    if not wanted:
        return {}
    found = PriceIndex.objects.filter(
        asset_id__in={asset for asset, _ in wanted}, fiat_id__in={fiat for _, fiat in wanted}
    ).order_by()
    return {
        (index.asset_id, index.fiat_id): index
        for index in found
        if (index.asset_id, index.fiat_id) in wanted
    }


def fresh_index_prices(*, asset: Any, fiat: Any, now: datetime | None = None) -> QuerySet[Any]:
    """The price of the (asset, fiat) index while it is fresh, as a one-column query (empty
    when the index is stale or missing). `asset` and `fiat` may be `OuterRef`s: the market
    embeds this as a subquery, so a listing stays one query. Fresh means `index_fresh_at`."""
    cutoff = (now or timezone.now()) - _max_age()
    return (
        PriceIndex.objects.filter(asset=asset, fiat=fiat, updated_at__gte=cutoff)
        .order_by()  # unique pair: no ordering needed (the default one would add two joins)
        .values("price")
    )


def price_indexes_enabled() -> QuerySet[PriceIndex]:
    """Every index of an enabled asset in an enabled fiat, with both, by asset then fiat."""
    return PriceIndex.objects.select_related("asset", "fiat").filter(
        asset__enabled=True, fiat__enabled=True
    )


def _value(amount: Decimal, index: PriceIndex | None) -> Decimal | None:
    if index is None:
        return None
    return fiat_total(amount, index.price, index.fiat.minor_units)


def value_in(*, asset: Asset, amount: Decimal, fiat_code: str) -> Decimal | None:
    """What `amount` of `asset` is worth in the fiat `fiat_code`: amount x the asset's index
    in that fiat, rounded once, half up, to the fiat's minor units (`core.money.fiat_total`).
    None when the asset has no index in that fiat.

    A stale index is used all the same: a limit or a report needs a figure, and the last price
    staff or the provider set is the best there is (it is what the index shows in the admin,
    flagged stale there). A caller that must not value on an old price checks
    `index_is_fresh(price_index_for(...))` itself."""
    return _value(amount, price_index_for(asset=asset, fiat_code=fiat_code))


def value_in_many(
    *, amounts: Mapping[Asset, Decimal], fiat_code: str
) -> dict[Asset, Decimal | None]:
    """`value_in` for several assets at once (one query): each amount valued and rounded on its
    own, None for an asset without an index in that fiat. Summing them is the caller's."""
    if not amounts:
        return {}
    indexes = {
        index.asset_id: index
        for index in PriceIndex.objects.select_related("fiat")
        .filter(asset__in=list(amounts), fiat__code=fiat_code)
        .order_by()
    }
    return {asset: _value(amount, indexes.get(asset.pk)) for asset, amount in amounts.items()}
