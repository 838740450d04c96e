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
