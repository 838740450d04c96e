"""An ad's price: fixed, or the index x margin. One rule, used by the market and by orders."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from core.money import quantum
from escrow.models import PriceIndex
from escrow.selectors import index_is_fresh

from .models import Ad, PriceType

PRICE_PLACES = 8


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
