"""The role grant record: a proposal (core/four_eyes.py) naming the person and the role."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.four_eyes import Proposal


class GrantAction(models.TextChoices):
    GRANT = "grant", _("Grant")
    REMOVE = "remove", _("Remove")


class GrantKind(models.TextChoices):
    ROLE = "role", _("Staff role")
    STAFF = "staff", _("Staff status (admin access)")
    SUPERUSER = "superuser", _("Superuser status")


class RoleGrant(Proposal):
    """Give or take `user` a staff role (`group`), staff status or superuser status. A grant
    waits for another Superadmin; a removal is applied when it is recorded."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="role_grants",
        verbose_name=_("user"),
    )
    action = models.CharField(
        _("action"), max_length=10, choices=GrantAction.choices, default=GrantAction.GRANT
    )
    kind = models.CharField(_("what"), max_length=10, choices=GrantKind.choices)
    group = models.ForeignKey(
        "auth.Group",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("role"),
    )

    class Meta(Proposal.Meta):
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        permissions = [("approve_rolegrant", "Can approve another Superadmin's role grant")]
        constraints = [
            *Proposal.Meta.constraints,
            models.CheckConstraint(
                condition=Q(kind="role", group__isnull=False)
                | ~Q(kind="role") & Q(group__isnull=True),
                name="riskadmin_rolegrant_role_has_group",
            ),
        ]

    def __str__(self) -> str:
        what = self.group.name if self.group_id else self.get_kind_display()  # type: ignore[union-attr]
        return f"#{self.pk} {self.get_action_display()} {what}: {self.user}"
