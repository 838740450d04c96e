"""Cases: one person's alerts rolled up for staff, with an owner, a priority, a due time and a
timeline of everything that happened on it. One open case per person; a closed case stays."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from ..engine.models import AlertOutcome


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting")
    CLOSED = "closed", _("Closed")


class CaseResolution(models.TextChoices):
    NONE = "none", _("None")
    CONFIRMED = "confirmed", _("Confirmed")
    FALSE_POSITIVE = "false_positive", _("False positive")


class EntryKind(models.TextChoices):
    ALERT = "alert", _("Alert")
    COMMENT = "comment", _("Comment")
    ACTION = "action", _("Action")
    ASSIGNMENT = "assignment", _("Assignment")
    STATUS = "status", _("Status change")
    APPEAL = "appeal", _("Appeal")
    ANSWER = "answer", _("Answer to an appeal")
    CLOSED = "closed", _("Closed")


class Case(models.Model):
    """A person's alerts for staff. Written only through `risk.cases.services`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="risk_cases",
        verbose_name=_("user"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.NEW
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=AlertOutcome.choices, default=AlertOutcome.REVIEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assignee"),
    )
    opened_at = models.DateTimeField(_("opened at"), db_default=Now(), db_index=True)
    due_at = models.DateTimeField(_("due at"), db_index=True)
    resolution = models.CharField(
        _("resolution"),
        max_length=20,
        choices=CaseResolution.choices,
        default=CaseResolution.NONE,
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
        ordering = ["due_at", "id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=~Q(status="closed"),
                name="risk_case_one_open_per_user",
            ),
            models.CheckConstraint(
                condition=Q(status="closed", resolution__in=["confirmed", "false_positive"])
                | (~Q(status="closed") & Q(resolution="none", closed_at__isnull=True)),
                name="risk_case_closed_with_resolution",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.user}"

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED


class CaseEntry(models.Model):
    """One line of a case's timeline: an alert, a comment, an action, an assignment, a status
    change, an appeal or its answer. Never changed once written."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="entries", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    text = models.TextField(_("text"), blank=True)
    alert = models.ForeignKey(
        "risk.Alert",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_entries",
        verbose_name=_("alert"),
    )
    appeal = models.ForeignKey(
        "accounts.RestrictionAppeal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("appeal"),
    )
    at = models.DateTimeField(_("at"), db_default=Now(), db_index=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("case entry")
        verbose_name_plural = _("case entries")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on case {self.case_id}"
