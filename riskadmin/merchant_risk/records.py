"""A merchant's daily risk score: one row per merchant per day, recomputed in place, with each
component's figure and contribution so staff see why, the action the score proposes, and who
confirmed that action, when and why."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ProposedAction(models.TextChoices):
    NONE = "none", _("None")
    WATCH = "watch", _("Watch")
    ADS_OFFLINE = "ads_offline", _("Take ads offline")
    SUSPEND = "suspend", _("Suspend the merchant")


class MerchantRiskScore(models.Model):
    merchant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("merchant"),
    )
    day = models.DateField(_("day"))
    score = models.PositiveSmallIntegerField(_("score"))
    components = models.JSONField(_("components"), default=dict)
    explanation = models.TextField(_("explanation"))
    proposed_action = models.CharField(
        _("proposed action"), max_length=20, choices=ProposedAction.choices
    )
    computed_at = models.DateTimeField(_("computed at"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_action = models.CharField(
        _("action confirmed"), max_length=20, choices=ProposedAction.choices, blank=True
    )
    confirmation_reason = models.TextField(_("reason for the confirmation"), blank=True)

    class Meta:
        ordering = ["-day", "-score", "merchant_user_id"]
        verbose_name = _("merchant risk score")
        verbose_name_plural = _("merchant risk scores")
        default_permissions = ("view",)
        permissions = [
            ("confirm_merchantriskscore", _("Can confirm a merchant risk score's proposed action"))
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant_user", "day"], name="riskadmin_one_risk_score_per_day"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="riskadmin_risk_score_0_100"
            ),
            models.CheckConstraint(
                condition=Q(proposed_action__in=ProposedAction.values),
                name="riskadmin_risk_score_action_known",
            ),
        ]
        indexes = [models.Index(fields=["merchant_user", "-day"], name="riskadmin_score_trend")]

    def __str__(self) -> str:
        return f"{self.merchant_user} {self.day}: {self.score}"
