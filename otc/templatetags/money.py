from __future__ import annotations

from decimal import Decimal

from django import template

from otc.money import format_amount

register = template.Library()


@register.filter
def amount(value: object) -> str:
    """A Decimal in plain notation without trailing zeros; anything else unchanged."""
    if isinstance(value, Decimal):
        return format_amount(value)
    return "" if value is None else str(value)
