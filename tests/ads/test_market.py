"""The market: filters, order, visibility, prices, pagination and the merchant profile."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db.models import Case, DecimalField, Value, When
from django.urls import reverse

from ads.models import Ad, AdStatus, Side
from ads.pricing import ad_price
from ads.selectors import market
from core.money import format_fiat
from merchants.models import MerchantStatus

from . import market_factories as mf

pytestmark = pytest.mark.django_db


def listed(client, **params) -> list[str]:
    """Public ids of the ads on the market page for these GET parameters, in order."""
    response = client.get(reverse("market:p2p"), params)
    assert response.status_code == 200
    return [row.ad.public_id for row in response.context["rows"]]


@pytest.fixture
def usdt_hkd():
    return mf.asset("USDT"), mf.fiat("HKD")


# --- tabs and filters ----------------------------------------------------------------------


def test_buy_tab_lists_ads_that_sell_and_sell_tab_ads_that_buy(client, usdt_hkd):
    selling = mf.ad(side=Side.SELL)
    buying = mf.ad(side=Side.BUY)
    assert listed(client) == [selling.public_id]  # Buy is the default tab
    assert listed(client, tab="buy") == [selling.public_id]
    assert listed(client, tab="sell") == [buying.public_id]


def test_the_root_serves_the_market_too(client, usdt_hkd):
    selling = mf.ad()
    response = client.get(reverse("market:home"))
    assert response.status_code == 200
    assert [row.ad.public_id for row in response.context["rows"]] == [selling.public_id]


def test_asset_and_fiat_filters(client, usdt_hkd):
    btc, cny = mf.asset("BTC", 8), mf.fiat("CNY")
    usdt_hkd_ad = mf.ad()
    btc_hkd_ad = mf.ad(on=btc, price="530000")
    usdt_cny_ad = mf.ad(currency=cny, price="7.20")
    assert listed(client, asset="USDT", fiat="HKD") == [usdt_hkd_ad.public_id]
    assert listed(client, asset="BTC", fiat="HKD") == [btc_hkd_ad.public_id]
    assert listed(client, asset="usdt", fiat="cny") == [usdt_cny_ad.public_id]


def test_default_currency_is_the_setting_or_the_busiest(client, usdt_hkd, settings):
    cny = mf.fiat("CNY")  # first by code, but fewer ads
    hkd_ads = [mf.ad(), mf.ad(price="7.9")]
    cny_ad = mf.ad(currency=cny, price="7.2")
    assert listed(client) == [a.public_id for a in hkd_ads]
    assert listed(client, fiat="XYZ") == [a.public_id for a in hkd_ads]
    settings.MARKET_DEFAULT_FIAT = "CNY"
    assert listed(client) == [cny_ad.public_id]


def test_amount_must_be_within_the_limits(client, usdt_hkd):
    small = mf.ad(min_fiat="100", max_fiat="1000")
    large = mf.ad(min_fiat="1000", max_fiat="5000", price="7.81")
    assert listed(client, amount="500") == [small.public_id]
    assert listed(client, amount="1000") == [small.public_id, large.public_id]  # both ends count
    assert listed(client, amount="3000") == [large.public_id]
    assert listed(client, amount="99.99") == []
    assert listed(client, amount="5000.01") == []


def test_amount_must_be_covered_by_what_remains(client, usdt_hkd):
    # 100 USDT left at 7.80 covers 780 HKD, though the ad's maximum is 5000
    thin = mf.ad(remaining="100", total="1000", min_fiat="100", max_fiat="5000")
    assert listed(client, amount="780") == [thin.public_id]
    assert listed(client, amount="780.01") == []


def test_payment_type_filter_on_both_tabs(client, usdt_hkd):
    _, hkd = usdt_hkd
    bank, fps = mf.payment_type("bank", fiats=[hkd]), mf.payment_type("fps", fiats=[hkd])
    sell_bank = mf.ad(payment=[bank])
    sell_both = mf.ad(payment=[bank, fps], price="7.90")
    buy_fps = mf.ad(side=Side.BUY, payment=[fps])
    mf.ad(side=Side.BUY, payment=[bank])
    assert listed(client, payment="fps") == [sell_both.public_id]
    assert listed(client, payment="bank") == [sell_bank.public_id, sell_both.public_id]
    assert listed(client, tab="sell", payment="fps") == [buy_fps.public_id]


def test_payment_types_offered_are_those_of_the_chosen_fiat(client, usdt_hkd):
    _, hkd = usdt_hkd
    mf.payment_type("fps", fiats=[hkd])
    mf.payment_type("alipay", fiats=[mf.fiat("CNY")])
    response = client.get(reverse("market:p2p"), {"fiat": "HKD"})
    assert [kind.code for kind in response.context["filters"].payment_types] == ["fps"]
    # a type of another currency is not a filter here: it is ignored
    response = client.get(reverse("market:p2p"), {"fiat": "HKD", "payment": "alipay"})
    assert response.context["filters"].payment_type is None


# --- order ---------------------------------------------------------------------------------


def test_buy_tab_is_cheapest_first_and_sell_tab_dearest_first(client, usdt_hkd):
    sells = [mf.ad(price=price) for price in ["7.85", "7.79", "7.81"]]
    buys = [mf.ad(side=Side.BUY, price=price) for price in ["7.70", "7.75", "7.60"]]
    assert listed(client, tab="buy") == [sells[1].public_id, sells[2].public_id, sells[0].public_id]
    assert listed(client, tab="sell") == [buys[1].public_id, buys[0].public_id, buys[2].public_id]


def test_equal_prices_go_to_the_better_completion_rate(client, usdt_hkd, monkeypatch):
    mf.index(price="7.80")
    low, high, cheaper = mf.merchant(), mf.merchant(), mf.merchant()
    first = mf.ad(owner=low, price="7.80")
    second = mf.ad(owner=high, margin="100")  # floating, same price: 7.80 x 100 %
    best = mf.ad(owner=cheaper, price="7.79")
    rates = {low.pk: Decimal("90.00"), high.pk: Decimal("99.50"), cheaper.pk: Decimal("10.00")}

    def rate_sql():
        return Case(
            *[When(merchant_id=pk, then=Value(rate)) for pk, rate in rates.items()],
            default=Value(Decimal(0)),
            output_field=DecimalField(max_digits=5, decimal_places=2),
        )

    # without statistics, a tie goes to the older ad
    assert listed(client) == [best.public_id, first.public_id, second.public_id]
    monkeypatch.setattr(market, "completion_rate_expression", rate_sql)
    # price first (the cheapest wins despite its rate), then the completion rate
    assert listed(client) == [best.public_id, second.public_id, first.public_id]
    monkeypatch.setitem(rates, high.pk, Decimal("80.00"))
    assert listed(client) == [best.public_id, first.public_id, second.public_id]


# --- visibility ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ad_changes", "merchant_changes"),
    [
        ({"status": AdStatus.OFFLINE}, {}),
        ({"status": AdStatus.CLOSED}, {}),
        ({}, {"status": MerchantStatus.SUSPENDED}),
        ({}, {"status": MerchantStatus.RESIGNING}),
        ({}, {"on_break": True}),
        ({}, {"open_now": False}),
        # 10 USDT at 7.80 = 78 HKD, below the 100 HKD minimum
        ({"remaining": "10", "total": "1000"}, {}),
    ],
    ids=["offline", "closed", "suspended", "resigning", "on-break", "closed-hours", "dust"],
)
def test_hidden_ads(client, usdt_hkd, ad_changes, merchant_changes):
    visible = mf.ad()
    hidden = mf.ad(owner=mf.merchant(**merchant_changes), **ad_changes)
    assert listed(client) == [visible.public_id]
    assert hidden.pk not in set(market.visible_ads().values_list("pk", flat=True))


def test_remainder_exactly_covering_the_minimum_is_listed(client, usdt_hkd):
    exact = mf.ad(remaining="12.820513", total="100", price="7.80", min_fiat="100")  # 100.000001
    assert listed(client) == [exact.public_id]


def test_floating_ads_need_a_fresh_index(client, usdt_hkd, settings):
    settings.PRICE_INDEX_MAX_AGE_SECONDS = 900
    floating = mf.ad(margin="101")
    fixed = mf.ad(price="7.90")
    assert listed(client) == [fixed.public_id]  # no index at all
    mf.index(price="7.80", age_seconds=901)
    assert listed(client) == [fixed.public_id]  # stale
    mf.index(price="7.80", age_seconds=899)
    assert listed(client) == [floating.public_id, fixed.public_id]  # 7.88 < 7.90


def test_disabled_asset_or_fiat_hides_its_ads(client, usdt_hkd):
    usdt, hkd = usdt_hkd
    mf.ad()
    usdt.enabled = False
    usdt.save()
    assert not market.visible_ads().exists()
    usdt.enabled, hkd.enabled = True, False
    usdt.save()
    hkd.save()
    assert not market.visible_ads().exists()


# --- prices --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index_price", "margin", "minor_units", "expected"),
    [
        ("7.80", "100", 2, "7.80"),
        ("7.825", "100", 2, "7.83"),  # half up, not half even
        ("7.835", "100", 2, "7.84"),
        ("7.8149", "100.5", 2, "7.85"),  # 7.8539745
        ("7.81", "99.99", 2, "7.81"),  # 7.809219
        ("150.5", "101.25", 0, "152"),  # 152.38125
        ("0.3771", "100.01", 3, "0.377"),  # 0.37713771
        ("530123.45678901", "119.99", 2, "636095.14"),  # 636095.1358...
        ("0.00000001", "80", 4, "0.0000"),
    ],
)
def test_floating_price_in_sql_equals_ad_price(index_price, margin, minor_units, expected):
    currency = mf.fiat("XA" + "ABCDE"[minor_units], minor_units=minor_units)
    index = mf.index(currency=currency, price=index_price)
    created = mf.ad(currency=currency, margin=margin, remaining="1000000", min_fiat="0.01")
    created.refresh_from_db()
    in_sql = Ad.objects.annotate(p=market.price_expression()).get(pk=created.pk).p
    assert in_sql == ad_price(created, index) == Decimal(expected)


def test_listed_price_is_the_fixed_price_or_ad_price(client, usdt_hkd):
    index = mf.index(price="7.7777")
    fixed = mf.ad(price="7.81")
    floating = mf.ad(margin="100.3")
    rows = {row.ad.public_id: row for row in client.get(reverse("market:p2p")).context["rows"]}
    assert rows[fixed.public_id].price == ad_price(fixed, index) == Decimal("7.81")
    assert rows[floating.public_id].price == ad_price(floating, index) == Decimal("7.80")


# --- rows ----------------------------------------------------------------------------------


def test_row_shows_merchant_badge_figures_price_limits_payment_and_window(client, usdt_hkd):
    _, hkd = usdt_hkd
    gold = mf.tier(label="Gold", color="#c9a227")
    seller = mf.merchant(name="Harbour Desk", merchant_tier=gold)
    fps, bank = mf.payment_type("fps", fiats=[hkd]), mf.payment_type("bank", fiats=[hkd])
    created = mf.ad(
        owner=seller,
        price="7.8",
        remaining="250.5",
        min_fiat="100",
        max_fiat="1500",
        payment=[fps, bank],
        window=30,
    )
    page = client.get(reverse("market:p2p")).content.decode()
    assert 'href="/merchants/Harbour%20Desk/"' in page
    assert "--tier-color: #c9a227" in page
    assert ">Gold</span>" in page
    assert "0 orders (30d)" in page
    assert "— completion" in page
    assert '<span class="market-price">7.80</span>' in page
    assert "250.5 <span" in page
    assert "100.00 \u2013 1,500.00 HKD" in page
    assert "<li>Fps</li>" in page
    assert "<li>Bank</li>" in page
    assert "Pay within 30 min" in page
    assert f'href="/orders/new/{created.public_id}/">Buy USDT</a>' in page


def test_sell_tab_rows_say_sell(client, usdt_hkd):
    created = mf.ad(side=Side.BUY)
    page = client.get(reverse("market:p2p"), {"tab": "sell"}).content.decode()
    assert f'href="/orders/new/{created.public_id}/">Sell USDT</a>' in page


def test_prices_are_grouped_and_use_the_fiat_minor_units(client):
    btc, jpy = mf.asset("BTC", 8), mf.fiat("JPY", minor_units=0)
    mf.ad(
        on=btc, currency=jpy, price="10250000", remaining="2", min_fiat="10000", max_fiat="5000000"
    )
    page = client.get(reverse("market:p2p"), {"asset": "BTC", "fiat": "JPY"}).content.decode()
    assert '<span class="market-price">10,250,000</span>' in page
    assert "10,000 \u2013 5,000,000 JPY" in page


def test_the_maximum_shown_is_what_the_remainder_covers(client, usdt_hkd):
    mf.ad(remaining="200", total="1000", price="7.8", max_fiat="5000")  # 1560 HKD left
    page = client.get(reverse("market:p2p")).content.decode()
    assert "100.00 \u2013 1,560.00 HKD" in page


def test_format_fiat_never_hides_digits():
    assert format_fiat(Decimal("1234.5"), 2) == "1,234.50"
    assert format_fiat(Decimal("7.81250000"), 2) == "7.8125"
    assert format_fiat(Decimal("150"), 0) == "150"


# --- pagination and bad input --------------------------------------------------------------


def test_pagination_keeps_the_filters(client, usdt_hkd):
    _, hkd = usdt_hkd
    fps = mf.payment_type("fps", fiats=[hkd])
    ads = [mf.ad(price=f"7.{50 + n}", payment=[fps]) for n in range(25)]
    mf.ad(price="7.00")  # bank only: filtered out
    params = {"tab": "buy", "asset": "USDT", "fiat": "HKD", "amount": "500", "payment": "fps"}
    first = client.get(reverse("market:p2p"), params)
    assert [row.ad.public_id for row in first.context["rows"]] == [a.public_id for a in ads[:20]]
    links = re.findall(r'rel="next"\s+href="([^"]+)"', first.content.decode())
    assert len(links) == 1
    link = links[0].replace("&amp;", "&")
    for key, value in params.items():
        assert f"{key}={value}" in link
    second = client.get(link)
    assert [row.ad.public_id for row in second.context["rows"]] == [a.public_id for a in ads[20:]]
    assert 'rel="prev"' in second.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"asset": "DOGE"},
        {"asset": "'; drop table ads_ad; --"},
        {"fiat": "ZZZ"},
        {"tab": "steal"},
        {"amount": "abc"},
        {"amount": "-5"},
        {"amount": "0"},
        {"amount": "NaN"},
        {"amount": "Infinity"},
        {"amount": "1e99"},
        {"payment": "carrier-pigeon"},
        {"page": "999"},
        {"page": "abc"},
        {"page": "-1"},
    ],
)
def test_bad_filter_values_give_a_normal_page(client, usdt_hkd, params):
    created = mf.ad()
    response = client.get(reverse("market:p2p"), params)
    assert response.status_code == 200
    assert [row.ad.public_id for row in response.context["rows"]] == [created.public_id]


def test_an_amount_with_thousands_separators_is_read(client, usdt_hkd):
    created = mf.ad(max_fiat="5000")
    assert listed(client, amount="1,000") == [created.public_id]


def test_an_empty_market_says_so(client):
    response = client.get(reverse("market:p2p"))
    assert response.status_code == 200
    assert "The market opens once" in response.content.decode()
    mf.asset(), mf.fiat()
    assert "No ads match" in client.get(reverse("market:p2p")).content.decode()


def test_htmx_gets_the_results_only_with_the_payment_select_out_of_band(client, usdt_hkd):
    created = mf.ad()
    response = client.get(reverse("market:p2p"), {"fiat": "HKD"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert created.public_id in body
    assert 'id="market-payment" name="payment" hx-swap-oob="true"' in body
    assert "HX-Request" in response.headers["Vary"]
    restore = client.get(
        reverse("market:p2p"), headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restore.content.decode()
    assert "hx-swap-oob" not in restore.content.decode()


def test_the_filter_form_keeps_the_choices(client, usdt_hkd):
    _, hkd = usdt_hkd
    mf.payment_type("fps", fiats=[hkd])
    page = client.get(
        reverse("market:p2p"), {"tab": "sell", "amount": "250.50", "payment": "fps"}
    ).content.decode()
    assert 'id="tab-sell" name="tab" value="sell" checked' in page
    assert 'id="asset-USDT" name="asset" value="USDT" checked' in page
    assert 'value="HKD" selected' in page
    assert 'value="250.5"' in page
    assert 'value="fps" selected' in page


# --- merchant profile ----------------------------------------------------------------------


def test_merchant_profile_shows_badge_figures_and_both_sides(client, usdt_hkd):
    seller = mf.merchant(
        name="Kowloon OTC", merchant_tier=mf.tier(label="Diamond", color="#3b82f6")
    )
    sell_ad = mf.ad(owner=seller)
    buy_ad = mf.ad(owner=seller, side=Side.BUY, price="7.70")
    offline = mf.ad(owner=seller, status=AdStatus.OFFLINE)
    other = mf.ad()
    response = client.get(reverse("market:merchant", args=["Kowloon OTC"]))
    assert response.status_code == 200
    page = response.content.decode()
    profile = response.context["profile"]
    assert [row.ad.public_id for row in profile.buy_rows] == [sell_ad.public_id]
    assert [row.ad.public_id for row in profile.sell_rows] == [buy_ad.public_id]
    assert offline.public_id not in page
    assert other.public_id not in page
    assert ">Diamond</span>" in page
    assert "--tier-color: #3b82f6" in page
    assert "Orders (30 days)" in page
    assert "Completion rate (30 days)" in page
    assert "Member since" in page
    assert "Merchant since" in page
    assert "No feedback yet" in page
    assert f'href="/orders/new/{sell_ad.public_id}/">Buy USDT</a>' in page
    assert f'href="/orders/new/{buy_ad.public_id}/">Sell USDT</a>' in page


def test_merchant_profile_of_a_merchant_on_a_break_lists_nothing(client, usdt_hkd):
    resting = mf.merchant(name="Resting", on_break=True)
    hidden = mf.ad(owner=resting)
    page = client.get(reverse("market:merchant", args=["Resting"])).content.decode()
    assert "On a break" in page
    assert hidden.public_id not in page


@pytest.mark.parametrize("name", ["Nobody", "nobody here", "Gone"])
def test_merchant_profile_404(client, name):
    mf.merchant(name="Gone", status=MerchantStatus.REVOKED)
    assert client.get(reverse("market:merchant", args=[name])).status_code == 404


def test_market_pages_refuse_post(client, usdt_hkd):
    assert client.post(reverse("market:p2p")).status_code == 405
    assert client.post(reverse("market:home")).status_code == 405


def test_merchant_profile_shows_feedback_received_with_a_link_to_read_it(client, usdt_hkd):
    from accounts.services.activity import record_trade

    seller = mf.merchant(name="Harbour Trading")
    record_trade(user=seller.user, asset_symbol="USDT", positive=9, negative=1)
    seller.user.nickname = "harbour"
    seller.user.save(update_fields=["nickname"])
    page = client.get(reverse("market:merchant", args=["Harbour Trading"])).content.decode()
    assert "90% positive" in page
    assert "9 positive, 1 negative" in page
    assert reverse("feedback:received", args=["harbour"]) in page
    assert "No feedback yet" not in page
