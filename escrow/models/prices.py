"""Price indexes: the reference price of an asset in a fiat.

They are reference data about escrow's own assets: floating ads follow them, orders are quoted
on them, and the wallet values amounts in a reference fiat (withdrawal limits) through them.
The table was the ads app's (`ads_priceindex`) and moved here with its rows (migration
escrow 0008)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from core.fields import PriceField
from core.models import FiatCurrency

from . import Asset


class PriceIndex(models.Model):
    """Fiat per one unit of the asset, as of `updated_at`; one row per (asset, fiat)."""

    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="+")
    fiat = models.ForeignKey(FiatCurrency, on_delete=models.PROTECT, related_name="+")
    price = PriceField()
    source = models.CharField(max_length=40, default="staff")
    updated_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["asset__symbol", "fiat__code"]
        verbose_name = _("price index")
        verbose_name_plural = _("price indexes")
        constraints = [
            models.UniqueConstraint(fields=["asset", "fiat"], name="escrow_index_once"),
            models.CheckConstraint(condition=Q(price__gt=0), name="escrow_index_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.asset}/{self.fiat} {self.price}"
