"""Payment method types (set by staff) and the methods users save to get paid."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import FiatCurrency


def field_label(field: dict[str, Any]) -> str:
    """A type's field label in the active language when the catalogue has it."""
    label = str(field.get("label") or field.get("key") or "")
    return gettext(label) if label else ""


class PaymentRiskClass(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class PaymentMethodType(models.Model):
    """A way to pay fiat off-platform: bank transfer, FPS, Alipay, PayPal, cash...

    `fields` lists what a saved method of this type holds, in order:
    [{"key": "account_number", "label": "Account number", "required": true}, ...].
    """

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    fiats = models.ManyToManyField(FiatCurrency, related_name="payment_method_types")
    fields = models.JSONField(default=list, blank=True)
    accepts_qr_image = models.BooleanField(
        default=False, help_text=_("Users may attach a payment QR code image.")
    )
    enabled = models.BooleanField(default=True)
    risk_class = models.CharField(
        max_length=10,
        choices=PaymentRiskClass.choices,
        default=PaymentRiskClass.LOW,
        help_text=_("high: payments that can be reversed, e.g. PayPal, credit card"),
    )
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the active language when the catalogue has it (the built-in types)."""
        return gettext(self.name) if self.name else ""


def payment_qr_path(instance: UserPaymentMethod, filename: str) -> str:
    return f"payment-qr/{uuid.uuid4().hex}.png"


class UserPaymentMethod(models.Model):
    """A user's saved account for receiving fiat; shown to a buyer only inside an order."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="payment_methods"
    )
    method_type = models.ForeignKey(
        PaymentMethodType, on_delete=models.PROTECT, related_name="user_methods"
    )
    holder_name = models.CharField(max_length=120)
    details = models.JSONField(default=dict)
    qr_image = models.FileField(upload_to=payment_qr_path, blank=True, max_length=200)
    # the account's identifier, normalised and hashed (accounts/fingerprints.py): who else
    # saved the same account, without storing it twice; blank for types naming no account
    fingerprint = models.CharField(max_length=110, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["method_type__sort_order", "created_at"]

    def __str__(self) -> str:
        return f"{self.method_type} of {self.user}"
