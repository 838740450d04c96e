"""A verified user reaches KYC level 1, approved by staff, and saves a payment method."""

from __future__ import annotations

import re
import time
from pathlib import Path

from PIL import Image, ImageDraw

from accounts.models import KycSubmission, UserPaymentMethod
from accounts.models.kyc import KycLevel, KycStatus
from accounts.services.payment_methods import ensure_default_payment_method_types
from tests.factories import make_user, totp_code

from .conftest import read_outbox, screenshot

PASSWORD = "a-long-test-password"  # what tests.factories.make_user sets


def make_png(folder: Path, name: str, colour: str, label: str) -> Path:
    """A small but real photo-like PNG: a coloured card with a few shapes and a caption."""
    image = Image.new("RGB", (480, 300), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((24, 24, 160, 200), fill="#e8e8e8", outline="#333333", width=3)
    draw.ellipse((60, 50, 124, 114), fill="#c9a27e")
    for row in range(4):
        draw.line((190, 60 + 36 * row, 440, 60 + 36 * row), fill="#222222", width=4)
    draw.text((190, 240), label, fill="#000000")
    path = folder / name
    image.save(path, format="PNG")
    return path


def log_in(page, live_url: str, email: str) -> None:
    page.goto(f"{live_url}/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_load_state()


def fresh_totp_code() -> str:
    """The current code, but not in the last seconds of its 30-second window (the server
    accepts only the current one)."""
    if time.time() % 30 > 27:
        time.sleep(30 - time.time() % 30 + 0.2)
    return totp_code()


def nav_link(page, name: str):
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)


def test_verified_user_reaches_kyc_level_1_and_saves_a_payment_method(
    live_url, page, browser, outbox_dir, tmp_path
):
    ensure_default_payment_method_types()
    erin = make_user(email="erin@example.test")
    staff = make_user(email="reviewer@example.test", staff=True, superuser=True)
    images = tmp_path / "images"
    images.mkdir()
    front = make_png(images, "passport-front.png", "#9fc5e8", "PASSPORT FRONT")
    back = make_png(images, "passport-back.png", "#b6d7a8", "PASSPORT BACK")
    selfie = make_png(images, "selfie.png", "#f9cb9c", "SELFIE WITH PASSPORT")

    # --- Erin logs in and sends her identity document -------------------------------------
    log_in(page, live_url, "erin@example.test")
    assert "/accounts/login/" not in page.url, page.locator("main").inner_text()
    screenshot(page, "kyc-01-erin-logged-in")

    nav_link(page, "Verification").click()
    page.wait_for_url("**/kyc/")
    main = page.locator("main")
    assert "Identity verification" in main.inner_text()
    assert "Level 0 - email verified" in page.locator(".kyc-current").inner_text()
    screenshot(page, "kyc-02-verification-page")

    page.get_by_role("link", name="Start level 1").click()
    page.wait_for_url("**/kyc/level-1/")
    assert "Level 1 · your identity" in page.locator("h1").inner_text()
    page.fill("#id_legal_name", "Erin Example")
    page.fill("#id_country", "HK")
    page.select_option("#id_id_type", "passport")
    page.fill("#id_id_number", "K1234567")
    page.set_input_files("#id_front", str(front))
    page.set_input_files("#id_back", str(back))
    page.set_input_files("#id_selfie", str(selfie))
    screenshot(page, "kyc-03-level-1-form-filled")
    page.get_by_role("button", name="Send for review", exact=True).click()
    page.wait_for_url("**/kyc/")

    body = main.inner_text()
    assert (
        "Thank you: your documents are waiting for review."
        in page.locator(".messages").inner_text()
    )
    level1 = page.locator("section", has=page.locator("#level1-title"))
    assert "Waiting for review" in level1.inner_text()
    assert "you will get an email with the result" in level1.inner_text()
    assert "Level 0 - email verified" in page.locator(".kyc-current").inner_text()
    assert "Start level 1" not in body
    screenshot(page, "kyc-04-waiting-for-review")

    # --- A staff member reviews it in the admin, in a browser of their own ----------------
    staff_context = browser.new_context(viewport={"width": 1280, "height": 860})
    try:
        admin = staff_context.new_page()
        log_in(admin, live_url, "reviewer@example.test")
        admin.wait_for_url("**/2fa/authenticate/**")
        screenshot(admin, "kyc-05-staff-two-factor")
        admin.fill("#id_code", fresh_totp_code())
        admin.get_by_role("button", name="Sign In", exact=True).click()
        admin.wait_for_load_state()
        assert "/2fa/" not in admin.url, admin.url
        assert "/accounts/login/" not in admin.url, admin.url

        nav_link(admin, "Admin").click()
        admin.wait_for_url("**/admin/")
        admin.get_by_role("link", name=re.compile(r"^kyc submissions$", re.I)).click()
        admin.wait_for_url("**/admin/accounts/kycsubmission/")
        row = admin.locator("#result_list tbody tr", has_text="Waiting for review")
        assert row.count() == 1
        screenshot(admin, "kyc-06-admin-submission-list")
        row.locator("a").first.click()
        admin.wait_for_url(re.compile(r"/admin/accounts/kycsubmission/\d+/change/$"))

        details = admin.locator("#content").inner_text()
        assert "erin@example.test" in details
        for value in ("Erin Example", "HK", "Passport", "K1234567", "Waiting for review"):
            assert value in details, value
        thumbnails = admin.locator(".field-document_images img")
        assert thumbnails.count() == 3
        for alt in ("Document front", "Document back", "Selfie holding the document"):
            assert admin.locator(f'.field-document_images img[alt="{alt}"]').count() == 1
        thumbnails.first.scroll_into_view_if_needed()
        admin.wait_for_function(
            """() => [...document.querySelectorAll('.field-document_images img')]
                   .every(img => img.complete && img.naturalWidth > 0)"""
        )
        assert "(480x300)" in admin.locator(".field-document_images").inner_text()
        screenshot(admin, "kyc-07-admin-submission-with-documents")

        admin.get_by_role("link", name="Approve…").click()
        admin.wait_for_url(re.compile(r"/admin/accounts/kycsubmission/\d+/approve/$"))
        assert "Approving gives erin@example.test" in admin.locator("#content").inner_text()
        screenshot(admin, "kyc-08-admin-confirm-approve")
        admin.get_by_role("button", name="Approve", exact=True).click()
        admin.wait_for_url(re.compile(r"/admin/accounts/kycsubmission/\d+/change/$"))
        assert (
            "Submission approved; the user was told by email."
            in admin.locator(".messagelist").inner_text()
        )
        assert "Approved" in admin.locator(".field-status").inner_text()
        assert "Reviewed." in admin.locator(".field-review_buttons").inner_text()
        screenshot(admin, "kyc-09-admin-approved")
    finally:
        staff_context.close()

    mail = read_outbox(outbox_dir, "is approved")
    assert "erin@example.test" in mail
    assert "Your identity verification (level 1) is approved" in mail

    # --- Erin sees the result and saves a bank account in her own name --------------------
    page.goto(f"{live_url}/kyc/")
    assert "Level 1 - identity verified" in page.locator(".kyc-current").inner_text()
    assert "Approved" in level1.inner_text()
    assert "reviewed" in level1.inner_text()
    assert "Start level 2" in page.locator("#level2-title").locator("..").inner_text()
    screenshot(page, "kyc-10-level-1-approved")

    nav_link(page, "Payment methods").click()
    page.wait_for_url("**/payment-methods/")
    assert "You have not saved a payment method yet." in main.inner_text()
    screenshot(page, "kyc-11-payment-methods-empty")
    page.get_by_role("link", name="Add a payment method").click()
    page.wait_for_url("**/payment-methods/add/")
    screenshot(page, "kyc-12-choose-type")
    page.locator("a.type-option", has_text="Bank transfer").click()
    page.wait_for_url("**/payment-methods/add/bank/")
    assert page.input_value("#id_holder_name") == "Erin Example"

    page.fill("#id_holder_name", "Someone Else")
    page.fill("#id_detail_bank_name", "HSBC Hong Kong")
    page.fill("#id_detail_account_number", "004-123-456789-001")
    page.fill("#id_detail_branch", "Central")
    page.get_by_role("button", name="Save Bank transfer", exact=True).click()
    page.wait_for_load_state()
    # the message stands next to the holder field it is about
    error = page.locator("main form").filter(has=page.locator("#id_holder_name"))
    assert (
        "The account holder must be you: use your verified name, Erin Example."
        in error.inner_text()
    )
    assert page.input_value("#id_detail_account_number") == "004-123-456789-001"
    screenshot(page, "kyc-13-holder-refused")

    page.fill("#id_holder_name", "Erin Example")
    page.get_by_role("button", name="Save Bank transfer", exact=True).click()
    page.wait_for_url("**/payment-methods/")
    assert "Bank transfer saved." in page.locator(".messages").inner_text()
    item = page.locator(".pm-item")
    assert item.count() == 1
    listed = item.inner_text()
    for value in ("Bank transfer", "Erin Example", "HSBC Hong Kong", "004-123-456789-001"):
        assert value in listed, value
    assert "1 of" in main.inner_text()
    screenshot(page, "kyc-14-payment-method-saved")

    # --- And the records agree ------------------------------------------------------------
    submission = KycSubmission.objects.get(user=erin)
    assert submission.level == KycLevel.IDENTITY
    assert submission.status == KycStatus.APPROVED
    assert submission.reviewed_by_id == staff.pk
    assert submission.reviewed_at is not None
    assert submission.documents.count() == 3
    method = UserPaymentMethod.objects.get(user=erin)
    assert method.method_type.code == "bank"
    assert method.holder_name == "Erin Example"
    assert method.details == {
        "bank_name": "HSBC Hong Kong",
        "account_number": "004-123-456789-001",
        "branch": "Central",
    }
