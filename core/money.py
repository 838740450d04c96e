"""Money helpers shared by every app: Decimal only, one rounding rule per purpose."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation, getcontext, localcontext
from typing import cast

from django.utils.translation import gettext_lazy

# NUMERIC(38, 18): 20 integer digits and 18 decimals cover every supported asset.
AMOUNT_MAX_DIGITS = 38
AMOUNT_DECIMAL_PLACES = 18


# the largest magnitude an amount column holds: 20 integer digits
AMOUNT_LIMIT = Decimal(10) ** (AMOUNT_MAX_DIGITS - AMOUNT_DECIMAL_PLACES)
# wide enough for any amount in range at full scale (38 digits), so no step rounds on its own
_WIDE = AMOUNT_MAX_DIGITS + 4


class AmountOutOfRange(ValueError):
    """A number no amount column can hold: say so, never let it reach the database."""

    # lazy: put into words in the language of whoever reads it; typed as the str it becomes
    message = cast("str", gettext_lazy("That amount is too large."))


def to_decimal(value: object) -> Decimal:
    """Parse an amount from a Decimal, int or string; floats are refused (they are inexact),
    and so is a magnitude of 10^20 or more (AmountOutOfRange), which no amount column holds.
    Every number a person types reaches the product through here."""
    if isinstance(value, (bool, float)):
        raise TypeError("amounts must be Decimal, int or str, never float or bool")
    try:
        result = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    if result.copy_abs() >= AMOUNT_LIMIT:  # copy_abs: abs() would round to 28 digits
        raise AmountOutOfRange(AmountOutOfRange.message)
    return result


def quantum(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def has_at_most_places(amount: Decimal, places: int) -> bool:
    """True when `amount` needs no more than `places` decimals (trailing zeros are fine)."""
    with localcontext(prec=max(getcontext().prec, _WIDE)):
        return amount == amount.quantize(quantum(places), rounding=ROUND_DOWN)


def quantize_crypto(amount: Decimal, precision: int) -> Decimal:
    """Crypto is rounded down: the platform never hands out a unit it does not hold."""
    with localcontext(prec=max(getcontext().prec, _WIDE)):
        return amount.quantize(quantum(precision), rounding=ROUND_DOWN)


def fiat_total(amount: Decimal, price: Decimal, minor_units: int) -> Decimal:
    """Fiat total of `amount` crypto at `price` fiat per unit, rounded once, half up. The
    product is taken whole (wide enough for every digit of both), so it is not first cut to
    the context's 28 digits: that would round twice (...0.004999...9 becoming 0.005, then 0.01)."""
    digits = len(amount.as_tuple().digits) + len(price.as_tuple().digits)
    with localcontext(prec=max(getcontext().prec, digits + minor_units + 1)):
        return (amount * price).quantize(quantum(minor_units), rounding=ROUND_HALF_UP)


def format_amount(amount: Decimal) -> str:
    """Plain notation without trailing zeros: 100.500000 -> "100.5", 1E+2 -> "100"."""
    text = f"{amount.normalize():f}"
    return "0" if text in {"-0", "0"} else text


def format_crypto(amount: Decimal, places: int | None = None) -> str:
    """A crypto figure as every page, notification and mail shows it: thousands separated,
    trailing zeros trimmed; `places` (the asset's precision) first rounds an 18-place ledger
    figure to what the asset can hold. 1234.500000 -> "1,234.5". Inputs and CSV files keep
    the plain `format_amount`, which a parser reads back."""
    if places is not None:
        amount = quantize_crypto(amount, places)
    text = f"{amount.normalize():,f}"
    return "0" if text in {"-0", "0"} else text


def format_fiat(value: Decimal, minor_units: int) -> str:
    """`1234.5` in a 2-place fiat -> "1,234.50". Never hides a digit: a price with more
    decimals than the fiat (a fixed price may have up to 8) keeps them."""
    shown = value.quantize(quantum(minor_units))
    if shown != value:
        shown = value.normalize()
        places = max(-shown.as_tuple().exponent, minor_units)  # type: ignore[operator]
    else:
        places = minor_units
    return f"{shown:,.{places}f}"
