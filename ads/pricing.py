"""An ad's price: fixed, or the index x margin. One rule, used by the market and by orders."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import timezone

from core.money import quantum

from .models import Ad, PriceIndex, PriceType

PRICE_PLACES = 8


def index_is_fresh(index: PriceIndex) -> bool:
    max_age = timedelta(seconds=settings.PRICE_INDEX_MAX_AGE_SECONDS)
    return timezone.now() - index.updated_at <= max_age


def ad_price(ad: Ad, index: PriceIndex | None) -> Decimal | None:
    """Fiat per unit, or None when a floating ad has no fresh index (it is hidden, not guessed).

    Floating prices are rounded half up to the fiat's minor units: what the user sees is what
    they pay.
    """
    if ad.price_type == PriceType.FIXED:
        return ad.fixed_price
    if index is None or not index_is_fresh(index) or ad.margin_percent is None:
        return None
    raw = index.price * ad.margin_percent / Decimal(100)
    return raw.quantize(quantum(ad.fiat.minor_units), rounding=ROUND_HALF_UP)
