"""Staff review: approve, reject, who may review, and the admin screens that call the same
services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from escrow.models.transfers import Transfer
from merchants.models import ApplicationStatus, Merchant, MerchantProgram, MerchantStatus
from merchants.services import (
    MerchantInvalid,
    MerchantNotAllowed,
    merchant_approve,
    merchant_reject,
    merchant_request_resignation,
)
from tests.escrow.ledger_state import assert_ledger_verifies, snapshot
from tests.factories import make_user

from .helpers import available, eligible_user, hold_of, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(gold):
    return submit(eligible_user(funds="1200", asset=gold.collateral_asset), gold, name="Peak")


@pytest.fixture
def reviewer():
    return make_user(superuser=True)


def reviewer_with_permission():
    staff = make_user(staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="review_merchant"))
    return staff


def test_approve_creates_an_active_merchant_holding_the_collateral(
    application, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        merchant = merchant_approve(application=application, actor=reviewer)

    assert merchant.status == MerchantStatus.ACTIVE
    assert merchant.user == application.user
    assert merchant.display_name == "Peak"
    assert merchant.tier == application.tier
    assert merchant.application == application
    assert merchant.collateral_hold_id == application.collateral_hold_id
    assert merchant.business_hours == {}
    assert merchant.open_now
    assert not merchant.on_break
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert (application.reviewed_by, application.reviewed_at is not None) == (reviewer, True)
    assert hold_of(application).is_open_hold  # still frozen while a merchant
    assert available(application.user, application.tier.collateral_asset).spendable == 200
    assert [m.to for m in mail.outbox] == [[application.user.email]]
    assert "approved" in mail.outbox[0].body
    assert "Peak" in mail.outbox[0].body
    assert_ledger_verifies()


def test_reject_returns_the_collateral_and_tells_the_reason(
    application, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        merchant_reject(application=application, actor=reviewer, reason="Contact unreachable.")

    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert application.rejection_reason == "Contact unreachable."
    assert hold_of(application).status == Transfer.Status.VOIDED
    assert available(application.user, application.tier.collateral_asset).spendable == 1200
    assert not Merchant.objects.exists()
    assert "Contact unreachable." in mail.outbox[0].body
    assert_ledger_verifies()


@pytest.mark.parametrize("reason", ["", "   "])
def test_reject_needs_a_reason(application, reviewer, reason):
    before = snapshot()
    with pytest.raises(MerchantInvalid) as refused:
        merchant_reject(application=application, actor=reviewer, reason=reason)
    assert refused.value.errors == {"reason": "Give the reason the applicant will read."}
    assert snapshot() == before
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING


def test_reviewers_need_the_permission(application):
    before = snapshot()
    for who in [make_user(), make_user(staff=True)]:
        with pytest.raises(MerchantNotAllowed, match="merchant review permission"):
            merchant_approve(application=application, actor=who)
        with pytest.raises(MerchantNotAllowed, match="merchant review permission"):
            merchant_reject(application=application, actor=who, reason="No.")
    assert snapshot() == before
    assert not Merchant.objects.exists()
    # the permission alone is enough
    merchant_approve(application=application, actor=reviewer_with_permission())


def test_nobody_reviews_their_own_application(gold):
    staff = eligible_user(funds="1000", asset=gold.collateral_asset, superuser=True)
    application = submit(staff, gold)
    before = snapshot()
    with pytest.raises(MerchantNotAllowed, match="your own application"):
        merchant_approve(application=application, actor=staff)
    with pytest.raises(MerchantNotAllowed, match="your own application"):
        merchant_reject(application=application, actor=staff, reason="Me.")
    assert snapshot() == before


@pytest.mark.parametrize("decided", ["approved", "rejected", "withdrawn"])
def test_only_a_pending_application_is_reviewed(application, reviewer, decided):
    from merchants.services import merchant_withdraw_application

    if decided == "approved":
        merchant_approve(application=application, actor=reviewer)
    elif decided == "rejected":
        merchant_reject(application=application, actor=reviewer, reason="No.")
    else:
        merchant_withdraw_application(actor=application.user, application=application)
    before = snapshot()
    merchants = list(Merchant.objects.values_list("pk", "status"))
    with pytest.raises(MerchantNotAllowed, match=f"already {decided}"):
        merchant_approve(application=application, actor=reviewer)
    with pytest.raises(MerchantNotAllowed, match=f"already {decided}"):
        merchant_reject(application=application, actor=reviewer, reason="Again.")
    assert snapshot() == before
    assert list(Merchant.objects.values_list("pk", "status")) == merchants


def test_a_former_merchant_comes_back_on_the_same_record(gold, reviewer):
    from django.db.models.functions import Now

    from merchants.services import merchant_complete_resignation

    from .helpers import merchant

    first = merchant(gold)
    merchant_request_resignation(actor=first.user)
    Merchant.objects.filter(pk=first.pk).update(resign_requested_at=Now() - timedelta(days=8))
    merchant_complete_resignation(merchant=first, has_open_business=False)
    again = submit(first.user, gold, name="Peak Again")
    back = merchant_approve(application=again, actor=reviewer)
    assert back.pk == first.pk
    assert (back.status, back.display_name, back.application) == (
        MerchantStatus.ACTIVE,
        "Peak Again",
        again,
    )
    assert back.resign_requested_at is None
    assert back.resigned_at is None
    assert hold_of(again).is_open_hold
    assert_ledger_verifies()


# --- the admin ---------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client, reviewer):
    client.force_login(reviewer)
    return client


def test_application_list_and_read_only_detail_show_the_applicant(staff_client, application):
    listing = staff_client.get(
        reverse("admin:merchants_merchantapplication_changelist"), {"q": "Peak"}
    )
    assert listing.status_code == 200
    assert "Peak" in listing.content.decode()
    assert (
        staff_client.get(
            reverse("admin:merchants_merchantapplication_changelist"), {"status__exact": "pending"}
        ).status_code
        == 200
    )
    page = staff_client.get(
        reverse("admin:merchants_merchantapplication_change", args=[application.pk])
    ).content.decode()
    assert "applicant KYC level" in page.replace("Applicant", "applicant")
    assert "30 days" in page  # account age
    assert "1,000 USDT (pending, hold #" in page
    assert 'name="display_name"' not in page  # read-only
    assert "Approve…" in page
    assert "Reject…" in page


def test_admin_approve_confirms_then_approves(staff_client, application):
    url = reverse("admin:merchants_merchantapplication_approve", args=[application.pk])
    confirm = staff_client.get(url)
    assert confirm.status_code == 200
    assert "Requirements today" in confirm.content.decode()
    assert not Merchant.objects.exists()  # a GET changes nothing
    response = staff_client.post(url)
    assert response.status_code == 302
    assert Merchant.objects.get().display_name == "Peak"


def test_admin_reject_demands_a_reason(staff_client, application):
    url = reverse("admin:merchants_merchantapplication_reject", args=[application.pk])
    before = snapshot()
    response = staff_client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "Give the reason the person will read." in response.content.decode()
    assert snapshot() == before
    response = staff_client.post(url, {"reason": "Please verify your address first."})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED


def test_admin_shows_a_refusal(staff_client, application, reviewer):
    merchant_reject(application=application, actor=reviewer, reason="No.")
    url = reverse("admin:merchants_merchantapplication_approve", args=[application.pk])
    response = staff_client.post(url)
    assert response.status_code == 200
    assert "already rejected" in response.content.decode()


def test_staff_without_the_permission_cannot_review_in_the_admin(client, application):
    client.force_login(make_user(staff=True))
    before = snapshot()
    url = reverse("admin:merchants_merchantapplication_approve", args=[application.pk])
    assert client.post(url).status_code == 403
    assert snapshot() == before
    assert not Merchant.objects.exists()


def test_a_reviewer_with_only_the_permission_sees_the_applications(client, application):
    client.force_login(reviewer_with_permission())
    url = reverse("admin:merchants_merchantapplication_changelist")
    assert client.get(url).status_code == 200


def test_the_program_is_one_row_never_deleted(staff_client):
    add = reverse("admin:merchants_merchantprogram_add")
    # program fixture not used here: no row yet, so it may be added, and becomes row 1
    MerchantProgram.objects.all().delete()
    response = staff_client.post(
        add,
        {
            "min_kyc_level": "2",
            "min_account_age_days": "14",
            "min_completed_orders": "10",
            "require_2fa": "on",
            "resignation_cooling_days": "5",
        },
    )
    assert response.status_code == 302
    assert MerchantProgram.objects.get().pk == 1
    assert staff_client.get(add).status_code == 403
    listing = staff_client.get(reverse("admin:merchants_merchantprogram_changelist"))
    assert listing.status_code == 302
    assert listing["Location"].endswith("/1/change/")
    delete = reverse("admin:merchants_merchantprogram_delete", args=[1])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403


def test_tiers_are_edited_with_their_limits(staff_client, gold):
    page = staff_client.get(reverse("admin:merchants_merchanttier_change", args=[gold.pk]))
    assert page.status_code == 200
    assert "limits-TOTAL_FORMS" in page.content.decode()
    assert staff_client.get(reverse("admin:merchants_merchanttier_changelist")).status_code == 200


@pytest.mark.parametrize(
    ("language", "subject", "greeting"),
    [
        ("zh-hans", "您已成为 OTC Exchange 商家", "您的商家申请已获批准"),
        ("zh-hant", "您已成為 OTC Exchange 商家", "您的商家申請已獲批准"),
        ("", "You are now a merchant on OTC Exchange", "Your merchant application was approved"),
    ],
)
def test_the_approval_mail_is_written_in_the_applicant_s_language(
    application, reviewer, django_capture_on_commit_callbacks, language, subject, greeting
):
    application.user.language = language
    application.user.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        merchant_approve(application=application, actor=reviewer)
    sent = mail.outbox[-1]
    assert sent.subject == subject
    assert greeting in sent.body
    assert "Peak" in sent.body
