from __future__ import annotations

from decimal import Decimal

from django import template

from core.money import format_amount, format_crypto, format_fiat

register = template.Library()


@register.filter
def amount(value: object) -> str:
    """A Decimal in plain notation without trailing zeros; anything else unchanged."""
    if isinstance(value, Decimal):
        return format_amount(value)
    return "" if value is None else str(value)


@register.filter
def crypto(value: object, places: object = None) -> str:
    """A crypto figure for reading: `{{ order.amount|crypto }}` -> "1,234.5";
    `{{ entry.amount|crypto:asset.precision }}` rounds to the asset's places first. Use
    `amount` inside inputs and files a parser reads back."""
    if not isinstance(value, Decimal):
        return "" if value is None else str(value)
    return format_crypto(value, None if places is None else int(str(places)))


@register.filter
def fiat(value: object, minor_units: object = 2) -> str:
    """A fiat figure as the market shows it: `{{ ad.min_order_fiat|fiat:ad.fiat.minor_units }}`
    -> "1,000.00"."""
    if not isinstance(value, Decimal):
        return "" if value is None else str(value)
    return format_fiat(value, int(str(minor_units)))
