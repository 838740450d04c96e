"""The rules' data: each rule's mode and parameters (versioned, every change on an append-only
record), the alerts rules raise, and per-person snoozes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from core.four_eyes import Proposal

from .base import Point


class Mode(models.TextChoices):
    ACTIVE = "active", _("Active")
    SHADOW = "shadow", _("Shadow (recorded, never acting)")
    OFF = "off", _("Off")


class AlertOutcome(models.IntegerChoices):
    REVIEW = 1, _("Review")
    HOLD = 2, _("Hold")
    BLOCK = 3, _("Block")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class AlertLabel(models.TextChoices):
    NONE = "none", _("None")
    CONFIRMED = "confirmed", _("Confirmed")
    FALSE_POSITIVE = "false_positive", _("False positive")


class RuleSetting(models.Model):
    """A rule's mode and parameters as staff set them. A rule without a row runs active with
    its defaults. Written only through `risk.engine.services.rule_setting_change`."""

    code = models.CharField(_("rule"), max_length=60, unique=True)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.ACTIVE)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), db_default=Now())

    class Meta:
        ordering = ["code"]
        verbose_name = _("rule setting")
        verbose_name_plural = _("rule settings")
        constraints = [
            models.CheckConstraint(condition=Q(mode__in=Mode.values), name="risk_rule_mode_known"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.get_mode_display()})"


class RuleSettingChange(models.Model):
    """One change of a rule's setting: before, after, who and why. The database refuses to
    change or delete these rows."""

    code = models.CharField(_("rule"), max_length=60, db_index=True)
    version = models.PositiveIntegerField(_("version"))
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"))
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), db_default=Now())
    # the second staff member who approved the proposal (risk.engine.services)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by"),
    )

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("rule setting change")
        verbose_name_plural = _("rule setting changes")

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class RuleSettingProposal(Proposal):
    """A rule's new mode and parameters, waiting for a second staff member's approval; only
    the approval runs `rule_setting_change`."""

    code = models.CharField(_("rule"), max_length=60, db_index=True)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # the version the proposal was made against: approving a stale one is refused
    base_version = models.PositiveIntegerField(_("proposed against version"), default=0)

    class Meta(Proposal.Meta):
        verbose_name = _("rule change proposal")
        verbose_name_plural = _("rule change proposals")
        permissions = [
            ("approve_rulesettingproposal", "Can approve another staff member's rule change")
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.code} → {self.mode}"


class Alert(models.Model):
    """A rule's hit, for staff: active and shadow hits alike, and rules that failed."""

    code = models.CharField(_("rule"), max_length=60, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="risk_alerts",
        verbose_name=_("user"),
    )
    point = models.CharField(_("decision point"), max_length=30, choices=Point.choices)
    outcome = models.PositiveSmallIntegerField(_("outcome"), choices=AlertOutcome.choices)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    explanation = models.TextField(_("explanation"))
    subject = models.CharField(_("subject"), max_length=80, blank=True, db_index=True)
    errored = models.BooleanField(_("rule failed"), default=False)
    created_at = models.DateTimeField(_("created at"), db_default=Now(), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    label = models.CharField(
        _("label"), max_length=20, choices=AlertLabel.choices, default=AlertLabel.NONE
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", label="none", closed_at__isnull=True)
                | Q(status="closed", label__in=["confirmed", "false_positive"]),
                name="risk_alert_closed_with_label",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.subject or self.user_id}"


class RuleSnooze(models.Model):
    """Until `until`, the rule is skipped for this person (a reviewer has looked and is sure)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="risk_snoozes",
        verbose_name=_("user"),
    )
    code = models.CharField(_("rule"), max_length=60)
    until = models.DateTimeField(_("until"))
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("created at"), db_default=Now())

    class Meta:
        ordering = ["-until"]
        verbose_name = _("rule snooze")
        verbose_name_plural = _("rule snoozes")
        indexes = [models.Index(fields=["user", "until"], name="risk_snooze_user_until")]

    def __str__(self) -> str:
        return f"{self.code} for {self.user_id} until {self.until:%Y-%m-%d %H:%M}"
