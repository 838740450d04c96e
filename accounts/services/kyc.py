"""Identity verification (KYC): submissions with their documents, and staff review.

A submission and its documents are stored in one transaction. Every upload is validated and
re-encoded (otc/uploads.py) before anything is written; if anything fails afterwards, the files
already written are deleted, so a refusal leaves no row and no file behind.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.i18n import speaking_to
from core.locks import LockKind, lock_one
from core.mail import send_after_commit
from core.uploads import CleanImage, UploadRejected, clean_image

from ..models import KycDocument, KycSubmission, User
from ..models.kyc import DocumentKind, IdType, KycLevel, KycStatus
from ..selectors import kyc_can_review, kyc_submit_blocker

COUNTRY = re.compile(r"^[A-Z]{2}$")
ONE_PENDING_CONSTRAINT = "accounts_kyc_one_pending_per_level"


class KycError(DomainError):
    code = "kyc"


class KycNotAllowed(KycError):
    code = "kyc_not_allowed"


class KycInvalid(KycError):
    """Some fields or documents were refused; `errors` maps each field name to its reason."""

    code = "kyc_invalid"

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = dict(errors)


# --- submissions ------------------------------------------------------------------------------


def kyc_submit_level1(
    *,
    actor: User,
    legal_name: str,
    country: str,
    id_type: str,
    id_number: str,
    front: UploadedFile | None,
    back: UploadedFile | None,
    selfie: UploadedFile | None,
) -> KycSubmission:
    """Apply for level 1 with an identity document (front, back unless a passport, selfie)."""
    _require_allowed(user=actor, level=KycLevel.IDENTITY)
    fields = {
        "legal_name": " ".join((legal_name or "").split()),
        "country": (country or "").strip().upper(),
        "id_type": id_type,
        "id_number": (id_number or "").strip(),
    }
    errors = _level1_field_errors(fields)
    uploads: dict[str, UploadedFile | None] = {
        DocumentKind.FRONT: front,
        DocumentKind.SELFIE: selfie,
    }
    if back is not None or id_type != IdType.PASSPORT:
        uploads[DocumentKind.BACK] = back
    images = _clean_uploads(uploads, errors)
    return _submit(user=actor, level=KycLevel.IDENTITY, fields=fields, images=images)


def kyc_submit_level2(
    *, actor: User, address: str, proof_of_address: UploadedFile | None
) -> KycSubmission:
    """Apply for level 2 with an address and a document proving it (needs level 1 approved)."""
    _require_allowed(user=actor, level=KycLevel.ADDRESS)
    fields = {"address": (address or "").strip()}
    errors: dict[str, str] = {}
    if len(fields["address"]) < 10:
        errors["address"] = _("Enter your full address.")
    elif len(fields["address"]) > 500:
        errors["address"] = _("The address must be at most 500 characters.")
    images = _clean_uploads({DocumentKind.PROOF_OF_ADDRESS: proof_of_address}, errors)
    return _submit(user=actor, level=KycLevel.ADDRESS, fields=fields, images=images)


def _require_allowed(*, user: User, level: int) -> None:
    blocker = kyc_submit_blocker(user=user, level=level)
    if blocker:
        raise KycNotAllowed(blocker)


def _level1_field_errors(fields: dict[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not fields["legal_name"]:
        errors["legal_name"] = _("Enter your legal name as printed on your document.")
    elif len(fields["legal_name"]) > 120:
        errors["legal_name"] = _("The legal name must be at most 120 characters.")
    if not COUNTRY.match(fields["country"]):
        errors["country"] = _("Use the two-letter ISO country code, for example HK or US.")
    if fields["id_type"] not in IdType.values:
        errors["id_type"] = _("Choose the type of identity document.")
    if not fields["id_number"]:
        errors["id_number"] = _("Enter the number printed on your document.")
    elif len(fields["id_number"]) > 40:
        errors["id_number"] = _("The document number must be at most 40 characters.")
    return errors


def _clean_uploads(
    uploads: Mapping[str, UploadedFile | None], errors: dict[str, str]
) -> dict[str, CleanImage]:
    """Validate and re-encode every upload, collecting each refusal; raise if any failed."""
    images: dict[str, CleanImage] = {}
    for kind, upload in uploads.items():
        if upload is None:
            errors[kind] = _("Add the %(document)s image.") % {
                "document": str(DocumentKind(kind).label).lower()
            }
            continue
        try:
            images[kind] = clean_image(upload, max_bytes=settings.UPLOAD_MAX_BYTES)
        except UploadRejected as error:
            errors[kind] = error.message
    if errors:
        raise KycInvalid(errors)
    return images


def _submit(
    *, user: User, level: int, fields: dict[str, str], images: dict[str, CleanImage]
) -> KycSubmission:
    written: list[FieldFile] = []
    try:
        with transaction.atomic(durable=True):
            _require_allowed(user=user, level=level)  # again, now inside the transaction
            submission = KycSubmission.objects.create(user=user, level=level, **fields)
            for kind, image in images.items():
                document = KycDocument(
                    submission=submission,
                    kind=kind,
                    content_type=image.content_type,  # before the save: it picks the extension
                    width=image.width,
                    height=image.height,
                )
                document.file.save("document", image.content, save=False)
                written.append(document.file)
                document.save()
    except IntegrityError as error:
        _delete_files(written)
        if ONE_PENDING_CONSTRAINT in str(error):  # a second submission raced this one
            raise KycNotAllowed(
                _("Your level %(level)s submission is already waiting for review.")
                % {"level": level}
            ) from error
        raise
    except BaseException:
        _delete_files(written)
        raise
    return submission


def _delete_files(files: list[FieldFile]) -> None:
    for file in files:
        file.delete(save=False)


# --- staff review -----------------------------------------------------------------------------


def kyc_approve(
    *, submission: KycSubmission, actor: User, site_url: str | None = None
) -> KycSubmission:
    """Approve a pending submission: the user reaches its level. The user is told by email."""
    with transaction.atomic(durable=True):
        locked = _lock_for_review(submission=submission, reviewer=actor)
        locked.status = KycStatus.APPROVED
        locked.reviewed_at, locked.reviewed_by = timezone.now(), actor
        locked.save(update_fields=["status", "reviewed_at", "reviewed_by"])
        transaction.on_commit(lambda: _notify(locked, "approved", site_url))
    return locked


def kyc_reject(
    *, submission: KycSubmission, actor: User, reason: str, site_url: str | None = None
) -> KycSubmission:
    """Reject a pending submission with a reason the user reads; they may submit again."""
    reason = (reason or "").strip()
    if not reason:
        raise KycInvalid({"reason": _("Give the reason the user will read.")})
    if len(reason) > 1000:
        raise KycInvalid({"reason": _("The reason must be at most 1000 characters.")})
    with transaction.atomic(durable=True):
        locked = _lock_for_review(submission=submission, reviewer=actor)
        locked.status = KycStatus.REJECTED
        locked.reviewed_at, locked.reviewed_by = timezone.now(), actor
        locked.rejection_reason = reason
        locked.save(update_fields=["status", "reviewed_at", "reviewed_by", "rejection_reason"])
        transaction.on_commit(lambda: _notify(locked, "rejected", site_url))
    return locked


def _lock_for_review(*, submission: KycSubmission, reviewer: User) -> KycSubmission:
    if not kyc_can_review(user=reviewer):
        raise KycNotAllowed(_("Only staff with the KYC review permission may review submissions."))
    locked = lock_one(
        LockKind.USER_RECORD, KycSubmission.objects.select_related("user").filter(pk=submission.pk)
    )
    if locked is None:
        raise KycNotAllowed(_("There is no such submission."))
    if locked.user_id == reviewer.pk:
        raise KycNotAllowed(_("You may not review your own submission."))
    if locked.status != KycStatus.PENDING:
        raise KycNotAllowed(
            _("This submission was already %(status)s; only a pending submission can be reviewed.")
            % {"status": str(locked.get_status_display()).lower()}
        )
    return locked


def _site_url(site_url: str | None) -> str:
    if site_url:
        return site_url.rstrip("/")
    configured = getattr(settings, "SITE_URL", "") or next(
        iter(getattr(settings, "CSRF_TRUSTED_ORIGINS", []) or []), ""
    )
    return str(configured or "http://localhost:8000").rstrip("/")


def _notify(submission: KycSubmission, outcome: str, site_url: str | None) -> None:
    page = "accounts:kyc_level1" if submission.level == KycLevel.IDENTITY else "accounts:kyc_level2"
    context = {
        "submission": submission,
        "level": submission.level,
        "reason": submission.rejection_reason,
        "kyc_url": _site_url(site_url) + reverse("accounts:kyc"),
        "again_url": _site_url(site_url) + reverse(page),
    }
    with speaking_to(submission.user):
        subject = render_to_string(f"accounts/kyc/email/{outcome}_subject.txt", context)
        body = render_to_string(f"accounts/kyc/email/{outcome}_message.txt", context)
    send_after_commit(subject=subject, body=body, to=[submission.user.email])
