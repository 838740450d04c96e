"""Fund passwords, restrictions and the security record of each account."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _


class FundPassword(models.Model):
    """The second secret that releases crypto and withdraws; separate from the login password."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fund_password"
    )
    password_hash = models.CharField(max_length=256)
    set_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"fund password of {self.user}"


class FundPasswordAttempt(models.Model):
    """Every try at the fund password, right or wrong."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fund_password_attempts"
    )
    at = models.DateTimeField(db_default=Now(), editable=False)
    success = models.BooleanField()
    purpose = models.CharField(max_length=40, help_text=_("What it was for: release, withdraw..."))
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["user", "-at"], name="accounts_fpa_user_time")]

    def __str__(self) -> str:
        return f"{'ok' if self.success else 'failed'} fund password try by {self.user_id}"


class FundPasswordReset(models.Model):
    """A pending reset, confirmed by the link mailed to the account's address."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fund_password_resets"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"fund password reset of {self.user_id}"


class RestrictionKind(models.TextChoices):
    TRADE = "trade", _("No new orders")
    SELL = "sell", _("No selling (sell orders and sell ads)")
    WITHDRAW = "withdraw", _("No withdrawals")
    LOGIN = "login", _("No log in")


class RestrictionSource(models.TextChoices):
    STAFF = "staff", _("Set by staff")
    COOLDOWN = "cooldown", _("Security cool-down")
    CANCELLATIONS = "cancellations", _("Too many cancellations")
    RISK = "risk", _("Risk control")


class Restriction(models.Model):
    """A block on one kind of action, read by every app that performs it.

    Active while not lifted and `until` is empty (indefinite) or in the future.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="restrictions"
    )
    kind = models.CharField(max_length=20, choices=RestrictionKind.choices)
    source = models.CharField(
        max_length=20, choices=RestrictionSource.choices, default=RestrictionSource.STAFF
    )
    reason = models.TextField(help_text=_("Shown to the user."))
    starts_at = models.DateTimeField(db_default=Now())
    until = models.DateTimeField(null=True, blank=True, help_text=_("Empty: until lifted."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty when the system set it."),
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["user", "kind"], name="accounts_restr_user_kind")]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gt=F("starts_at")),
                name="accounts_restriction_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=RestrictionKind.values),
                name="accounts_restriction_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.user}"


class SecurityEventKind(models.TextChoices):
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PASSWORD_RESET = "password_reset", _("Password reset")
    EMAIL_CHANGED = "email_changed", _("Email changed")
    MFA_ADDED = "mfa_added", _("Two-factor method added")
    MFA_REMOVED = "mfa_removed", _("Two-factor method removed")
    RECOVERY_CODES_RESET = "recovery_codes_reset", _("Recovery codes regenerated")
    FUND_PASSWORD_SET = "fund_password_set", _("Fund password set")
    FUND_PASSWORD_CHANGED = "fund_password_changed", _("Fund password changed")
    FUND_PASSWORD_RESET = "fund_password_reset", _("Fund password reset")
    FUND_PASSWORD_LOCKED = "fund_password_locked", _("Fund password locked after failed tries")
    SESSION_REVOKED = "session_revoked", _("Other sessions signed out")
    COOLDOWN_STARTED = "cooldown_started", _("Security cool-down started")
    ACCOUNT_FROZEN = "account_frozen", _("Account frozen from a withdrawal email")


class SecurityEvent(models.Model):
    """The account's security record, shown on the security page."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="security_events"
    )
    kind = models.CharField(max_length=40, choices=SecurityEventKind.choices)
    at = models.DateTimeField(db_default=Now(), editable=False)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "-at"], name="accounts_secev_user_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.user_id})"


class LoginRecord(models.Model):
    """Every login attempt: who (if known), from where, and whether it succeeded."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="login_records",
    )
    email_tried = models.CharField(max_length=254, blank=True)
    at = models.DateTimeField(db_default=Now(), editable=False)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    # the browser's random device cookie (accounts/middleware.py): nothing personal in it
    device_id = models.CharField(max_length=64, blank=True, db_index=True)
    success = models.BooleanField()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "-at"], name="accounts_login_user_time")]

    def __str__(self) -> str:
        return f"{'login' if self.success else 'failed login'} {self.email_tried}"
