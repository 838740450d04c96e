"""The same trade in Chinese: Ben reads Traditional Chinese in Hong Kong, Mia Simplified
Chinese. Each browser chose its language; every step they click and every status they read
comes from the catalogue, and none of it is the English source text."""

from __future__ import annotations

import re

from django.utils import translation

from escrow.verification import verify
from orders.models import Order, OrderStatus
from tests.orders.factories import FUND_PASSWORD

from .conftest import screenshot
from .trading import WAIT, log_in, mia_sells_to_ben, proof_png, status_badge, wait_for_text

TRADITIONAL, SIMPLIFIED = "zh-hant", "zh-hans"
# What a Chinese page may still show in Latin letters: codes, names and what people typed.
NOT_ENGLISH = {"USDT", "HKD", "FPS", "KYC", "UTC", "Mia", "Ben", "MiaDesk", "Merchant", "Buyer"}


def said_in(language: str, english: str) -> str:
    """The catalogue's text for `english`; an entry left in English fails here."""
    with translation.override(language):
        text = translation.gettext(english)
    assert text != english, f"{english!r} has no {language} translation"
    return text


def english_words(text: str) -> list[str]:
    return [word for word in re.findall(r"[A-Za-z]{3,}", text) if word not in NOT_ENGLISH]


def open_in(browser, live_url: str, language: str):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_url}])
    return context, context.new_page()


def sign_in(page, live_url: str, email: str, language: str) -> None:
    log_in(page, live_url, email, button=said_in(language, "Sign In"))
    assert page.locator("html").get_attribute("lang") == language


def test_a_whole_trade_in_traditional_and_simplified_chinese(live_url, browser, tmp_path):
    trade = mia_sells_to_ben()
    ben_context, buyer = open_in(browser, live_url, TRADITIONAL)
    mia_context, seller = open_in(browser, live_url, SIMPLIFIED)
    try:
        # --- Ben finds Mia's ad on the market, in Traditional Chinese ------------------------
        sign_in(buyer, live_url, "ben@example.test", TRADITIONAL)
        buyer.goto(f"{live_url}/?tab=buy&asset=USDT&fiat=HKD")
        assert said_in(TRADITIONAL, "Market") in buyer.locator("header").inner_text()
        row = buyer.locator(f'#market-results tr[data-ad="{trade.ad.public_id}"]')
        row.wait_for(timeout=WAIT)
        screenshot(buyer, "trade-zh-01-buyer-market")
        row.locator(f'a[href*="{trade.ad.public_id}"]').first.click()
        buyer.wait_for_url(f"**/{trade.ad.public_id}/**", timeout=WAIT)
        buyer.fill("#id_amount", "780")
        wait_for_text(buyer, "#order-quote", "100 USDT")
        assert english_words(buyer.locator("#order-quote").inner_text()) == []
        screenshot(buyer, "trade-zh-02-buyer-order-form")
        buyer.locator(".order-form-card button[type=submit]").click()
        buyer.wait_for_url("**/orders/*/", timeout=WAIT)

        # --- the order page speaks Traditional Chinese to Ben -----------------------------------
        order = Order.objects.get(buyer=trade.ben)
        assert status_badge(buyer) == said_in(TRADITIONAL, "Awaiting payment")
        assert english_words(buyer.locator(".order-banner").inner_text()) == []
        screenshot(buyer, "trade-zh-03-buyer-order-awaiting-payment")

        # --- and Simplified Chinese to Mia ----------------------------------------------------
        sign_in(seller, live_url, "mia@example.test", SIMPLIFIED)
        seller.goto(f"{live_url}/orders/{order.public_id}/")
        assert status_badge(seller) == said_in(SIMPLIFIED, "Awaiting payment")
        assert english_words(seller.locator(".order-banner").inner_text()) == []
        screenshot(seller, "trade-zh-04-seller-order-awaiting-payment")

        # --- Ben marks it paid ----------------------------------------------------------------
        buyer.select_option("#id_method", label="FPS")
        buyer.set_input_files("#id_proofs", str(proof_png(tmp_path)))
        buyer.get_by_role("button", name=said_in(TRADITIONAL, "I have paid"), exact=True).click()
        paid = OrderStatus.PAID.label
        wait_for_text(buyer, ".order-status", said_in(TRADITIONAL, str(paid)))
        screenshot(buyer, "trade-zh-05-buyer-marked-paid")

        # --- Mia's page follows; she releases with her fund password -------------------------
        wait_for_text(seller, ".order-status", said_in(SIMPLIFIED, str(paid)))
        assert english_words(seller.locator(".order-banner").inner_text()) == []
        seller.check("#id_received")
        seller.fill("#id_fund_password", FUND_PASSWORD)
        screenshot(seller, "trade-zh-06-seller-release-form")
        release = said_in(SIMPLIFIED, "Release to the buyer")
        seller.locator(".order-release").get_by_role("button", name=release, exact=True).click()
        released = str(OrderStatus.RELEASED.label)
        wait_for_text(seller, ".order-status", said_in(SIMPLIFIED, released))
        screenshot(seller, "trade-zh-07-seller-released")
        wait_for_text(buyer, ".order-status", said_in(TRADITIONAL, released))
        assert english_words(buyer.locator(".order-banner").inner_text()) == []
        screenshot(buyer, "trade-zh-08-buyer-released")
    finally:
        ben_context.close()
        mia_context.close()

    order.refresh_from_db()
    assert order.status == OrderStatus.RELEASED
    report = verify()
    assert report.ok, report
