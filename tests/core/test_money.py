"""The product's rounding rules (core.money): crypto is cut down to the asset's precision, so
the platform never hands out a unit it does not hold; a fiat total is rounded once, half up (a
half goes away from zero), to the fiat's minor units. Amounts are Decimal: floats are refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.money import (
    AmountOutOfRange,
    fiat_total,
    format_crypto,
    format_fiat,
    has_at_most_places,
    quantize_crypto,
    to_decimal,
)

D = Decimal


@pytest.mark.parametrize(
    ("amount", "precision", "expected"),
    [
        ("1.2345679", 6, "1.234567"),  # the 7th decimal is dropped, never rounded up
        ("1.9999999", 6, "1.999999"),
        ("0.0000005", 6, "0.000000"),  # half a unit is no unit
        ("0.0000009", 6, "0.000000"),  # nor is nine tenths of one
        ("0.000001", 6, "0.000001"),  # the smallest unit stays
        ("2.5", 0, "2"),
        ("99.999999999999999999", 8, "99.99999999"),  # many decimals
        ("123456789.123456789123456789", 18, "123456789.123456789123456789"),
        ("0.1234567891234567899", 18, "0.123456789123456789"),  # 19 decimals -> 18
        ("100", 6, "100.000000"),
        ("-1.2345679", 6, "-1.234567"),  # towards zero on the negative side too
        ("-0.0000005", 6, "-0.000000"),
    ],
)
def test_crypto_is_rounded_down_to_the_assets_precision(amount, precision, expected):
    result = quantize_crypto(D(amount), precision)
    assert result == D(expected)
    assert result.as_tuple().exponent == -precision  # exactly `precision` places
    assert abs(result) <= abs(D(amount))  # never more than what was there


@pytest.mark.parametrize(
    ("amount", "price", "minor_units", "expected"),
    [
        ("100", "7.80", 2, "780.00"),
        ("1", "0.125", 2, "0.13"),  # a half goes up (not to the even 0.12)
        ("1", "0.135", 2, "0.14"),
        ("1", "0.145", 2, "0.15"),  # not to the even 0.14
        ("1", "0.1249999", 2, "0.12"),  # just under a half goes down
        ("3", "0.005", 2, "0.02"),  # 0.015 -> 0.02
        ("1", "0.004999", 2, "0.00"),  # a tiny total rounds to nothing
        ("0.000001", "7.8", 2, "0.00"),
        ("0.000001", "5000", 2, "0.01"),  # 0.005: exactly half a cent
        ("0.123456", "7.8123", 2, "0.96"),  # 0.9644817... once, at the end
        ("12.5", "1", 0, "13"),  # a 0-decimal fiat (JPY-like): 12.5 -> 13
        ("13.5", "1", 0, "14"),
        ("1.0005", "1", 3, "1.001"),  # a 3-decimal fiat (KWD-like)
        ("123456789.123456", "99999.99", 2, "12345677677777.71"),  # ...777.70876544
        # many decimals: the product is taken whole, then rounded once (28 digits would make
        # ...004999999999999999 a half first, then round it up)
        ("123456789012.004999999999999999", "1", 2, "123456789012.00"),
        ("0.000000000000000001", "0.5", 18, "0.000000000000000001"),  # 5E-19, a half
        ("-1", "0.125", 2, "-0.13"),  # a negative half goes away from zero
        ("1", "-0.124", 2, "-0.12"),
    ],
)
def test_a_fiat_total_is_rounded_once_half_up_to_the_minor_units(
    amount, price, minor_units, expected
):
    result = fiat_total(D(amount), D(price), minor_units)
    assert result == D(expected)
    assert result.as_tuple().exponent == -minor_units  # exactly `minor_units` places


def test_rounding_happens_once_on_the_total_not_per_unit():
    # 3 x 0.335 = 1.005 -> 1.01; rounding the price first (0.34) would give 1.02
    assert fiat_total(D(3), D("0.335"), 2) == D("1.01")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("1.50"), D("1.50")),
        (7, D(7)),
        ("0.000000000000000001", D("1E-18")),
        ("-2.5", D("-2.5")),
        (" 3.25 ", D("3.25")),
    ],
)
def test_amounts_are_read_as_decimal_from_decimal_int_or_text(value, expected):
    result = to_decimal(value)
    assert isinstance(result, Decimal)
    assert result == expected


@pytest.mark.parametrize("value", [0.1, 1.0, float("nan"), True, False])
def test_floats_and_booleans_are_refused(value):
    with pytest.raises(TypeError, match="never float"):
        to_decimal(value)


@pytest.mark.parametrize("value", ["lots", "", "1,000", "NaN", "Infinity", "-inf", None])
def test_what_is_not_a_finite_number_is_refused(value):
    with pytest.raises(ValueError, match="not a"):
        to_decimal(value)


@pytest.mark.parametrize(
    "value", ["1e20", "-1e20", "1e30", "1" * 40, "1e309", "-1e309", 10**20, D("1E+25")]
)
def test_what_no_amount_column_holds_is_refused_as_too_large(value):
    with pytest.raises(AmountOutOfRange, match="too large"):
        to_decimal(value)


@pytest.mark.parametrize(
    ("value", "places"), [("99999999999999999999.999999999999999999", 18), ("1e-400000", 18)]
)
def test_the_edges_of_the_range_are_read_and_checked_without_an_error(value, places):
    amount = to_decimal(value)
    assert has_at_most_places(amount, places) is (value != "1e-400000")
    assert quantize_crypto(amount, places) <= amount


@pytest.mark.parametrize(
    ("amount", "places", "expected"),
    [
        ("1.23", 2, True),
        ("1.230000", 2, True),  # trailing zeros are fine
        ("1.231", 2, False),
        ("0.000001", 6, True),
        ("0.0000001", 6, False),
        ("-0.001", 2, False),
        ("5", 0, True),
    ],
)
def test_has_at_most_places(amount, places, expected):
    assert has_at_most_places(D(amount), places) is expected


@pytest.mark.parametrize(
    ("value", "minor_units", "shown"),
    [
        ("1234.5", 2, "1,234.50"),
        ("7.8125", 2, "7.8125"),  # a fixed price with more decimals keeps them all
        ("0.005", 2, "0.005"),  # never rounded away for display
        ("1000", 0, "1,000"),
        ("-1234.5", 2, "-1,234.50"),
    ],
)
def test_showing_fiat_never_hides_a_digit(value, minor_units, shown):
    assert format_fiat(D(value), minor_units) == shown


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (Decimal("1234.500000"), None, "1,234.5"),
        (Decimal("1000000"), None, "1,000,000"),
        (Decimal("0.000000"), None, "0"),
        (Decimal("-0.50"), None, "-0.5"),
        (Decimal("12.345678901234567890"), 6, "12.345678"),
        (Decimal("100.000000000000000000"), 8, "100"),
    ],
)
def test_a_crypto_figure_is_separated_and_trimmed(
    value: Decimal, places: int | None, shown: str
) -> None:
    assert format_crypto(value, places) == shown
