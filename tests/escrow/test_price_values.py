"""What an amount is worth in a fiat, through the asset's price index (`value_in`,
`value_in_many`), and the index reads other apps use."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from escrow.selectors import (
    index_is_fresh,
    price_index_for,
    price_indexes_by_pair,
    value_in,
    value_in_many,
)
from tests.ads import market_factories as mf

pytestmark = pytest.mark.django_db


@pytest.fixture
def usd():
    return mf.fiat("USD")


@pytest.fixture
def btc():
    return mf.asset("BTC", 8)


def test_the_value_is_the_amount_times_the_index_rounded_to_cents(btc, usd):
    mf.index(on=btc, currency=usd, price="90000")
    assert value_in(asset=btc, amount=Decimal("0.123456789"), fiat_code="USD") == Decimal(
        "11111.11"
    )


def test_half_a_cent_rounds_up(usd):
    usdt = mf.asset("USDT")
    mf.index(on=usdt, currency=usd, price="1.00")
    assert value_in(asset=usdt, amount=Decimal("0.005"), fiat_code="USD") == Decimal("0.01")
    assert value_in(asset=usdt, amount=Decimal("0.004999"), fiat_code="USD") == Decimal("0.00")


def test_the_value_has_the_minor_units_of_its_fiat(btc):
    yen, dinar = mf.fiat("JPY", minor_units=0), mf.fiat("KWD", minor_units=3)
    mf.index(on=btc, currency=yen, price="14000000.5")
    mf.index(on=btc, currency=dinar, price="27654.3219")
    assert value_in(asset=btc, amount=Decimal("0.01"), fiat_code="JPY") == Decimal(140000)
    assert value_in(asset=btc, amount=Decimal("0.01"), fiat_code="KWD") == Decimal("276.543")


def test_no_index_in_that_fiat_means_no_value(btc, usd):
    mf.index(on=btc, currency=mf.fiat("HKD"), price="702000")
    assert value_in(asset=btc, amount=Decimal(1), fiat_code="USD") is None
    assert value_in(asset=mf.asset("ETH", 18), amount=Decimal(1), fiat_code="HKD") is None


def test_a_stale_index_still_values_the_amount(settings, btc, usd):
    settings.PRICE_INDEX_MAX_AGE_SECONDS = 900
    index = mf.index(on=btc, currency=usd, price="90000", age_seconds=86400)
    assert not index_is_fresh(index)
    assert value_in(asset=btc, amount=Decimal("0.5"), fiat_code="USD") == Decimal("45000.00")


def test_zero_is_worth_zero(btc, usd):
    mf.index(on=btc, currency=usd, price="90000")
    assert value_in(asset=btc, amount=Decimal(0), fiat_code="USD") == Decimal("0.00")


def test_many_assets_are_valued_in_one_query_each_on_its_own(btc, usd):
    usdt, eth, sol = mf.asset("USDT"), mf.asset("ETH", 18), mf.asset("SOL", 9)
    mf.index(on=btc, currency=usd, price="90000")
    mf.index(on=usdt, currency=usd, price="1.00")
    mf.index(on=eth, currency=usd, price="3500")
    mf.index(on=sol, currency=mf.fiat("HKD"), price="1100")  # not in USD
    amounts = {
        btc: Decimal("0.00001"),
        usdt: Decimal("250.125"),
        eth: Decimal("0.000000000000000001"),
        sol: Decimal(3),
    }
    with CaptureQueriesContext(connection) as queries:
        values = value_in_many(amounts=amounts, fiat_code="USD")
    assert len(queries) == 1
    assert values == {
        btc: Decimal("0.90"),
        usdt: Decimal("250.13"),
        eth: Decimal("0.00"),
        sol: None,
    }


def test_nothing_to_value_asks_nothing():
    with CaptureQueriesContext(connection) as queries:
        assert value_in_many(amounts={}, fiat_code="USD") == {}
    assert len(queries) == 0


def test_one_pair_and_many_pairs_are_read_by_their_ids(btc, usd):
    hkd, eth = mf.fiat("HKD"), mf.asset("ETH", 18)
    btc_usd = mf.index(on=btc, currency=usd, price="90000")
    btc_hkd = mf.index(on=btc, currency=hkd, price="702000")
    eth_hkd = mf.index(on=eth, currency=hkd, price="27300")
    found = price_index_for(asset=btc, fiat_code="HKD")
    assert found == btc_hkd
    assert price_index_for(asset=eth, fiat_code="USD") is None
    wanted = [(btc.pk, usd.pk), (eth.pk, hkd.pk), (eth.pk, usd.pk)]
    assert price_indexes_by_pair(pairs=wanted) == {
        (btc.pk, usd.pk): btc_usd,
        (eth.pk, hkd.pk): eth_hkd,
    }
    assert price_indexes_by_pair(pairs=[]) == {}
