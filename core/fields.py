from __future__ import annotations

from typing import Any

from django.db import models

from .money import AMOUNT_DECIMAL_PLACES, AMOUNT_MAX_DIGITS


class AmountField(models.DecimalField):
    """A crypto amount: NUMERIC(38, 18), enough for every asset's precision (ETH has 18)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", AMOUNT_MAX_DIGITS)
        kwargs.setdefault("decimal_places", AMOUNT_DECIMAL_PLACES)
        super().__init__(*args, **kwargs)


class FiatField(models.DecimalField):
    """A fiat amount: up to 16 integer digits and 4 decimals (no currency has more)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 20)
        kwargs.setdefault("decimal_places", 4)
        super().__init__(*args, **kwargs)


class PriceField(models.DecimalField):
    """A price: fiat per one unit of crypto, kept to 8 decimals."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 28)
        kwargs.setdefault("decimal_places", 8)
        super().__init__(*args, **kwargs)
