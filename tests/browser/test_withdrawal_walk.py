"""The wallet end to end in two browsers: a person deposits through the simulated chain and
watches it confirm, adds an address to their book (the cooling period shortened to nothing for
the test), withdraws to it, a finance reviewer approves it in the admin, and the person's pages
show it sent and the balance down by the amount and the fee."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from accounts.services.fund_password import fund_password_set
from escrow.models import DepositAddress, Withdrawal, WithdrawalStatus
from escrow.reconciliation import reconcile
from escrow.services.simulated_chain import simulate_deposit, simulated_block
from escrow.services.withdrawals import withdrawal_send
from escrow.verification import verify
from tests.disputes.factories import restore_staff_roles
from tests.escrow.wallet_setup import FUND_PASSWORD, make_wallet
from tests.factories import make_user
from tests.servers import server_env

from .conftest import screenshot
from .test_kyc_and_payment_method_in_browser import fresh_totp_code
from .trading import log_in

WAIT = 15_000
OWN_WALLET = "T" + "k" * 33


@pytest.fixture
def live_env(transactional_db: None, tmp_path: Path) -> tuple[dict[str, str], Path]:
    """The served app with no cooling period on new addresses."""
    folder = tmp_path / "mail"
    folder.mkdir()
    env = server_env(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(folder),
        WITHDRAWAL_ADDRESS_COOLING_HOURS="0",
    )
    return env, folder


def _row(page, selector: str) -> str:
    return page.locator(selector).first.inner_text()


def test_deposit_confirm_add_an_address_withdraw_and_staff_approve(live_url, page, browser):
    wallet = make_wallet(fee="1", confirmations=2)
    symbol = wallet.asset.symbol
    person = make_user(email="wendy@example.test")
    fund_password_set(actor=person, raw=FUND_PASSWORD)
    restore_staff_roles()  # earlier transactional tests flushed the migrated groups
    reviewer = make_user(email="fay@example.test", staff=True)
    reviewer.groups.add(Group.objects.get(name="Finance"))

    # --- deposit: the address, then the chain confirms it -----------------------------------
    log_in(page, live_url, person.email)
    page.goto(f"{live_url}/wallet/deposit/?network={wallet.network.pk}")
    page.get_by_role("button", name="Get my deposit address").click()
    page.wait_for_selector("#deposit-address", timeout=WAIT)
    shown = page.locator("#deposit-address").inner_text()
    assert page.locator("svg.qr").count() == 1
    screenshot(page, "withdrawal-01-deposit-address")
    address = DepositAddress.objects.get(user=person)
    assert shown == address.address
    simulate_deposit(actor=reviewer, address_id=address.pk, amount="300")
    page.goto(f"{live_url}/wallet/")
    assert "Confirming: 0 of 2" in _row(page, "tr[data-deposit]")
    simulated_block()
    simulated_block()
    page.reload()
    assert "Credited" in _row(page, "tr[data-deposit]")
    assert "300" in page.locator("tr", has_text=symbol).first.inner_text()
    screenshot(page, "withdrawal-02-wallet-credited")

    # --- the address book --------------------------------------------------------------------
    page.goto(f"{live_url}/wallet/addresses/")
    page.get_by_label("Asset and network").select_option(label=f"{symbol} · TRON (TRC-20)")
    page.get_by_label("Label").fill("My hardware wallet")
    page.fill("#id_address", OWN_WALLET)
    page.get_by_role("button", name="Save the address").click()
    page.wait_for_selector("tr[data-entry]", timeout=WAIT)
    assert "My hardware wallet" in _row(page, "tr[data-entry]")

    # --- withdraw ----------------------------------------------------------------------------
    page.goto(f"{live_url}/wallet/withdraw/")
    assert "300" in page.locator("[data-withdrawable]").first.inner_text()
    page.get_by_label("Amount to arrive").fill("100")
    page.get_by_label("Fund password").fill(FUND_PASSWORD)
    screenshot(page, "withdrawal-03-form")
    page.get_by_role("button", name="Withdraw", exact=True).click()
    page.wait_for_url(re.compile(r"/wallet/withdrawals/W\w+/$"), timeout=WAIT)
    assert "Waiting for review" in page.locator("main").inner_text()
    withdrawal = Withdrawal.objects.get(user=person)
    screenshot(page, "withdrawal-04-waiting")

    # --- the reviewer approves in the admin ----------------------------------------------------
    staff_context = browser.new_context(viewport={"width": 1280, "height": 860})
    try:
        admin = staff_context.new_page()
        log_in(admin, live_url, reviewer.email)
        admin.wait_for_url("**/2fa/authenticate/**", timeout=WAIT)
        admin.fill("#id_code", fresh_totp_code())
        admin.get_by_role("button", name="Sign In", exact=True).click()
        admin.wait_for_load_state()
        admin.goto(f"{live_url}/admin/escrow/withdrawal/?status__exact=review")
        row = admin.locator("#result_list tbody tr", has_text=withdrawal.public_id)
        assert "first withdrawal to this address" in row.inner_text()
        row.get_by_role("link", name=withdrawal.public_id).click()
        admin.wait_for_url(re.compile(r"/admin/escrow/withdrawal/\d+/change/"), timeout=WAIT)
        assert "deposited 300" in admin.locator("main, #content").first.inner_text()
        screenshot(admin, "withdrawal-05-admin-review")
        admin.get_by_role("link", name="Approve…").click()
        admin.get_by_role("button", name="Approve", exact=True).click()
        admin.wait_for_url(re.compile(r"/change/"), timeout=WAIT)
    finally:
        staff_context.close()
    assert Withdrawal.objects.get(pk=withdrawal.pk).status == WithdrawalStatus.APPROVED

    # --- the provider sends it; two blocks confirm it -------------------------------------------
    withdrawal_send(public_id=withdrawal.public_id)
    simulated_block()
    simulated_block()
    page.reload()
    assert "Done" in page.locator("main").inner_text()
    page.goto(f"{live_url}/wallet/")
    assert "199" in page.locator("tr", has_text=symbol).first.inner_text()  # 300 - 100 - 1
    screenshot(page, "withdrawal-06-wallet-after")
    assert verify().ok
    assert reconcile().ok
