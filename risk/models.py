"""Risk's own records, what no other app owns: each person's risk level and, per level, how
long crypto bought in a P2P order stays locked against withdrawal (T+N); and the blacklist.
Restrictions are accounts' records; the other rules' parameters come from the settings until
staff edit them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

# Longer than this is a restriction on the person, not a settlement delay.
MAX_WITHDRAWAL_LOCK_DAYS = 90


class RiskLevel(models.TextChoices):
    NORMAL = "normal", _("Normal")
    ELEVATED = "elevated", _("Elevated")
    HIGH = "high", _("High")


class UserRiskLevel(models.Model):
    """A person's risk level as staff set it; a person without one is at the normal level."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="risk_level",
        verbose_name=_("user"),
    )
    level = models.CharField(
        _("risk level"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.NORMAL
    )
    reason = models.TextField(_("reason"), help_text=_("Why this level; kept for other staff."))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("set by"),
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        verbose_name = _("user risk level")
        verbose_name_plural = _("user risk levels")
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=RiskLevel.values), name="risk_user_level_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_level_display()}"


class WithdrawalLockPolicy(models.Model):
    """How many days crypto bought in a P2P order cannot be withdrawn, for buyers at `level`.
    A level without a row uses the setting WITHDRAWAL_LOCK_DAYS; zero days locks nothing."""

    level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices, unique=True)
    days = models.PositiveSmallIntegerField(
        _("days"),
        validators=[MaxValueValidator(MAX_WITHDRAWAL_LOCK_DAYS)],
        help_text=_("Days after the release before bought crypto may be withdrawn; 0: no lock."),
    )

    class Meta:
        verbose_name = _("withdrawal lock policy")
        verbose_name_plural = _("withdrawal lock policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(days__lte=MAX_WITHDRAWAL_LOCK_DAYS), name="risk_lock_days_bounded"
            ),
            models.CheckConstraint(
                condition=Q(level__in=RiskLevel.values), name="risk_lock_level_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: T+{self.days}"


class BlacklistKind(models.TextChoices):
    CRYPTO_ADDRESS = "crypto_address", _("Crypto address")
    PAYMENT_ACCOUNT = "payment_account", _("Payment account")
    DEVICE = "device", _("Device")
    IP_RANGE = "ip_range", _("IP address or range")
    LEGAL_NAME = "legal_name", _("Legal name")


class BlacklistEntry(models.Model):
    """Something the platform refuses to deal with: a stolen-funds address, a scammer's wallet,
    a mule's bank account (its fingerprint), a browser, a network, a person's legal name.

    Values are stored as `normalise` spells them (an IP range as its network, a CIDR), so a
    match does not depend on how the person typed it. An entry with an expiry stops matching
    after it; a removed entry stays on record.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=BlacklistKind.choices)
    value = models.CharField(_("value"), max_length=200)
    reason = models.CharField(_("reason"), max_length=300)
    source = models.CharField(
        _("source"), max_length=120, help_text=_("Where it came from: a case, a partner's list.")
    )
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("blacklist entry")
        verbose_name_plural = _("blacklist")
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="risk_blacklist_once"),
            models.CheckConstraint(condition=~Q(value=""), name="risk_blacklist_has_value"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


# The rule engine's records live beside its code; Django finds them through this module.
from .cases.models import Case, CaseEntry, CaseResolution, CaseStatus  # noqa: E402
from .engine.models import (  # noqa: E402
    Alert,
    AlertLabel,
    AlertOutcome,
    AlertStatus,
    Mode,
    RuleSetting,
    RuleSettingChange,
    RuleSettingProposal,
    RuleSnooze,
)

__all__ = [
    "MAX_WITHDRAWAL_LOCK_DAYS",
    "Alert",
    "AlertLabel",
    "AlertOutcome",
    "AlertStatus",
    "BlacklistEntry",
    "BlacklistKind",
    "Case",
    "CaseEntry",
    "CaseResolution",
    "CaseStatus",
    "Mode",
    "RiskLevel",
    "RuleSetting",
    "RuleSettingChange",
    "RuleSettingProposal",
    "RuleSnooze",
    "UserRiskLevel",
    "WithdrawalLockPolicy",
]
