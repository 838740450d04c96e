from __future__ import annotations

from decimal import Decimal

from django import template

from core.money import format_amount, format_fiat

register = template.Library()


@register.filter
def amount(value: object) -> str:
    """A Decimal in plain notation without trailing zeros; anything else unchanged."""
    if isinstance(value, Decimal):
        return format_amount(value)
    return "" if value is None else str(value)


@register.filter
def fiat(value: object, minor_units: object = 2) -> str:
    """A fiat figure as the market shows it: `{{ ad.min_order_fiat|fiat:ad.fiat.minor_units }}`
    -> "1,000.00"."""
    if not isinstance(value, Decimal):
        return "" if value is None else str(value)
    return format_fiat(value, int(str(minor_units)))
