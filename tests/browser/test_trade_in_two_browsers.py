"""A whole trade in two browsers: a buyer opens an order on a merchant's sell ad from the
market, the two talk in the order's live chat, the buyer marks it paid with a proof image and
the seller releases with the fund password; each page follows the other's steps by itself."""

from __future__ import annotations

from decimal import Decimal

from escrow.models import AccountKind
from escrow.verification import verify
from orders.models import Order, OrderStatus
from tests.orders.factories import FUND_PASSWORD, balance

from .conftest import screenshot
from .trading import (
    AUTO_REPLY,
    WAIT,
    assert_flash_if_shown,
    chat_bodies,
    log_in,
    mia_sells_to_ben,
    proof_png,
    send_chat,
    status_badge,
    wait_for_text,
    wait_live,
)


def test_a_whole_trade_between_a_buyer_and_a_seller_in_two_browsers(
    live_url, page, browser, tmp_path
):
    trade = mia_sells_to_ben()
    usdt, mia, ad, ben = trade.usdt, trade.mia, trade.ad, trade.ben

    mia_context = browser.new_context(viewport={"width": 1280, "height": 860})
    try:
        buyer = page
        seller = mia_context.new_page()

        # --- Ben finds the ad on the market and opens an order for 780 HKD ------------------
        log_in(buyer, live_url, "ben@example.test")
        buyer.goto(f"{live_url}/?tab=buy&asset=USDT&fiat=HKD")
        row = buyer.locator(f'#market-results tr[data-ad="{ad.public_id}"]')
        row.wait_for(timeout=WAIT)
        assert "MiaDesk" in row.inner_text()
        screenshot(buyer, "trade-01-buyer-market")

        row.get_by_role("link", name="Buy USDT", exact=True).click()
        buyer.wait_for_url(f"**/{ad.public_id}/**", timeout=WAIT)
        assert "MiaDesk" in buyer.locator(".order-ad").inner_text()
        buyer.fill("#id_amount", "780")
        wait_for_text(buyer, "#order-quote", "100 USDT")
        quote = buyer.locator("#order-quote").inner_text()
        assert "780.00 HKD" in quote, quote
        assert "7.80 HKD" in quote, quote
        screenshot(buyer, "trade-02-buyer-order-form")
        buyer.locator(".order-form-card").get_by_role("button", name="Buy USDT", exact=True).click()
        buyer.wait_for_url("**/orders/*/", timeout=WAIT)

        order = Order.objects.get(buyer=ben)
        assert buyer.url.endswith(f"/orders/{order.public_id}/"), buyer.url
        assert order.status == OrderStatus.AWAITING_PAYMENT
        assert order.seller_id == mia.pk
        assert order.amount == Decimal(100)
        assert status_badge(buyer) == "Awaiting payment"
        banner = buyer.locator(".order-banner").inner_text()
        assert "Pay 780.00 HKD to the seller" in banner, banner
        pay_to = buyer.locator(".order-pay-to").inner_text()
        for value in ("FPS", "Mia Merchant", "+852 5555 0101"):
            assert value in pay_to, value
        countdown = buyer.locator("[data-countdown]")
        assert "Time left to pay:" in countdown.inner_text()
        # the clock ticks in the browser: m:ss, under the 15-minute window
        buyer.wait_for_function(
            """() => /^\\d{1,2}:\\d\\d$/.test(
                 document.querySelector('[data-countdown-clock]').textContent.trim())""",
            timeout=WAIT,
        )
        wait_live(buyer)
        assert AUTO_REPLY in chat_bodies(buyer)
        auto = buyer.locator(".order-chat__msg", has_text=AUTO_REPLY)
        assert auto.locator(".order-chat__who").inner_text() == "Seller"
        screenshot(buyer, "trade-03-buyer-order-awaiting-payment")

        # --- Mia opens the same order in her own browser --------------------------------------
        order_url = f"{live_url}/orders/{order.public_id}/"
        log_in(seller, live_url, "mia@example.test")
        seller.goto(order_url)
        assert status_badge(seller) == "Awaiting payment"
        banner = seller.locator(".order-banner").inner_text()
        assert "Waiting for the buyer to pay 780.00 HKD" in banner, banner
        assert seller.locator(".order-release").count() == 0  # nothing to release yet
        wait_live(seller)
        assert AUTO_REPLY in chat_bodies(seller)
        screenshot(seller, "trade-04-seller-order-awaiting-payment")

        # --- they talk: each message shows on the other page without a reload ---------------
        seller.evaluate("window.__sameDocument = true")
        buyer.evaluate("window.__sameDocument = true")
        ben_says = "Hello Mia, sending 780 HKD by FPS now."
        send_chat(buyer, ben_says)
        wait_for_text(seller, "[data-chat-list]", ben_says)
        assert seller.evaluate("window.__sameDocument === true"), "the seller's page reloaded"
        said = seller.locator(".order-chat__msg", has_text=ben_says)
        assert said.locator(".order-chat__who").inner_text() == "Buyer"
        screenshot(seller, "trade-05-seller-sees-buyer-message")

        mia_says = "Thanks Ben, I will check my account when you mark it paid."
        send_chat(seller, mia_says)
        wait_for_text(buyer, "[data-chat-list]", mia_says)
        assert buyer.evaluate("window.__sameDocument === true"), "the buyer's page reloaded"
        said = buyer.locator(".order-chat__msg", has_text=mia_says)
        assert said.locator(".order-chat__who").inner_text() == "Seller"
        screenshot(buyer, "trade-06-buyer-sees-seller-reply")

        # --- Ben sends a picture in the chat; it shows on Mia's page without a reload -----------
        buyer.set_input_files("[data-chat-image]", str(proof_png(tmp_path)))
        seller.wait_for_function(
            """() => {
                 const img = document.querySelector('[data-chat-list] .order-chat__image');
                 return !!img && img.complete && img.naturalWidth > 0;
               }""",
            timeout=WAIT,
        )
        assert seller.evaluate("window.__sameDocument === true"), "the seller's page reloaded"
        sent = seller.locator(".order-chat__msg", has=seller.locator(".order-chat__image"))
        assert sent.locator(".order-chat__who").inner_text() == "Buyer"
        assert buyer.locator("[data-chat-list] .order-chat__image").count() == 1
        screenshot(seller, "trade-06b-seller-sees-buyer-image")

        # --- Ben marks it paid by FPS with a screenshot of the transfer ---------------------
        buyer.select_option("#id_method", label="FPS")
        buyer.fill("#id_note", "Paid from my account ending 0202")
        buyer.set_input_files("#id_proofs", str(proof_png(tmp_path)))
        screenshot(buyer, "trade-07-buyer-mark-paid-form")
        buyer.get_by_role("button", name="I have paid", exact=True).click()
        wait_for_text(buyer, ".order-status", "Paid, awaiting release")
        assert_flash_if_shown(buyer, "Marked as paid.")
        assert "Waiting for the seller to release" in buyer.locator(".order-banner").inner_text()
        screenshot(buyer, "trade-08-buyer-marked-paid")

        # Mia's page reloads itself on the status event
        wait_for_text(seller, ".order-status", "Paid, awaiting release")
        assert seller.evaluate("window.__sameDocument") is None, "no reload on the seller's page"
        banner = seller.locator(".order-banner").inner_text()
        assert "The buyer says they paid 780.00 HKD" in banner, banner
        assert "By FPS" in banner, banner
        assert "Paid from my account ending 0202" in banner, banner
        thumb = seller.get_by_alt_text("Proof of payment 1")
        thumb.scroll_into_view_if_needed()
        seller.wait_for_function(
            """() => {
                 const img = document.querySelector('.order-proofs img');
                 return !!img && img.complete && img.naturalWidth > 0;
               }""",
            timeout=WAIT,
        )
        assert seller.locator(".order-proofs img").count() == 1
        wait_live(seller)
        # the chat's history came back after the reload
        for text in (AUTO_REPLY, ben_says, mia_says):
            assert text in chat_bodies(seller), text
        screenshot(seller, "trade-09-seller-sees-paid-with-proof")

        # --- Mia releases with her fund password --------------------------------------------
        release = seller.locator(".order-release")
        # the maker pays the 0.1% fee on top of the 100 USDT: 100.1 USDT is frozen
        assert release.locator("h2").inner_text() == "Release 100.1 USDT"
        seller.check("#id_received")
        seller.fill("#id_fund_password", FUND_PASSWORD)
        screenshot(seller, "trade-10-seller-release-form")
        buyer.evaluate("window.__sameDocument = true")
        release.get_by_role("button", name="Release to the buyer", exact=True).click()
        wait_for_text(seller, ".order-status", "Released")
        assert_flash_if_shown(seller, "Released: the crypto is in the buyer's wallet.")
        assert "Completed" in seller.locator(".order-banner").inner_text()
        assert seller.locator(".order-release").count() == 0
        assert seller.locator("[data-chat-form]").count() == 0
        assert "The chat is closed: this order is released." in (
            seller.locator(".order-chat__closed").inner_text()
        )
        screenshot(seller, "trade-11-seller-released")

        # Ben's page follows by itself
        wait_for_text(buyer, ".order-status", "Released")
        assert buyer.evaluate("window.__sameDocument") is None, "no reload on the buyer's page"
        banner = buyer.locator(".order-banner").inner_text()
        assert "Completed" in banner, banner
        assert "released to your wallet" in banner, banner
        assert buyer.locator("[data-chat-form]").count() == 0
        assert buyer.locator("#chat-body").count() == 0
        assert "The chat is closed" in buyer.locator(".order-chat").inner_text()
        for text in (AUTO_REPLY, ben_says, mia_says):
            assert text in chat_bodies(buyer), text
        screenshot(buyer, "trade-12-buyer-released")

        # --- Ben rates Mia; her bell counts the notice without a reload ------------------------
        seller.evaluate("window.__sameDocument = true")
        before = int(seller.locator("[data-notice-count]").inner_text() or "0")
        feedback = buyer.locator("#order-feedback")
        feedback.get_by_label("Positive").check()
        feedback.locator("textarea").fill("Quick and friendly.")
        feedback.get_by_role("button", name="Send feedback", exact=True).click()
        wait_for_text(buyer, "#order-feedback", "Your feedback")
        wait_for_text(seller, "[data-notice-count]", str(before + 1))
        assert seller.evaluate("window.__sameDocument === true"), "the seller's page reloaded"
        screenshot(seller, "trade-13-seller-notified-of-feedback")
    finally:
        mia_context.close()

    # --- And the records agree ------------------------------------------------------------------
    order.refresh_from_db()
    assert order.status == OrderStatus.RELEASED
    assert order.paid_method == "FPS"
    assert order.proofs.count() == 1
    assert order.buyer_receives == Decimal(100)
    assert balance(ben, usdt, AccountKind.AVAILABLE) == order.buyer_receives
    assert (
        balance(mia, usdt, AccountKind.AVAILABLE) + balance(mia, usdt, AccountKind.AD_RESERVE)
        == Decimal(5000) - order.escrow_amount
    )
    report = verify()
    assert report.ok, report
