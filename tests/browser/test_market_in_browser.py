"""A merchant posts a sell ad and puts it online; a buyer finds it on the public market,
filtered by asset, currency, amount and payment method; the merchant takes it offline again."""

from __future__ import annotations

import re
from decimal import Decimal

from accounts.models import KycSubmission, PaymentMethodType, User
from accounts.services.payment_methods import (
    ensure_default_payment_method_types,
    payment_method_add,
)
from ads.models import Ad, AdStatus, Side
from core.models import FiatCurrency
from escrow.models import AccountKind
from escrow.verification import verify
from merchants.models import Merchant, MerchantApplication, MerchantTier
from tests.ads import market_factories as market
from tests.ads.factories import balance
from tests.factories import funded_account, make_asset

from .conftest import screenshot
from .trading import log_in, person

DASH = "\u2013"  # the en dash the pages put between two limits


def make_mia(tier: MerchantTier) -> User:
    """Mia: identity verified, an FPS account in her name, 5000 USDT, an active merchant."""
    mia = person("mia@example.test", "Mia")
    KycSubmission.objects.create(
        user=mia,
        level=1,
        status="approved",
        legal_name="Mia Merchant",
        country="HK",
        id_type="passport",
        id_number="X",
    )
    payment_method_add(
        actor=mia,
        method_type=PaymentMethodType.objects.get(code="fps"),
        holder_name="Mia Merchant",
        details={"fps_id": "+852 5555 0101"},
    )
    application = MerchantApplication.objects.create(
        user=mia, display_name="MiaDesk", contact="telegram @miadesk", tier=tier, status="approved"
    )
    Merchant.objects.create(user=mia, display_name="MiaDesk", tier=tier, application=application)
    return mia


def wallet_cells(page, symbol: str) -> tuple[str, str, str]:
    balances = page.locator('section[aria-labelledby="balances-title"]')
    row = balances.locator("tbody tr", has=page.locator(".asset__symbol", has_text=symbol))
    assert row.count() == 1
    return (
        row.locator('td[data-label="Available"]').inner_text().strip(),
        row.locator('td[data-label="Frozen"]').inner_text().strip(),
        row.locator('td[data-label="Total"]').inner_text().strip(),
    )


def market_rows(page) -> list[str]:
    return page.locator("#market-results tbody tr").all_inner_texts()


# Counts htmx requests in flight, so a step waits for the results a person would look at
# before acting again (a filter changed while an older answer is still coming is reset by
# that answer's out-of-band payment select).
HTMX_WATCH = """
window.__htmxBusy = 0;
window.__htmxQuietSince = performance.now();
document.addEventListener('htmx:beforeRequest', () => { window.__htmxBusy += 1; });
document.addEventListener('htmx:afterRequest', () => {
  window.__htmxBusy -= 1;
  window.__htmxQuietSince = performance.now();
});
"""


def settle(page) -> None:
    """Wait until no htmx request has been in flight for a moment."""
    page.wait_for_function(
        """() => window.__htmxBusy === 0
                 && !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')
                 && performance.now() - window.__htmxQuietSince > 300""",
        timeout=10_000,
    )


def wait_for_summary(page, text: str) -> None:
    """htmx swaps the results in; wait until they settle and the summary says what was asked."""
    try:
        settle(page)
        page.wait_for_function(
            "text => (document.querySelector('.market-summary')?.innerText || '').includes(text)",
            arg=text,
            timeout=10_000,
        )
    except Exception as error:
        shown = page.locator("#market-results").inner_text()
        raise AssertionError(f"wanted {text!r} at {page.url}; the page shows {shown!r}") from error


def test_merchant_ad_goes_online_and_a_buyer_finds_it_on_the_market(live_url, page, browser):
    # --- Setup: assets, currencies, payment types, merchants and their competing ads --------
    usdt = make_asset(symbol="USDT", precision=6)
    make_asset(symbol="BTC", precision=8)
    for code, name in (("HKD", "Hong Kong dollar"), ("USD", "US dollar")):
        FiatCurrency.objects.get_or_create(code=code, defaults={"name": name, "minor_units": 2})
    ensure_default_payment_method_types()
    hkd, usd = FiatCurrency.objects.get(code="HKD"), FiatCurrency.objects.get(code="USD")
    fps = PaymentMethodType.objects.get(code="fps")
    revolut = PaymentMethodType.objects.get(code="revolut")

    mia = make_mia(market.tier(label="Gold"))
    funded_account(mia, usdt, "5000")
    harbour = market.merchant(name="HarbourOTC")
    market.ad(
        owner=harbour,
        on=usdt,
        currency=hkd,
        price="7.95",
        remaining="2000",
        min_fiat="100",
        max_fiat="20000",
        payment=[fps],
    )
    market.ad(
        owner=market.merchant(name="DollarDesk"),
        on=usdt,
        currency=usd,
        price="1.00",
        remaining="3000",
        min_fiat="50",
        max_fiat="3000",
        payment=[revolut],
    )
    person("ben@example.test", "Ben")

    # --- Mia opens her merchant center and her ads -------------------------------------------
    log_in(page, live_url, "mia@example.test")
    page.goto(f"{live_url}/merchant/")
    main = page.locator("main")
    assert page.title().startswith("Merchant center")
    assert "merchant center" in page.locator(".eyebrow").inner_text().lower()
    assert page.locator("h1").inner_text() == "MiaDesk"
    assert "Active" in page.locator(".merchant-head__badges").inner_text()
    screenshot(page, "market-01-merchant-center")

    page.get_by_role("link", name="Manage ads").click()
    page.wait_for_url("**/merchant/ads/")
    assert "You have not posted an ad yet." in main.inner_text()
    screenshot(page, "market-02-no-ads-yet")

    # --- She posts a sell ad: 1000 USDT at 7.80 HKD, FPS ------------------------------------
    page.get_by_role("link", name="Post an ad").click()
    page.wait_for_url("**/merchant/ads/new/")
    assert page.locator("h1").inner_text() == "Post an ad"
    page.get_by_label("Sell crypto (buyers pay me)").check()
    page.select_option("#id_asset", label="USDT")
    page.select_option("#id_fiat", label="HKD")
    page.get_by_label("Fixed", exact=True).check()
    page.fill("#id_fixed_price", "7.80")
    page.fill("#id_total_quantity", "1000")
    page.select_option("#id_payment_window_minutes", label="15 minutes")
    page.fill("#id_min_order_fiat", "500")
    page.fill("#id_max_order_fiat", "7800")
    page.get_by_label("FPS: Mia Merchant (HKD)").check()
    page.fill("#id_terms", "Pay by FPS from an account in your own name. No third parties.")
    page.fill("#id_auto_reply", "Hi, I am online: pay within 15 minutes, please.")
    screenshot(page, "market-03-ad-form-filled")
    page.get_by_role("button", name="Save ad", exact=True).click()
    page.wait_for_url("**/merchant/ads/")

    ad = Ad.objects.get(merchant__user=mia)
    assert (
        f"Ad {ad.public_id} saved. It is offline: put it online when ready."
        in page.locator(".messages").inner_text()
    )
    row = page.locator(f"#ad-{ad.public_id}")
    listed = row.inner_text()
    for value in (
        "Sell",
        "USDT",
        "/HKD",
        "7.80",
        "1,000 / 1,000 USDT",
        f"500.00 {DASH} 7,800.00 HKD",
        "Offline",
    ):
        assert value in listed, value
    assert "0 online, 0 on the market now." in main.inner_text()
    screenshot(page, "market-04-ad-saved-offline")

    # --- She puts it online (htmx swaps the row) ---------------------------------------------
    row.get_by_role("button", name=re.compile(r"^Put online")).click()
    row.locator(".ads-listed").wait_for()
    assert f"Ad {ad.public_id} is online." in row.locator(".ads-row-notice").inner_text()
    assert "Online" in row.locator(".ads-status").inner_text()
    assert "On the market" in row.inner_text()
    assert row.get_by_role("button", name=re.compile(r"^Take offline")).count() == 1
    screenshot(page, "market-05-ad-online")

    page.reload()
    assert "1 online, 1 on the market now." in main.inner_text()
    assert "On the market" in page.locator(f"#ad-{ad.public_id}").inner_text()
    screenshot(page, "market-06-ad-list-online")

    # the ad's quantity is now reserved from her balance
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Wallet").click()
    page.wait_for_url("**/wallet/")
    assert wallet_cells(page, "USDT") == ("4,000", "1,000", "5,000")
    screenshot(page, "market-07-wallet-reserved")

    # --- Ben, in a browser of his own, looks for 1000 HKD of USDT paid by FPS ----------------
    ben_context = browser.new_context(viewport={"width": 1280, "height": 860})
    ben_context.add_init_script(HTMX_WATCH)
    try:
        ben = ben_context.new_page()
        log_in(ben, live_url, "ben@example.test")
        ben.goto(f"{live_url}/")
        assert "P2P market" in ben.locator("h1").inner_text()
        ben.get_by_role("navigation", name="Main").get_by_text("Ben").wait_for()

        # he picks USD first, then HKD: the USD ad shows only for USD
        ben.locator("label[for=tab-buy]").click()
        ben.locator("label[for=asset-USDT]").click()
        ben.select_option("#market-fiat", "USD")
        wait_for_summary(ben, "selling USDT for USD")
        assert any("DollarDesk" in text for text in market_rows(ben))
        ben.select_option("#market-fiat", "HKD")
        wait_for_summary(ben, "2 ads selling USDT for HKD")
        assert "(HKD)" in ben.locator("#market-amount-unit").inner_text()

        ben.fill("#market-amount", "1000")
        ben.get_by_role("button", name="Search", exact=True).click()
        wait_for_summary(ben, "covering 1000 HKD")
        ben.select_option("#market-payment", label="FPS")
        wait_for_summary(ben, "2 ads selling USDT for HKD covering 1000 HKD by FPS")
        assert "amount=1000" in ben.url, ben.url
        assert "payment=fps" in ben.url, ben.url

        rows = market_rows(ben)
        assert len(rows) == 2, rows
        first, second = rows
        assert "MiaDesk" in first
        assert "HarbourOTC" in second
        for value in ("7.80 HKD", "1,000 USDT", f"500.00 {DASH} 7,800.00 HKD", "FPS", "Buy USDT"):
            assert value in first, value
        assert "Pay within 15 min" in first
        assert "7.95 HKD" in second
        results = ben.locator("#market-results").inner_text()
        assert "DollarDesk" not in results
        assert "USD " not in results
        assert ben.locator("#tab-buy").is_checked()
        assert ben.locator("#asset-USDT").is_checked()
        screenshot(ben, "market-08-buyer-finds-miadesk-first")

        # 9000 HKD is above Mia's maximum: her ad leaves the list
        ben.fill("#market-amount", "9000")
        ben.get_by_role("button", name="Search", exact=True).click()
        wait_for_summary(ben, "1 ad selling USDT for HKD covering 9000 HKD by FPS")
        rows = market_rows(ben)
        assert len(rows) == 1, rows
        assert "HarbourOTC" in rows[0], rows
        assert "MiaDesk" not in ben.locator("#market-results").inner_text()
        screenshot(ben, "market-09-amount-above-her-maximum")

        # back to 1000: she is there again
        ben.fill("#market-amount", "1000")
        ben.get_by_role("button", name="Search", exact=True).click()
        wait_for_summary(ben, "2 ads selling USDT for HKD covering 1000 HKD by FPS")
        assert "MiaDesk" in market_rows(ben)[0]

        # --- Mia takes her ad offline; Ben reloads and it is gone ----------------------------
        page.goto(f"{live_url}/merchant/ads/")
        row = page.locator(f"#ad-{ad.public_id}")
        row.get_by_role("button", name=re.compile(r"^Take offline")).click()
        row.get_by_role("button", name=re.compile(r"^Put online")).wait_for()
        assert f"Ad {ad.public_id} is offline." in row.locator(".ads-row-notice").inner_text()
        assert "Offline" in row.locator(".ads-status").inner_text()
        assert "On the market" not in row.inner_text()
        screenshot(page, "market-10-ad-offline")

        ben.reload()
        wait_for_summary(ben, "1 ad selling USDT for HKD covering 1000 HKD by FPS")
        rows = market_rows(ben)
        assert len(rows) == 1, rows
        assert "HarbourOTC" in rows[0], rows
        assert "MiaDesk" not in ben.locator("#market-results").inner_text()
        screenshot(ben, "market-11-buyer-after-ad-offline")
    finally:
        ben_context.close()

    page.goto(f"{live_url}/wallet/")
    assert wallet_cells(page, "USDT") == ("5,000", "0", "5,000")
    screenshot(page, "market-12-wallet-released")

    # --- And the records agree -----------------------------------------------------------------
    ad.refresh_from_db()
    assert ad.status == AdStatus.OFFLINE
    assert ad.side == Side.SELL
    assert ad.asset == usdt
    assert ad.fiat == hkd
    assert ad.fixed_price == Decimal("7.80")
    assert ad.total_quantity == ad.remaining_quantity == Decimal(1000)
    assert (ad.min_order_fiat, ad.max_order_fiat) == (Decimal(500), Decimal(7800))
    assert ad.payment_window_minutes == 15
    assert ad.terms == "Pay by FPS from an account in your own name. No third parties."
    assert [m.method_type.code for m in ad.payment_methods.all()] == ["fps"]
    assert balance(mia, usdt, AccountKind.AD_RESERVE) == 0
    assert balance(mia, usdt, AccountKind.AVAILABLE) == Decimal(5000)
    assert verify().ok
