"""The merchant's ad form: parses what was typed; every rule is checked by `ads.services`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings

from accounts.models import PaymentMethodType, UserPaymentMethod
from accounts.models.kyc import KycLevel
from core.models import FiatCurrency
from core.money import format_amount
from escrow.models import Asset

from .models import Ad, PriceType, Side
from .selectors import AdFormOptions
from .services import MAX_PAYMENT_CHOICES

# The service's error field names are the form's; these differ from the service's arguments.
SERVICE_FIELDS = {"payment_method_ids": "payment_methods", "payment_type_ids": "payment_types"}


class PaymentMethodChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: UserPaymentMethod) -> str:
        fiats = ", ".join(f.code for f in obj.method_type.fiats.all())
        suffix = f" ({fiats})" if fiats else ""
        return f"{obj.method_type.name}: {obj.holder_name}{suffix}"


class PaymentTypeChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: PaymentMethodType) -> str:
        fiats = ", ".join(f.code for f in obj.fiats.all())
        return f"{obj.name} ({fiats})" if fiats else obj.name


def _plain(value: Decimal | None) -> str | None:
    """A stored amount as typed: 100.000000000000000000 -> "100"."""
    return None if value is None else format_amount(value)


def _decimal(label: str, *, required: bool = True, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class AdForm(forms.Form):
    """Create (every field) or edit (no side, asset or fiat: those never change) an ad."""

    side = forms.ChoiceField(
        label="I want to",
        choices=[(Side.SELL, "Sell crypto (buyers pay me)"), (Side.BUY, "Buy crypto (I pay)")],
        widget=forms.RadioSelect,
        initial=Side.SELL,
    )
    asset = forms.ModelChoiceField(queryset=Asset.objects.none(), label="Asset", empty_label=None)
    fiat = forms.ModelChoiceField(
        queryset=FiatCurrency.objects.none(), label="Currency", empty_label=None
    )
    price_type = forms.ChoiceField(
        label="Price type",
        choices=PriceType.choices,
        widget=forms.RadioSelect,
        initial=PriceType.FIXED,
    )
    fixed_price = _decimal(
        "Fixed price", required=False, help_text="Fiat per one unit of the asset."
    )
    margin_percent = _decimal(
        "Margin (%)",
        required=False,
        help_text="80 to 120 % of the price index; 100 follows the index exactly.",
    )
    total_quantity = _decimal("Total quantity", help_text="How much of the asset this ad trades.")
    min_order_fiat = _decimal("Minimum order")
    max_order_fiat = _decimal("Maximum order")
    payment_window_minutes = forms.TypedChoiceField(
        label="Payment window", coerce=int, choices=(), help_text="How long the buyer has to pay."
    )
    payment_methods = PaymentMethodChoice(
        queryset=UserPaymentMethod.objects.none(),
        required=False,
        label="Where buyers pay you",
        widget=forms.CheckboxSelectMultiple,
        help_text=f"1 to {MAX_PAYMENT_CHOICES} of your saved payment methods.",
    )
    payment_types = PaymentTypeChoice(
        queryset=PaymentMethodType.objects.none(),
        required=False,
        label="How you will pay sellers",
        widget=forms.CheckboxSelectMultiple,
        help_text=f"1 to {MAX_PAYMENT_CHOICES} payment methods.",
    )
    terms = forms.CharField(
        label="Terms", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    auto_reply = forms.CharField(
        label="Auto-reply",
        required=False,
        max_length=1000,
        help_text="Sent in the order chat when an order opens.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    min_kyc_level = forms.TypedChoiceField(
        label="Counterparty verification",
        coerce=int,
        choices=[(level.value, level.label) for level in KycLevel],
        initial=0,
    )
    min_account_age_days = forms.IntegerField(
        label="Account at least (days old)", min_value=0, initial=0
    )
    min_completed_orders = forms.IntegerField(
        label="Completed orders at least", min_value=0, initial=0
    )
    min_completion_rate = _decimal("30-day completion rate at least (%)")

    def __init__(self, *args: Any, options: AdFormOptions, ad: Ad | None = None, **kwargs: Any):
        kwargs.setdefault("initial", {}).setdefault("min_completion_rate", Decimal(0))
        super().__init__(*args, **kwargs)
        self.ad = ad
        windows = [(m, f"{m} minutes") for m in settings.AD_PAYMENT_WINDOWS]
        window_field = self.fields["payment_window_minutes"]
        assert isinstance(window_field, forms.TypedChoiceField)
        window_field.choices = windows
        self._set_queryset("asset", options.assets)
        self._set_queryset("fiat", options.fiats)
        self._set_queryset("payment_methods", options.payment_methods)
        self._set_queryset("payment_types", options.payment_types)
        if ad is not None:
            unit, money = ad.asset.symbol, ad.fiat.code
            self.fields["fixed_price"].label = f"Fixed price ({money} per {unit})"
            self.fields["total_quantity"].label = f"Total quantity ({unit})"
            self.fields["min_order_fiat"].label = f"Minimum order ({money})"
            self.fields["max_order_fiat"].label = f"Maximum order ({money})"
            for name in ("side", "asset", "fiat"):
                del self.fields[name]
            del self.fields["payment_types" if ad.side == Side.SELL else "payment_methods"]

    def _set_queryset(self, name: str, queryset: Any) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset

    @staticmethod
    def initial_for(ad: Ad) -> dict[str, Any]:
        return {
            "price_type": ad.price_type,
            "fixed_price": _plain(ad.fixed_price),
            "margin_percent": _plain(ad.margin_percent),
            "total_quantity": _plain(ad.total_quantity),
            "min_order_fiat": _plain(ad.min_order_fiat),
            "max_order_fiat": _plain(ad.max_order_fiat),
            "payment_window_minutes": ad.payment_window_minutes,
            "terms": ad.terms,
            "auto_reply": ad.auto_reply,
            "min_kyc_level": ad.min_kyc_level,
            "min_account_age_days": ad.min_account_age_days,
            "min_completed_orders": ad.min_completed_orders,
            "min_completion_rate": _plain(ad.min_completion_rate),
            "payment_methods": [m.pk for m in ad.payment_methods.all()],
            "payment_types": [t.pk for t in ad.payment_types.all()],
        }

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments for `ad_create` (or, without side, asset and fiat, `ad_update`)."""
        data = self.cleaned_data
        arguments: dict[str, Any] = {
            name: data.get(name)
            for name in (
                "price_type",
                "fixed_price",
                "margin_percent",
                "total_quantity",
                "min_order_fiat",
                "max_order_fiat",
                "payment_window_minutes",
                "min_kyc_level",
                "min_account_age_days",
                "min_completed_orders",
                "min_completion_rate",
            )
        }
        arguments["terms"] = data.get("terms") or ""
        arguments["auto_reply"] = data.get("auto_reply") or ""
        arguments["payment_method_ids"] = [m.pk for m in data.get("payment_methods") or []]
        arguments["payment_type_ids"] = [t.pk for t in data.get("payment_types") or []]
        if self.ad is None:
            arguments.update(side=data["side"], asset=data["asset"], fiat=data["fiat"])
        return arguments

    def add_service_error(self, field: str | None, message: str) -> None:
        """Show a refusal from the service on its field, or above the form."""
        name = SERVICE_FIELDS.get(field or "", field)
        self.add_error(name if name in self.fields else None, message)
