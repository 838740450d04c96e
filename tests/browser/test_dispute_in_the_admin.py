"""A dispute from the appeal to the decision, in two browsers: the buyer of a paid order the
seller does not release appeals from the order page and adds evidence; a customer-service agent
logs into the admin with 2FA, finds the case in the queue, claims it, reviews the case screen
and releases the crypto to the buyer; the buyer's order page shows it released."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from disputes.models import Dispute, DisputeStatus, Outcome
from escrow.verification import verify
from orders import services as order_services
from orders.models import Order, OrderStatus
from tests.disputes.factories import Trades, no_approval_needed, restore_staff_roles
from tests.factories import make_user
from tests.orders.factories import place

from .conftest import screenshot
from .test_kyc_and_payment_method_in_browser import fresh_totp_code, log_in
from .test_trade_in_two_browsers import proof_png, status_badge, wait_for_text

WAIT = 15_000
DESCRIPTION = "I paid 780 HKD by FPS at 10:02 from my own account; the seller has not released."
BUYER_SAYS = "My bank confirms the FPS transfer, reference FPS-0202-778."
REASON = "The buyer's bank confirmation matches the order amount, time and reference."


def png_upload() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (30, 120, 200)).save(buffer, "PNG")
    return SimpleUploadedFile("fps.png", buffer.getvalue(), content_type="image/png")


def test_a_dispute_from_the_appeal_to_the_release_in_the_admin(
    live_url, page, browser, tmp_path, settings, private_media
):
    # --- Setup: a paid order with a proof, whose appeal time has come -------------------------
    settings.MEDIA_ROOT = private_media  # the proof stored here is the one the server serves
    market = Trades()
    no_approval_needed(market)  # a decision this size is carried out at once
    buyer = market.buyer()
    order = place(buyer, market.trade_ad(), fiat="780")
    order_services.order_mark_paid(
        actor=buyer, public_id=order.public_id, method="FPS", proofs=[png_upload()]
    )
    Order.objects.filter(pk=order.pk).update(appeal_after=timezone.now() - timedelta(minutes=1))
    restore_staff_roles()  # earlier transactional tests flushed the migrated groups
    agent = make_user(email="agent@example.test", staff=True)
    agent.groups.add(Group.objects.get(name="Arbiter"))  # claims the case and decides it
    order_url = f"{live_url}/orders/{order.public_id}/"

    # --- The buyer appeals from the order page, then adds evidence ----------------------------
    log_in(page, live_url, buyer.email)
    page.goto(order_url)
    page.get_by_role("link", name="Appeal", exact=True).click()
    page.wait_for_url(f"**/disputes/new/{order.public_id}/", timeout=WAIT)
    page.select_option("#id_reason", value="not_released")
    page.fill("#id_description", DESCRIPTION)
    screenshot(page, "dispute-01-buyer-appeal-form")
    page.get_by_role("button", name="Open the appeal", exact=True).click()
    page.wait_for_url(re.compile(r"/disputes/D\w+/$"), timeout=WAIT)
    dispute = Dispute.objects.get(order=order)
    assert dispute.status == DisputeStatus.OPEN
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DISPUTED
    screenshot(page, "dispute-02-buyer-appeal-open")

    evidence = page.locator("#dispute-evidence")
    evidence.locator("textarea").fill(BUYER_SAYS)
    evidence.locator('input[type="file"]').set_input_files(str(proof_png(tmp_path)))
    evidence.get_by_role("button", name="Add evidence", exact=True).click()
    wait_for_text(page, "#dispute-evidence", BUYER_SAYS)
    screenshot(page, "dispute-03-buyer-evidence-added")

    # --- The agent logs into the admin with 2FA and finds the case in the queue ---------------
    staff_context = browser.new_context(viewport={"width": 1280, "height": 860})
    try:
        admin = staff_context.new_page()
        log_in(admin, live_url, "agent@example.test")
        admin.wait_for_url("**/2fa/authenticate/**", timeout=WAIT)
        admin.fill("#id_code", fresh_totp_code())
        admin.get_by_role("button", name="Sign In", exact=True).click()
        admin.wait_for_load_state()
        assert "/2fa/" not in admin.url, admin.url
        assert "/accounts/login/" not in admin.url, admin.url

        admin.goto(f"{live_url}/admin/disputes/dispute/")
        admin.get_by_role("link", name="Unassigned", exact=True).click()
        admin.wait_for_url("**assigned=unassigned**", timeout=WAIT)
        row = admin.locator("#result_list tbody tr", has_text=dispute.public_id)
        assert row.count() == 1
        assert "780.00 HKD" in row.inner_text()
        assert "buyer" in row.inner_text()
        screenshot(admin, "dispute-04-admin-queue")
        row.get_by_role("link", name=dispute.public_id).click()
        admin.wait_for_url(re.compile(r"/admin/disputes/dispute/\d+/change/"), timeout=WAIT)

        # --- the case screen: order, parties, proof, chat, escrow, both sides' evidence -------
        case = admin.locator("#case")
        assert DESCRIPTION in case.inner_text()
        assert BUYER_SAYS in admin.locator("#case-evidence-buyer").inner_text()
        assert f"#{order.hold_id}" in admin.locator("#case-escrow").inner_text()
        assert "Payment proof 1" in admin.locator("#case-proofs").inner_html()
        admin.wait_for_function(
            """() => [...document.querySelectorAll('#case-proofs img, #case-evidence-buyer img')]
                   .every(img => img.complete && img.naturalWidth > 0)""",
            timeout=WAIT,
        )
        assert admin.locator("#case-evidence-buyer img").count() == 1
        assert admin.get_by_role("link", name="Decide…").count() == 0  # not claimed yet
        screenshot(admin, "dispute-05-admin-case-screen")

        # --- claim ---------------------------------------------------------------------------
        admin.get_by_role("link", name="Claim…").click()
        admin.wait_for_url("**/claim/", timeout=WAIT)
        screenshot(admin, "dispute-06-admin-confirm-claim")
        admin.get_by_role("button", name="Claim", exact=True).click()
        admin.wait_for_url(re.compile(r"/change/"), timeout=WAIT)
        assert "is yours now" in admin.locator(".messagelist").inner_text()

        # --- decide: release to the buyer, with a reason --------------------------------------
        admin.get_by_role("link", name="Decide…").click()
        admin.wait_for_url("**/decide/", timeout=WAIT)
        outcomes = admin.locator("#outcomes").inner_text()
        assert "100 " in outcomes, outcomes
        assert "to the buyer" in outcomes, outcomes
        assert "carried out at once" in admin.locator("#approval-needed").inner_text()
        admin.get_by_label(str(Outcome.RELEASE.label)).check()
        admin.fill("#id_reason", REASON)
        screenshot(admin, "dispute-07-admin-confirm-decision")
        admin.get_by_role("button", name="Decide", exact=True).click()
        admin.wait_for_url(re.compile(r"/change/"), timeout=WAIT)
        assert "Decided: release to the buyer." in admin.locator(".messagelist").inner_text()
        assert "Decided" in admin.locator("#case").inner_text()
        screenshot(admin, "dispute-08-admin-decided")
    finally:
        staff_context.close()

    # --- The buyer's order page shows it released ------------------------------------------
    page.goto(order_url)
    wait_for_text(page, ".order-status", "Released")
    assert status_badge(page) == "Released"
    screenshot(page, "dispute-09-buyer-order-released")

    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.RESOLVED
    assert dispute.outcome == Outcome.RELEASE
    assert dispute.assigned_to_id == agent.pk
    report = verify()
    assert report.ok, report
