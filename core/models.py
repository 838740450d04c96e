"""Platform reference data shared by every app."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
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
