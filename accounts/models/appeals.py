"""A person's appeal against one of their restrictions, and staff's answer. Lifting the
restriction is a separate staff action."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _


class AppealStatus(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    ANSWERED = "answered", _("Answered")


class RestrictionAppeal(models.Model):
    restriction = models.ForeignKey(
        "accounts.Restriction",
        on_delete=models.CASCADE,
        related_name="appeals",
        verbose_name=_("restriction"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="restriction_appeals",
        verbose_name=_("user"),
    )
    text = models.TextField(_("appeal"))
    status = models.CharField(
        _("status"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.OPEN
    )
    created_at = models.DateTimeField(_("sent at"), db_default=Now(), editable=False)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("restriction appeal")
        verbose_name_plural = _("restriction appeals")
        constraints = [
            models.UniqueConstraint(
                fields=["restriction"],
                condition=Q(status="open"),
                name="accounts_appeal_one_open_per_restriction",
            ),
            models.CheckConstraint(
                condition=Q(status="open", answered_at__isnull=True)
                | Q(status="answered", answered_at__isnull=False),
                name="accounts_appeal_answered_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"appeal {self.pk} on restriction {self.restriction_id}"
