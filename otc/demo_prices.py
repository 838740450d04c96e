"""Demo reference prices (plain data, importable from settings)."""

# The fiat the wallet values amounts in (withdrawal limits): every demo asset has a price in it.
REFERENCE_FIAT = "USD"
# Reference prices, fiat per unit; the static price provider serves the same table.
INDEX = {
    ("USDT", "HKD"): "7.80",
    ("USDT", "CNY"): "7.24",
    ("USDT", "USD"): "1.00",
    ("BTC", "HKD"): "702000",
    ("BTC", "CNY"): "651000",
    ("BTC", "USD"): "90000",
    ("ETH", "HKD"): "27300",
    ("ETH", "CNY"): "25300",
    ("ETH", "USD"): "3500",
}


def static_index_table() -> dict[str, str]:
    """The demo prices as the static provider reads them ({"USDT/HKD": "7.80", ...})."""
    return {f"{symbol}/{code}": price for (symbol, code), price in INDEX.items()}
