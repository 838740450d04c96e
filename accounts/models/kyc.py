"""Identity verification: submissions per level, their documents, and daily limits per level."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from core.models import FiatCurrency
from core.uploads import extension_for, private_name


class KycLevel(models.IntegerChoices):
    EMAIL = 0, _("Level 0 - email verified")
    IDENTITY = 1, _("Level 1 - identity verified")
    ADDRESS = 2, _("Level 2 - address verified")


class KycStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class IdType(models.TextChoices):
    PASSPORT = "passport", _("Passport")
    NATIONAL_ID = "national_id", _("National identity card")
    DRIVING_LICENCE = "driving_licence", _("Driving licence")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit")


class KycSubmission(models.Model):
    """One application for a level; staff approve or reject it, and a rejected one may be
    followed by a new submission."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kyc_submissions"
    )
    level = models.PositiveSmallIntegerField(
        choices=[
            (KycLevel.IDENTITY, KycLevel.IDENTITY.label),
            (KycLevel.ADDRESS, KycLevel.ADDRESS.label),
        ]
    )
    status = models.CharField(max_length=10, choices=KycStatus.choices, default=KycStatus.PENDING)
    legal_name = models.CharField(max_length=120, blank=True)
    country = models.CharField(
        max_length=2,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Use the two-letter ISO country code."))],
    )
    id_type = models.CharField(max_length=20, choices=IdType.choices, blank=True)
    id_number = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True, help_text=_("Level 2: the address being proven."))
    submitted_at = models.DateTimeField(db_default=Now(), editable=False)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rejection_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("KYC submission")
        permissions = [("review_kyc", "Can review identity verification")]
        constraints = [
            # at most one submission per user and level waiting for review
            models.UniqueConstraint(
                fields=["user", "level"],
                condition=Q(status="pending"),
                name="accounts_kyc_one_pending_per_level",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="accounts_kyc_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} level {self.level} ({self.get_status_display()})"


class DocumentKind(models.TextChoices):
    FRONT = "front", _("Document front")
    BACK = "back", _("Document back")
    SELFIE = "selfie", _("Selfie holding the document")
    PROOF_OF_ADDRESS = "proof_of_address", _("Proof of address")


def kyc_document_path(instance: KycDocument, filename: str) -> str:
    """A random private name: nothing about the person or the upload's own name."""
    return private_name("kyc", instance.content_type)


class KycDocument(models.Model):
    """An image, validated and re-encoded on upload, served only through a checked view."""

    submission = models.ForeignKey(
        KycSubmission, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    file = models.FileField(upload_to=kyc_document_path, max_length=200)
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("KYC document")
        constraints = [
            models.UniqueConstraint(fields=["submission", "kind"], name="accounts_kyc_doc_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of submission {self.submission_id}"

    @property
    def extension(self) -> str:
        return extension_for(self.content_type)


class KycLimit(models.Model):
    """The most a user of `level` may trade per day in `fiat` (set by staff)."""

    level = models.PositiveSmallIntegerField(choices=KycLevel.choices)
    fiat = models.ForeignKey(FiatCurrency, on_delete=models.PROTECT, related_name="+")
    daily_limit = models.DecimalField(max_digits=20, decimal_places=4)

    class Meta:
        ordering = ["level", "fiat__code"]
        verbose_name = _("KYC daily limit")
        constraints = [
            models.UniqueConstraint(fields=["level", "fiat"], name="accounts_kyc_limit_once"),
            models.CheckConstraint(
                condition=Q(daily_limit__gte=0), name="accounts_kyc_limit_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"level {self.level}: {self.daily_limit} {self.fiat} a day"
