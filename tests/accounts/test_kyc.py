"""Identity verification: submitting levels, refusals that store nothing, the checked document
download, staff review in the admin, and the daily-limit selector."""

from __future__ import annotations

import io
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from PIL import Image

from accounts.models import KycDocument, KycLimit, KycSubmission, User
from accounts.models.kyc import KycStatus
from accounts.selectors import kyc_daily_limit, kyc_level
from accounts.services import kyc as kyc_services
from accounts.services.kyc import (
    KycInvalid,
    KycNotAllowed,
    kyc_approve,
    kyc_reject,
    kyc_submit_level1,
    kyc_submit_level2,
)
from core.models import FiatCurrency
from core.staff_actions import StaffActionKind
from riskadmin.models import StaffAction
from tests.concurrency import race
from tests.factories import make_user

from .test_uploads import image_bytes, upload

pytestmark = pytest.mark.django_db

MARKER = b"SpyCam-Maker-1234"


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def files_in(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def stored() -> tuple[int, int]:
    return KycSubmission.objects.count(), KycDocument.objects.count()


def jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = MARKER.decode()  # Make
    exif[0x0112] = 6  # Orientation: rotate 90 degrees on display
    return image_bytes("JPEG", (64, 48), exif=exif.tobytes())


def level1_data(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "legal_name": "  Alice   Example ",
        "country": "hk",
        "id_type": "national_id",
        "id_number": "A123456(7)",
        "front": upload("front.jpg", jpeg_with_exif()),
        "back": upload("back.png", image_bytes("PNG"), "image/png"),
        "selfie": upload("selfie.webp", image_bytes("WEBP"), "image/webp"),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def submit_level1(user: User) -> KycSubmission:
    return kyc_submit_level1(
        actor=user,
        legal_name="Alice Example",
        country="HK",
        id_type="passport",
        id_number="K1234567",
        front=upload("front.jpg", image_bytes()),
        back=None,
        selfie=upload("selfie.jpg", image_bytes()),
    )


def reviewer() -> User:
    user = make_user(staff=True)
    user.user_permissions.add(Permission.objects.get(codename="review_kyc"))
    return User.objects.get(pk=user.pk)  # a fresh instance: no stale permission cache


@pytest.fixture
def user_client(client):
    user = make_user()
    client.force_login(user)
    client.user = user
    return client


# --- submitting --------------------------------------------------------------------------------


def test_level1_submission_stores_re_encoded_documents_without_exif(user_client, media):
    response = user_client.post(reverse("accounts:kyc_level1"), level1_data())
    assert response.status_code == 302
    assert response.url == reverse("accounts:kyc")
    submission = KycSubmission.objects.get(user=user_client.user)
    assert (submission.level, submission.status) == (1, KycStatus.PENDING)
    assert (submission.legal_name, submission.country) == ("Alice Example", "HK")
    documents = {d.kind: d for d in submission.documents.all()}
    assert sorted(documents) == ["back", "front", "selfie"]
    assert {kind: d.content_type for kind, d in documents.items()} == {
        "front": "image/jpeg",
        "back": "image/png",
        "selfie": "image/webp",
    }
    front = documents["front"]
    assert front.file.name.startswith("kyc/")
    assert front.file.name.endswith(".jpg")
    assert "front" not in front.file.name  # the person's file name is never used
    assert (front.width, front.height) == (48, 64)  # turned upright from the EXIF orientation
    raw = (media / front.file.name).read_bytes()
    assert MARKER not in raw
    assert b"Exif" not in raw
    assert not Image.open(io.BytesIO(raw)).getexif()
    assert len(files_in(media)) == 3


def test_passport_needs_no_back(user_client):
    data = level1_data(id_type="passport", back=None)
    response = user_client.post(reverse("accounts:kyc_level1"), data)
    assert response.status_code == 302
    assert KycDocument.objects.filter(submission__user=user_client.user).count() == 2


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        pytest.param(
            {"selfie": upload("selfie.jpg", PDF)},
            "selfie",
            "selfie.jpg is not a JPEG, PNG or WebP image.",
            id="non-image",
        ),
        pytest.param(
            {"front": upload("front.jpg", image_bytes() + b"\0" * (5 * 1024 * 1024))},
            "front",
            "front.jpg is larger than 5 MB.",
            id="over-5-mb",
        ),
        pytest.param(
            {"back": None},
            "back",
            "Add the back of the document (only a passport has none).",
            id="no-back-for-an-id-card",
        ),
        pytest.param(
            {"country": "Hong Kong"},
            "country",
            "Ensure this value has at most 2 characters (it has 9).",
            id="country-not-iso",
        ),
        pytest.param(
            {"country": "h1"},
            "country",
            "Use the two-letter ISO country code, for example HK.",
            id="country-not-letters",
        ),
        pytest.param({"selfie": None}, "selfie", "Add the selfie image.", id="selfie-missing"),
    ],
)
def test_refused_level1_shows_the_reason_and_stores_nothing(
    user_client, media, changes, field, message
):
    response = user_client.post(reverse("accounts:kyc_level1"), level1_data(**changes))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert "Nothing was saved" in response.content.decode()
    assert stored() == (0, 0)
    assert files_in(media) == []


def test_service_refuses_every_bad_field_at_once(media):
    with pytest.raises(KycInvalid) as refused:
        kyc_submit_level1(
            actor=make_user(),
            legal_name=" ",
            country="xyz",
            id_type="library_card",
            id_number="",
            front=upload("front.gif", image_bytes("GIF")),
            back=None,
            selfie=upload("selfie.jpg", image_bytes()),
        )
    assert set(refused.value.errors) == {
        "legal_name",
        "country",
        "id_type",
        "id_number",
        "front",
        "back",
    }
    assert refused.value.errors["front"] == "front.gif is not a JPEG, PNG or WebP image."
    assert stored() == (0, 0)
    assert files_in(media) == []


def test_files_written_are_removed_when_the_transaction_fails(monkeypatch, media):
    saved: list[KycDocument] = []
    original = KycDocument.save

    def fail_on_second(self: KycDocument, *args: Any, **kwargs: Any) -> None:
        if saved:
            raise RuntimeError("disk full")
        saved.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(KycDocument, "save", fail_on_second)
    with pytest.raises(RuntimeError):
        submit_level1(make_user())
    assert stored() == (0, 0)
    assert files_in(media) == []


def test_second_pending_submission_is_refused(user_client, media):
    url = reverse("accounts:kyc_level1")
    assert user_client.post(url, level1_data()).status_code == 302
    before, files = stored(), files_in(media)
    response = user_client.post(url, level1_data())
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Your level 1 submission is already waiting for review."
    ]
    assert stored() == before
    assert files_in(media) == files
    # the form itself is not offered while waiting
    page = user_client.get(url, follow=True)
    assert page.redirect_chain[-1][0] == reverse("accounts:kyc")
    assert "already waiting for review" in page.content.decode()


def test_an_approved_level_cannot_be_submitted_again(media):
    user = make_user()
    kyc_approve(submission=submit_level1(user), actor=reviewer())
    before, files = stored(), files_in(media)
    with pytest.raises(KycNotAllowed, match="Level 1 is already approved"):
        submit_level1(user)
    assert stored() == before
    assert files_in(media) == files


def test_level2_needs_level1(user_client, media):
    response = user_client.get(reverse("accounts:kyc_level2"), follow=True)
    assert "Level 2 needs an approved level 1 identity check first." in response.content.decode()
    response = user_client.post(
        reverse("accounts:kyc_level2"),
        {
            "address": "1 Queen's Road Central, Hong Kong",
            "proof_of_address": upload("bill.jpg", image_bytes()),
        },
    )
    assert response.context["form"].non_field_errors() == [
        "Level 2 needs an approved level 1 identity check first."
    ]
    assert stored() == (0, 0)
    assert files_in(media) == []


def test_level2_flow(user_client, media, django_capture_on_commit_callbacks):
    user = user_client.user
    with django_capture_on_commit_callbacks(execute=True):
        kyc_approve(submission=submit_level1(user), actor=reviewer())
    assert user_client.get(reverse("accounts:kyc_level2")).status_code == 200
    response = user_client.post(
        reverse("accounts:kyc_level2"),
        {
            "address": "1 Queen's Road Central\nHong Kong",
            "proof_of_address": upload("bill.png", image_bytes("PNG"), "image/png"),
        },
    )
    assert response.status_code == 302
    submission = KycSubmission.objects.get(user=user, level=2)
    assert submission.address == "1 Queen's Road Central\nHong Kong"
    assert [d.kind for d in submission.documents.all()] == ["proof_of_address"]
    assert kyc_level(user=user) == 1
    with django_capture_on_commit_callbacks(execute=True):
        kyc_approve(submission=submission, actor=reviewer())
    assert kyc_level(user=user) == 2
    page = user_client.get(reverse("accounts:kyc")).content.decode()
    assert "Level 2 - address verified" in page


def test_level2_refuses_a_short_address_and_a_bad_image(media):
    user = make_user()
    kyc_approve(submission=submit_level1(user), actor=reviewer())
    before, files = stored(), files_in(media)
    with pytest.raises(KycInvalid) as refused:
        kyc_submit_level2(actor=user, address="HK", proof_of_address=upload("bill.jpg", PDF))
    assert refused.value.errors == {
        "address": "Enter your full address.",
        "proof_of_address": "bill.jpg is not a JPEG, PNG or WebP image.",
    }
    assert stored() == before
    assert files_in(media) == files


# --- the overview page -------------------------------------------------------------------------


def test_overview_shows_level_limits_and_latest_status(user_client):
    hkd, _ = FiatCurrency.objects.get_or_create(code="HKD", defaults={"name": "Hong Kong dollar"})
    KycLimit.objects.create(level=0, fiat=hkd, daily_limit=Decimal("1000"))
    KycLimit.objects.create(level=1, fiat=hkd, daily_limit=Decimal("50000"))
    page = user_client.get(reverse("accounts:kyc"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Level 0 - email verified" in text
    assert "HKD" in text
    assert "50,000.00" in text  # a fiat figure: separated, two places
    assert reverse("accounts:kyc_level1") in text
    assert reverse("accounts:kyc_level2") not in text  # level 2 not possible yet


@pytest.mark.parametrize(
    ("level0_limits", "says", "never_says"),
    [
        (["0", "0"], "trading starts at level 1", "trade within"),
        (["0", "500"], "trade within the level 0 limits", "trading starts at level 1"),
        ([], "trade within the level 0 limits", "trading starts at level 1"),  # none set
    ],
)
def test_what_level_0_may_do_agrees_with_the_limit_table(
    user_client, level0_limits, says, never_says
):
    for code, limit in zip(("HKD", "CNY"), level0_limits, strict=False):
        fiat, _ = FiatCurrency.objects.get_or_create(code=code, defaults={"name": code})
        KycLimit.objects.create(level=0, fiat=fiat, daily_limit=Decimal(limit))
        KycLimit.objects.create(level=1, fiat=fiat, daily_limit=Decimal("50000"))
    text = " ".join(user_client.get(reverse("accounts:kyc")).content.decode().split())
    assert says in text
    assert never_says not in text


def test_overview_requires_login(client):
    response = client.get(reverse("accounts:kyc"))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


# --- document download -------------------------------------------------------------------------


@pytest.fixture
def document(media) -> KycDocument:
    return submit_level1(make_user()).documents.get(kind="front")


def test_owner_gets_the_document_with_safe_headers(client, document):
    client.force_login(document.submission.user)
    response = client.get(reverse("accounts:kyc_document", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    body = b"".join(response.streaming_content)
    assert body == document.file.open("rb").read()


def test_someone_else_gets_404(client, document):
    client.force_login(make_user())
    assert client.get(reverse("accounts:kyc_document", args=[document.pk])).status_code == 404
    assert client.get(reverse("accounts:kyc_document", args=[999_999])).status_code == 404


def test_anonymous_is_sent_to_log_in(client, document):
    response = client.get(reverse("accounts:kyc_document", args=[document.pk]))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_kyc_staff_may_see_documents_other_staff_may_not(client, document):
    url = reverse("accounts:kyc_document", args=[document.pk])
    client.force_login(reviewer())
    assert client.get(url).status_code == 200
    client.force_login(make_user(superuser=True))
    assert client.get(url).status_code == 200
    client.force_login(make_user(staff=True))
    assert client.get(url).status_code == 404


# --- staff review ------------------------------------------------------------------------------


def test_admin_lists_and_shows_thumbnails_but_allows_no_edits(client, document):
    client.force_login(reviewer())
    submission = document.submission
    listing = client.get(reverse("admin:accounts_kycsubmission_changelist"))
    assert listing.status_code == 200
    assert submission.user.email in listing.content.decode()
    search = client.get(reverse("admin:accounts_kycsubmission_changelist"), {"q": "Alice Example"})
    assert submission.user.email in search.content.decode()
    page = client.get(reverse("admin:accounts_kycsubmission_change", args=[submission.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert f'src="{reverse("accounts:kyc_document", args=[document.pk])}"' in text
    assert 'name="legal_name"' not in text  # read-only
    assert reverse("admin:accounts_kycsubmission_approve", args=[submission.pk]) in text
    assert client.get(reverse("admin:accounts_kycsubmission_add")).status_code == 403
    delete = reverse("admin:accounts_kycsubmission_delete", args=[submission.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert stored() == (1, 2)


def test_staff_without_the_permission_cannot_open_reviews(client, document):
    client.force_login(make_user(staff=True))
    submission = document.submission
    assert client.get(reverse("admin:accounts_kycsubmission_changelist")).status_code == 403
    url = reverse("admin:accounts_kycsubmission_approve", args=[submission.pk])
    assert client.post(url).status_code == 403
    submission.refresh_from_db()
    assert submission.status == KycStatus.PENDING


def test_admin_approve_raises_the_level_and_emails_the_user(
    client, document, django_capture_on_commit_callbacks
):
    staff = reviewer()
    client.force_login(staff)
    submission = document.submission
    url = reverse("admin:accounts_kycsubmission_approve", args=[submission.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.status, submission.reviewed_by) == (KycStatus.APPROVED, staff)
    assert submission.reviewed_at is not None
    assert kyc_level(user=submission.user) == 1
    [email] = mail.outbox
    assert email.to == [submission.user.email]
    assert email.subject == "Your identity verification (level 1) is approved"
    assert "http://testserver/kyc/" in email.body


def test_admin_reject_needs_a_reason_and_the_user_may_submit_again(
    client, document, django_capture_on_commit_callbacks
):
    client.force_login(reviewer())
    submission = document.submission
    url = reverse("admin:accounts_kycsubmission_reject", args=[submission.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["This field is required."]
    submission.refresh_from_db()
    assert submission.status == KycStatus.PENDING
    assert mail.outbox == []

    reason = "The photo of the front is blurred & the number can't be read."
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": reason})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.status, submission.rejection_reason) == (KycStatus.REJECTED, reason)
    [email] = mail.outbox
    assert reason in email.body  # as typed, not HTML-escaped
    assert "http://testserver/kyc/level-1/" in email.body
    assert kyc_level(user=submission.user) == 0

    client.force_login(submission.user)
    overview = client.get(reverse("accounts:kyc")).content.decode()
    assert "Submit again" in overview
    assert "the number can&#x27;t be read" in overview
    assert client.get(reverse("accounts:kyc_level1")).status_code == 200
    again = submit_level1(submission.user)
    assert again.status == KycStatus.PENDING


def test_service_refuses_an_empty_reason():
    submission = submit_level1(make_user())
    with pytest.raises(KycInvalid, match="Give the reason"):
        kyc_reject(submission=submission, actor=reviewer(), reason="  \n ")
    submission.refresh_from_db()
    assert submission.status == KycStatus.PENDING


def test_nobody_reviews_their_own_submission(client, django_capture_on_commit_callbacks):
    staff = reviewer()
    submission = submit_level1(staff)
    for review in (
        lambda: kyc_approve(submission=submission, actor=staff),
        lambda: kyc_reject(submission=submission, actor=staff, reason="Looks fine to me"),
    ):
        with pytest.raises(KycNotAllowed, match="You may not review your own submission"):
            review()
    client.force_login(staff)
    url = reverse("admin:accounts_kycsubmission_approve", args=[submission.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert "You may not review your own submission." in response.content.decode()
    submission.refresh_from_db()
    assert (submission.status, submission.reviewed_by) == (KycStatus.PENDING, None)
    assert mail.outbox == []


def test_only_a_pending_submission_can_be_reviewed(django_capture_on_commit_callbacks):
    first, second = reviewer(), reviewer()
    submission = submit_level1(make_user())
    with django_capture_on_commit_callbacks(execute=True):
        kyc_approve(submission=submission, actor=first)
    submission.refresh_from_db()
    before = (submission.status, submission.reviewed_at, submission.reviewed_by_id)
    for review in (
        lambda: kyc_approve(submission=submission, actor=second),
        lambda: kyc_reject(submission=submission, actor=second, reason="Changed my mind"),
    ):
        with (
            django_capture_on_commit_callbacks(execute=True),
            pytest.raises(KycNotAllowed, match="already approved"),
        ):
            review()
    submission.refresh_from_db()
    assert (submission.status, submission.reviewed_at, submission.reviewed_by_id) == before
    assert submission.rejection_reason == ""
    assert len(mail.outbox) == 1


def test_a_reviewer_needs_the_permission():
    submission = submit_level1(make_user())
    for somebody in (make_user(), make_user(staff=True)):
        with pytest.raises(KycNotAllowed, match="KYC review permission"):
            kyc_approve(submission=submission, actor=somebody)
    kyc_approve(submission=submission, actor=make_user(superuser=True))
    submission.refresh_from_db()
    assert submission.status == KycStatus.APPROVED


def test_limits_are_editable_in_the_admin(client):
    client.force_login(make_user(superuser=True))
    assert client.get(reverse("admin:accounts_kyclimit_add")).status_code == 200
    assert client.get(reverse("admin:accounts_kyclimit_changelist")).status_code == 200


# --- daily limit selector ----------------------------------------------------------------------


def test_daily_limit_follows_the_level():
    user = make_user()
    hkd, _ = FiatCurrency.objects.get_or_create(code="HKD", defaults={"name": "Hong Kong dollar"})
    assert kyc_daily_limit(user=user, fiat_code="HKD") is None  # nothing configured
    KycLimit.objects.create(level=0, fiat=hkd, daily_limit=Decimal("1000"))
    KycLimit.objects.create(level=1, fiat=hkd, daily_limit=Decimal("50000"))
    assert kyc_daily_limit(user=user, fiat_code="hkd") == Decimal("1000")
    kyc_approve(submission=submit_level1(user), actor=reviewer())
    assert kyc_daily_limit(user=user, fiat_code="HKD") == Decimal("50000")
    assert kyc_daily_limit(user=user, fiat_code="USD") is None


# --- races (real threads, real transactions) ---------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_racing_submissions_store_one(monkeypatch, media):
    """Both pass the friendly check; the database constraint refuses the second, whose files
    are removed."""
    user = make_user()
    both_checked = threading.Barrier(2)
    real_check = kyc_services.kyc_submit_blocker

    def check_then_wait(**kwargs: Any) -> str | None:
        blocker = real_check(**kwargs)
        both_checked.wait(timeout=10)
        return blocker

    monkeypatch.setattr(kyc_services, "kyc_submit_blocker", check_then_wait)
    results = race([lambda: submit_level1(user), lambda: submit_level1(user)])
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1
    assert isinstance(refused[0], KycNotAllowed)
    assert refused[0].message == "Your level 1 submission is already waiting for review."
    assert stored() == (1, 2)
    assert len(files_in(media)) == 2


@pytest.mark.django_db(transaction=True)
def test_racing_reviews_end_once(media):
    submission = submit_level1(make_user())
    results = race(
        [
            lambda: kyc_approve(submission=submission, actor=reviewer()),
            lambda: kyc_reject(submission=submission, actor=reviewer(), reason="Blurred"),
        ]
    )
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1
    assert isinstance(refused[0], KycNotAllowed)
    submission.refresh_from_db()
    assert submission.status in (KycStatus.APPROVED, KycStatus.REJECTED)
    assert len(mail.outbox) == 1


def test_a_reviewer_viewing_a_document_is_recorded_and_the_owner_is_not(client, document):
    url = reverse("accounts:kyc_document", args=[document.pk])
    client.force_login(document.submission.user)
    assert client.get(url).status_code == 200
    assert not StaffAction.objects.exists()
    staff = reviewer()
    client.force_login(staff)
    assert client.get(url, REMOTE_ADDR="192.0.2.8").status_code == 200
    action = StaffAction.objects.get()
    assert (action.actor, action.action) == (staff, StaffActionKind.KYC_DOCUMENT_VIEWED)
    assert (action.target_model, action.target_id) == ("accounts.KycDocument", str(document.pk))
    assert action.ip == "192.0.2.8"
