"""A person logs in and reads their wallet."""

from __future__ import annotations

from escrow import services
from tests.factories import funded_account, make_asset, make_user

from .conftest import screenshot


def test_log_in_and_read_the_wallet(live_url, page):
    user = make_user(email="carol@example.test")
    usdt = make_asset(symbol="USDT")
    mine = funded_account(user, usdt, "1250.5")
    other = services.account_for(owner=make_user(), asset=usdt)
    services.hold_open(
        debit=mine, credit=other, amount="200", kind="trade", ref="order:demo", idempotency_key="h"
    )

    page.goto(f"{live_url}/")
    screenshot(page, "home")
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Email").fill("carol@example.test")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.get_by_role("link", name="Wallet").first.click()

    row = page.locator("tr", has_text="USDT").first
    assert "1,050.5" in row.inner_text()  # available
    assert "200" in row.inner_text()  # frozen in escrow
    assert "1,250.5" in row.inner_text()  # total
    statement = page.locator("#statement")
    assert "Frozen" in statement.inner_text()
    screenshot(page, "wallet")

    page.select_option("select[name=kind]", "deposit")
    page.wait_for_function(
        "() => !document.querySelector('#statement').innerText.includes('Frozen')"
    )
    assert "kind=deposit" in page.url
    assert "Received" in statement.inner_text()
    screenshot(page, "wallet-filtered")
