"""Ads: a merchant's standing offer to buy or sell one asset for one fiat. Floating ads follow
the price indexes of escrow (`escrow.models.PriceIndex`)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from accounts.models import PaymentMethodType, UserPaymentMethod
from core.fields import AmountField, FiatField, PriceField
from core.models import FiatCurrency
from escrow.models import Asset
from merchants.models import Merchant

MARGIN_MIN = Decimal(80)
MARGIN_MAX = Decimal(120)


class Side(models.TextChoices):
    SELL = "sell", _("Merchant sells")  # users buy from the ad
    BUY = "buy", _("Merchant buys")  # users sell to the ad


class PriceType(models.TextChoices):
    FIXED = "fixed", _("Fixed")
    FLOATING = "floating", _("Floating (index x margin)")


class AdStatus(models.TextChoices):
    ONLINE = "online", _("Online")
    OFFLINE = "offline", _("Offline")
    CLOSED = "closed", _("Closed")


class Ad(models.Model):
    """A standing offer. For a sell ad, `remaining_quantity` is reserved in the merchant's
    ad-reserve ledger account while the ad is online; orders freeze from that reservation."""

    public_id = models.CharField(max_length=16, unique=True, editable=False)
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="ads")
    side = models.CharField(max_length=4, choices=Side.choices)
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="+")
    fiat = models.ForeignKey(FiatCurrency, on_delete=models.PROTECT, related_name="+")
    price_type = models.CharField(max_length=8, choices=PriceType.choices)
    fixed_price = PriceField(null=True, blank=True)
    margin_percent = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True, help_text="80-120 % of the index."
    )
    total_quantity = AmountField()
    remaining_quantity = AmountField()
    min_order_fiat = FiatField()
    max_order_fiat = FiatField()
    payment_window_minutes = models.PositiveSmallIntegerField(default=15)
    terms = models.TextField(blank=True, max_length=2000)
    auto_reply = models.TextField(blank=True, max_length=1000)
    min_kyc_level = models.PositiveSmallIntegerField(default=0)
    min_account_age_days = models.PositiveIntegerField(default=0)
    min_completed_orders = models.PositiveIntegerField(default=0)
    min_completion_rate = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal(0), help_text="30-day completion, %."
    )
    payment_methods = models.ManyToManyField(
        UserPaymentMethod, blank=True, related_name="ads", help_text="Sell ads: where to pay."
    )
    payment_types = models.ManyToManyField(
        PaymentMethodType, blank=True, related_name="ads", help_text="Buy ads: accepted ways."
    )
    status = models.CharField(max_length=8, choices=AdStatus.choices, default=AdStatus.OFFLINE)
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["asset", "fiat", "side", "status"], name="ads_market_lookup"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(price_type="fixed", fixed_price__gt=0, margin_percent__isnull=True)
                    | Q(
                        price_type="floating",
                        fixed_price__isnull=True,
                        margin_percent__gte=MARGIN_MIN,
                        margin_percent__lte=MARGIN_MAX,
                    )
                ),
                name="ads_price_matches_type",
            ),
            models.CheckConstraint(
                condition=Q(
                    total_quantity__gt=0,
                    remaining_quantity__gte=0,
                    remaining_quantity__lte=F("total_quantity"),
                ),
                name="ads_quantities_sane",
            ),
            models.CheckConstraint(
                condition=Q(min_order_fiat__gt=0, max_order_fiat__gte=F("min_order_fiat")),
                name="ads_limits_sane",
            ),
            models.CheckConstraint(
                condition=Q(min_completion_rate__gte=0, min_completion_rate__lte=100),
                name="ads_completion_rate_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.get_side_display()} {self.asset}/{self.fiat}"
