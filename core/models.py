"""Platform reference data shared by every app."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy


class FiatCurrency(models.Model):
    """A fiat currency ads are priced in (HKD, CNY, USD...). Payment itself happens off-platform."""

    code = models.CharField(
        gettext_lazy("code"),
        max_length=3,
        unique=True,
        validators=[
            RegexValidator(r"^[A-Z]{3}$", gettext_lazy("Use the three-letter ISO 4217 code."))
        ],
    )
    name = models.CharField(gettext_lazy("name"), max_length=80)
    symbol = models.CharField(gettext_lazy("symbol"), max_length=8, blank=True)
    minor_units = models.PositiveSmallIntegerField(
        gettext_lazy("minor units"),
        default=2,
        validators=[MaxValueValidator(4)],
        help_text=gettext_lazy("Decimal places of the currency."),
    )
    enabled = models.BooleanField(gettext_lazy("enabled"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = gettext_lazy("fiat currency")
        verbose_name_plural = gettext_lazy("fiat currencies")
        constraints = [
            models.CheckConstraint(condition=Q(minor_units__lte=4), name="core_fiat_minor_units"),
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z]{3}$"), name="core_fiat_code"),
        ]

    def __str__(self) -> str:
        return self.code


class ConfigChange(models.Model):
    """One change of a configuration knob: before, after, who and why. The database refuses to
    change or delete these rows; reverting is a new change back to an earlier value."""

    key = models.CharField(gettext_lazy("setting"), max_length=60, db_index=True)
    before = models.JSONField(gettext_lazy("before"), null=True)
    after = models.JSONField(gettext_lazy("after"))
    reason = models.TextField(gettext_lazy("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("changed by"),
    )
    changed_at = models.DateTimeField(gettext_lazy("changed at"), db_default=Now())
    reverts = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("reverts"),
    )

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = gettext_lazy("configuration change")
        verbose_name_plural = gettext_lazy("configuration changes")
        permissions = [("change_configuration", gettext_lazy("Can change the configuration"))]

    def __str__(self) -> str:
        return f"{self.key} at {self.changed_at:%Y-%m-%d %H:%M}"
