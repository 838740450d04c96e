"""Daily rollups: what the dashboard reads, so its cost does not grow with the orders."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from core.fields import AmountField, FiatField


class OrderDay(models.Model):
    """Orders placed on one UTC day in one asset and fiat, and where they stand now. Days whose
    orders may still move are recomputed (`ROLLUP_RECENT_DAYS`); a recomputed day replaces its
    rows."""

    day = models.DateField(_("day"))
    asset = models.CharField(_("asset"), max_length=10)
    fiat = models.CharField(_("fiat"), max_length=3)
    placed = models.PositiveIntegerField(_("placed"), default=0)
    completed = models.PositiveIntegerField(_("completed"), default=0)
    canceled = models.PositiveIntegerField(_("canceled"), default=0)
    still_open = models.PositiveIntegerField(_("still open"), default=0)
    disputed = models.PositiveIntegerField(_("went to dispute"), default=0)
    volume = AmountField(_("volume"), default=0)
    fiat_volume = FiatField(_("fiat volume"), default=0)
    fees = AmountField(_("fee income"), default=0)
    merchants = models.PositiveIntegerField(_("active merchants"), default=0)
    ads = models.PositiveIntegerField(_("active ads"), default=0)
    pay_p50 = models.PositiveIntegerField(_("payment time, median (s)"), null=True)
    pay_p95 = models.PositiveIntegerField(_("payment time, 95th percentile (s)"), null=True)
    release_p50 = models.PositiveIntegerField(_("release time, median (s)"), null=True)
    release_p95 = models.PositiveIntegerField(_("release time, 95th percentile (s)"), null=True)
    computed_at = models.DateTimeField(_("computed at"), db_default=Now())

    class Meta:
        ordering = ["day", "asset", "fiat"]
        verbose_name = _("order day")
        verbose_name_plural = _("order days")
        constraints = [
            models.UniqueConstraint(fields=["day", "asset", "fiat"], name="ops_order_day_once")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.asset}/{self.fiat}"


class PlatformDay(models.Model):
    """People on one UTC day: who joined, identity checks submitted and approved."""

    day = models.DateField(_("day"), unique=True)
    new_users = models.PositiveIntegerField(_("new users"), default=0)
    kyc_submitted = models.PositiveIntegerField(_("identity checks submitted"), default=0)
    kyc_approved = models.PositiveIntegerField(_("identity checks approved"), default=0)
    computed_at = models.DateTimeField(_("computed at"), db_default=Now())

    class Meta:
        ordering = ["day"]
        verbose_name = _("platform day")
        verbose_name_plural = _("platform days")

    def __str__(self) -> str:
        return str(self.day)
