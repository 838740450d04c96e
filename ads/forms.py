"""The merchant's ad form: parses what was typed; every rule is checked by `ads.services`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import PaymentMethodType, UserPaymentMethod
from accounts.models.kyc import KycLevel
from core.config import config_value
from core.models import FiatCurrency
from core.money import AmountOutOfRange, format_amount, to_decimal
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


# Longer than any number a column holds written out in full (20 + 18 digits, sign, point).
_LONGEST_NUMBER = 64


class NumberField(forms.CharField):
    """A number a person typed, read by the one parser every typed amount goes through
    (`core.money.to_decimal`): no float, nothing infinite or NaN, nothing no amount column
    holds. Each refusal is a form error; the service then checks the ranges of its own."""

    default_error_messages = {
        "invalid": gettext_lazy("Enter a number."),
        "too_large": gettext_lazy("That number is too large."),
        "whole": gettext_lazy("Enter a whole number."),
        "negative": gettext_lazy("Enter zero or more."),
    }

    def __init__(self, *, whole: bool = False, **kwargs: Any) -> None:
        self.whole = whole
        mode = "numeric" if whole else "decimal"
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": mode, "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | int | None:  # type: ignore[override]
        text = super().to_python(value)
        if text is None or text in self.empty_values:
            return None
        if len(text) > _LONGEST_NUMBER:
            raise ValidationError(self.error_messages["too_large"], code="too_large")
        try:
            number = to_decimal(text)
        except AmountOutOfRange as error:
            raise ValidationError(self.error_messages["too_large"], code="too_large") from error
        except (TypeError, ValueError) as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error
        if not self.whole:
            return number
        if number != number.to_integral_value():
            raise ValidationError(self.error_messages["whole"], code="whole")
        if number < 0:
            raise ValidationError(self.error_messages["negative"], code="negative")
        return int(number)


def _decimal(label: Any, *, required: bool = True, help_text: Any = "") -> NumberField:
    return NumberField(label=label, required=required, help_text=help_text)


class AdForm(forms.Form):
    """Create (every field) or edit (no side, asset or fiat: those never change) an ad."""

    side = forms.ChoiceField(
        label=gettext_lazy("I want to"),
        choices=[
            (Side.SELL, gettext_lazy("Sell crypto (buyers pay me)")),
            (Side.BUY, gettext_lazy("Buy crypto (I pay)")),
        ],
        widget=forms.RadioSelect,
        initial=Side.SELL,
    )
    asset = forms.ModelChoiceField(
        queryset=Asset.objects.none(), label=gettext_lazy("Asset"), empty_label=None
    )
    fiat = forms.ModelChoiceField(
        queryset=FiatCurrency.objects.none(), label=gettext_lazy("Currency"), empty_label=None
    )
    price_type = forms.ChoiceField(
        label=gettext_lazy("Price type"),
        choices=PriceType.choices,
        widget=forms.RadioSelect,
        initial=PriceType.FIXED,
    )
    fixed_price = _decimal(
        gettext_lazy("Fixed price"),
        required=False,
        help_text=gettext_lazy("Fiat per one unit of the asset."),
    )
    margin_percent = _decimal(
        gettext_lazy("Margin (%)"),
        required=False,
        help_text=gettext_lazy(
            "80 to 120, in percent of the price index; 100 follows the index exactly."
        ),
    )
    total_quantity = _decimal(
        gettext_lazy("Total quantity"),
        help_text=gettext_lazy("How much of the asset this ad trades."),
    )
    min_order_fiat = _decimal(gettext_lazy("Minimum order"))
    max_order_fiat = _decimal(gettext_lazy("Maximum order"))
    payment_window_minutes = forms.TypedChoiceField(
        label=gettext_lazy("Payment window"),
        coerce=int,
        choices=(),
        help_text=gettext_lazy("How long the buyer has to pay."),
    )
    payment_methods = PaymentMethodChoice(
        queryset=UserPaymentMethod.objects.none(),
        required=False,
        label=gettext_lazy("Where buyers pay you"),
        widget=forms.CheckboxSelectMultiple,
        help_text=format_lazy(
            gettext_lazy("1 to {count} of your saved payment methods."), count=MAX_PAYMENT_CHOICES
        ),
    )
    payment_types = PaymentTypeChoice(
        queryset=PaymentMethodType.objects.none(),
        required=False,
        label=gettext_lazy("How you will pay sellers"),
        widget=forms.CheckboxSelectMultiple,
        help_text=format_lazy(
            gettext_lazy("1 to {count} payment methods."), count=MAX_PAYMENT_CHOICES
        ),
    )
    terms = forms.CharField(
        label=gettext_lazy("Terms"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    auto_reply = forms.CharField(
        label=gettext_lazy("Auto-reply"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("Sent in the order chat when an order opens."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    min_kyc_level = forms.TypedChoiceField(
        label=gettext_lazy("Counterparty verification"),
        coerce=int,
        choices=[(level.value, level.label) for level in KycLevel],
        initial=0,
    )
    min_account_age_days = NumberField(
        whole=True, label=gettext_lazy("Account at least (days old)"), initial=0
    )
    min_completed_orders = NumberField(
        whole=True, label=gettext_lazy("Completed orders at least"), initial=0
    )
    min_completion_rate = _decimal(gettext_lazy("30-day completion rate at least (%)"))

    def __init__(self, *args: Any, options: AdFormOptions, ad: Ad | None = None, **kwargs: Any):
        kwargs.setdefault("initial", {}).setdefault("min_completion_rate", Decimal(0))
        super().__init__(*args, **kwargs)
        self.ad = ad
        windows = [
            (m, ngettext("%(n)s minute", "%(n)s minutes", m) % {"n": m})
            for m in config_value("AD_PAYMENT_WINDOWS")
        ]
        window_field = self.fields["payment_window_minutes"]
        assert isinstance(window_field, forms.TypedChoiceField)
        window_field.choices = windows
        self._set_queryset("asset", options.assets)
        self._set_queryset("fiat", options.fiats)
        self._set_queryset("payment_methods", options.payment_methods)
        self._set_queryset("payment_types", options.payment_types)
        if ad is not None:
            unit, money = ad.asset.symbol, ad.fiat.code
            self.fields["fixed_price"].label = _("Fixed price (%(fiat)s per %(asset)s)") % {
                "fiat": money,
                "asset": unit,
            }
            self.fields["total_quantity"].label = _("Total quantity (%(asset)s)") % {"asset": unit}
            self.fields["min_order_fiat"].label = _("Minimum order (%(fiat)s)") % {"fiat": money}
            self.fields["max_order_fiat"].label = _("Maximum order (%(fiat)s)") % {"fiat": money}
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
