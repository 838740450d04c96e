"""The operation log's own records: the staff actions (with their reasons), and one view over
every event table for searching and exporting."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _
from pghistory.models import Events

from core.staff_actions import StaffActionKind


class StaffAction(models.Model):
    """One thing a staff member did or looked at, with the reason given. Append-only: the
    database refuses UPDATE and DELETE (migration riskadmin 0004_operation_log_guard)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("staff member"),
    )
    action = models.CharField(_("action"), max_length=60, choices=StaffActionKind.choices)
    target_model = models.CharField(_("target model"), max_length=100, blank=True, default="")
    target_id = models.CharField(_("target id"), max_length=64, blank=True, default="")
    reason = models.TextField(_("reason"), blank=True, default="")
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    path = models.CharField(_("page"), max_length=500, blank=True, default="")
    at = models.DateTimeField(_("time"), db_default=Now(), editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("staff action")
        verbose_name_plural = _("staff actions")
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["actor", "at"], name="riskadmin_action_actor_at"),
            models.Index(fields=["target_model", "target_id"], name="riskadmin_action_target"),
        ]

    def __str__(self) -> str:
        return f"{self.actor} {self.action} {self.target_model}:{self.target_id}"


class OperationEvent(Events):
    """Every event table read as one (pghistory's aggregate view), with the request context
    each event carries as columns: who, from which address, on which page."""

    actor = pghistory.ProxyField(
        "pgh_context__user",
        models.ForeignKey(
            settings.AUTH_USER_MODEL,
            on_delete=models.DO_NOTHING,
            null=True,
            db_constraint=False,
            related_name="+",
            verbose_name=_("staff member"),
        ),
    )
    ip = pghistory.ProxyField("pgh_context__ip", models.TextField(_("IP address"), null=True))
    path = pghistory.ProxyField("pgh_context__url", models.TextField(_("page"), null=True))

    class Meta:
        proxy = True
        verbose_name = _("operation log entry")
        verbose_name_plural = _("operation log")
        default_permissions = ("view",)
        permissions = [("export_operationevent", "Can export the operation log")]
