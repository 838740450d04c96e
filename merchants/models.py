"""The merchant program: requirements, tiers, applications and merchants."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from core.fields import AmountField, FiatField
from core.models import FiatCurrency
from escrow.models import Asset


class MerchantProgram(models.Model):
    """What an applicant must meet, set by staff. One row (pk 1)."""

    min_kyc_level = models.PositiveSmallIntegerField(default=1)
    min_account_age_days = models.PositiveIntegerField(default=7)
    min_completed_orders = models.PositiveIntegerField(default=0)
    require_2fa = models.BooleanField(default=True)
    resignation_cooling_days = models.PositiveIntegerField(
        default=7, help_text="Days after the last ad or order before collateral comes back."
    )

    class Meta:
        verbose_name = "merchant program requirements"
        verbose_name_plural = "merchant program requirements"

    def __str__(self) -> str:
        return "Merchant program requirements"


class MerchantTier(models.Model):
    """A level of merchant: its collateral, badge and trading limits."""

    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=60)
    badge_label = models.CharField(max_length=30)
    badge_color = models.CharField(max_length=7, default="#0f766e", help_text="#rrggbb")
    collateral_asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="+")
    collateral_amount = AmountField()
    sort_order = models.PositiveSmallIntegerField(default=100)
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["sort_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(collateral_amount__gt=0), name="merchants_tier_collateral_positive"
            ),
            models.CheckConstraint(
                condition=Q(badge_color__regex=r"^#[0-9a-fA-F]{6}$"),
                name="merchants_tier_badge_color",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TierLimit(models.Model):
    """A tier's per-order and daily ceilings in one fiat currency."""

    tier = models.ForeignKey(MerchantTier, on_delete=models.CASCADE, related_name="limits")
    fiat = models.ForeignKey(FiatCurrency, on_delete=models.PROTECT, related_name="+")
    per_order_max = FiatField()
    daily_max = FiatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tier", "fiat"], name="merchants_tier_limit_once"),
            models.CheckConstraint(
                condition=Q(per_order_max__gt=0, daily_max__gte=F("per_order_max")),
                name="merchants_tier_limit_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tier} {self.fiat}"


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class MerchantApplication(models.Model):
    """An application, with the tier's collateral frozen in escrow while it is reviewed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="merchant_applications"
    )
    display_name = models.CharField(max_length=40)
    contact = models.CharField(max_length=200, help_text="How staff can reach the applicant.")
    tier = models.ForeignKey(MerchantTier, on_delete=models.PROTECT, related_name="+")
    assets = models.ManyToManyField(Asset, related_name="+")
    fiats = models.ManyToManyField(FiatCurrency, related_name="+")
    status = models.CharField(
        max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )
    collateral_hold_id = models.BigIntegerField(
        null=True, blank=True, help_text="The escrow hold freezing the collateral."
    )
    submitted_at = models.DateTimeField(db_default=Now(), editable=False)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rejection_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        permissions = [("review_merchant", "Can review merchant applications")]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="pending"),
                name="merchants_one_pending_application",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="merchants_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_status_display()})"


class MerchantStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    RESIGNING = "resigning", _("Resigning")
    RESIGNED = "resigned", _("Resigned")


class Merchant(models.Model):
    """An approved merchant. Only an active one publishes ads.

    `business_hours`: {"timezone": "Asia/Hong_Kong", "days": {"mon": [["09:00", "18:00"]], ...}}
    or empty for always open. `open_now` is refreshed by a beat task so the market can filter
    in SQL.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="merchant"
    )
    display_name = models.CharField(max_length=40, unique=True)
    tier = models.ForeignKey(MerchantTier, on_delete=models.PROTECT, related_name="merchants")
    status = models.CharField(
        max_length=10, choices=MerchantStatus.choices, default=MerchantStatus.ACTIVE
    )
    status_reason = models.TextField(blank=True)
    application = models.OneToOneField(
        MerchantApplication, on_delete=models.PROTECT, related_name="merchant"
    )
    collateral_hold_id = models.BigIntegerField(null=True, blank=True)
    approved_at = models.DateTimeField(db_default=Now())
    on_break = models.BooleanField(default=False, help_text="Hides every ad while on.")
    business_hours = models.JSONField(default=dict, blank=True)
    open_now = models.BooleanField(default=True)
    resign_requested_at = models.DateTimeField(null=True, blank=True)
    resigned_at = models.DateTimeField(null=True, blank=True)
    # Crypto an active merchant buys in P2P orders is withdrawable at once: their collateral
    # already answers for a payment that turns out bad.
    exempt_from_withdrawal_lock = models.BooleanField(
        _("exempt from the withdrawal lock"),
        default=False,
        help_text=_("Crypto this merchant buys in orders may be withdrawn at once (no T+N)."),
    )

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_active(self) -> bool:
        return self.status == MerchantStatus.ACTIVE

    @property
    def open_for_business(self) -> bool:
        """Within business hours and not on a break: a break closes the shop whatever the hours
        say (`open_now` follows the hours alone)."""
        return self.open_now and not self.on_break
