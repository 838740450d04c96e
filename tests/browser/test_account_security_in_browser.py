"""A newcomer signs up, verifies the email, turns on 2FA and sets a fund password."""

from __future__ import annotations

import re

from tests.factories import totp_code

from .conftest import read_outbox, screenshot

PASSWORD = "Correct-Horse-Battery-42"


def reauthenticate_if_asked(page, secret: str | None = None) -> None:
    """Security pages ask for the password (and a 2FA code) again before a change."""
    if "/reauthenticate/" not in page.url:
        return
    if "/2fa/" in page.url and secret:
        page.fill("#id_code", totp_code(secret))
    else:
        page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def test_sign_up_verify_enable_2fa_and_set_fund_password(live_url, page, outbox_dir):
    page.goto(f"{live_url}/accounts/signup/")
    page.fill("#id_email", "dana@example.test")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/accounts/confirm-email/")
    screenshot(page, "signup-verify-email")

    link = re.search(
        r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", read_outbox(outbox_dir, "confirm-email")
    )
    assert link, read_outbox(outbox_dir)
    page.goto(link.group(0))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    if "/accounts/login/" in page.url:
        page.fill("#id_login", "dana@example.test")
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="Sign In", exact=True).click()
        page.wait_for_load_state()

    page.goto(f"{live_url}/accounts/2fa/totp/activate/")
    reauthenticate_if_asked(page)
    secret = page.input_value("#authenticator_secret")
    page.fill("#id_code", totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_load_state()

    page.goto(f"{live_url}/security/fund-password/")
    reauthenticate_if_asked(page, secret)
    screenshot(page, "fund-password")
    page.locator("input[type=password]").nth(0).fill("Fund-Secret-2026!")
    page.locator("input[type=password]").nth(1).fill("Fund-Secret-2026!")
    page.get_by_role("button", name="Set fund password").click()
    page.wait_for_load_state()
    screenshot(page, "fund-password-set")

    page.goto(f"{live_url}/security/")
    body = page.locator("main").inner_text()
    assert "Authenticator app" in body
    assert "Set" in body
    assert "Not set" not in body
    assert "Two-factor method added" in body
    assert "Fund password set" in body
    screenshot(page, "security-page")
