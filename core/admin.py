"""The platform's reference data in the admin, and what every app's staff screens share."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from django import forms
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Model
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

from .fields import AmountField
from .models import FiatCurrency
from .money import AmountOutOfRange, format_crypto, to_decimal

_M = TypeVar("_M", bound=Model)


class AmountFormField(forms.DecimalField):
    """A number typed into a staff (or party) form, read by `core.money.to_decimal`, the one
    parser: 1e30, 1e309, NaN or 40 digits become a form error, never a database error."""

    default_error_messages = {
        "invalid": gettext_lazy("Enter a number."),
        "out_of_range": AmountOutOfRange.message,
    }

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        try:
            return to_decimal(str(value))
        except AmountOutOfRange as error:
            message = self.error_messages["out_of_range"]
            raise ValidationError(message, code="out_of_range") from error
        except (TypeError, ValueError) as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error


# For ModelAdmin.formfield_overrides: every amount, fiat and price column of an edited model
# goes through the one parser too.
AMOUNT_FORMFIELD_OVERRIDES: dict[type, dict[str, Any]] = {
    # AmountField, FiatField and PriceField are DecimalFields: the admin looks up the MRO
    models.DecimalField: {"form_class": AmountFormField},
}


def crypto_cell(amount: Decimal | None, asset: Any) -> SafeString | str:
    """A crypto figure in a staff list or panel: rounded to the asset's precision (the ledger
    keeps 18 places), separated, with its symbol, never wrapped across lines."""
    if amount is None:
        return "-"
    return format_html(
        '<span style="white-space:nowrap">{} {}</span>',
        format_crypto(amount, asset.precision),
        asset.symbol,
    )


def _asset_at(obj: Any, path: str) -> Any:
    if not path:
        return None
    for part in path.split("."):
        obj = getattr(obj, part, None)
    return obj


class ReadOnlyAdmin(admin.ModelAdmin[_M]):
    """Records the system writes (ledger, security record, reviewed submissions, merchants,
    disputes): staff may look, and act only through the services, never edit.

    Every crypto amount column (AmountField) of the record, in the list and on the page, is
    shown by its asset's precision with the symbol (`crypto_cell`), not with the 18 places the
    database keeps; `crypto_asset` is the path from the record to its asset."""

    crypto_asset = "asset"

    def _crypto_name(self, name: Any) -> Any:
        if not isinstance(name, str):
            return name
        try:
            field = self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return name
        if not isinstance(field, AmountField):
            return name
        shown = f"shown_{name}"
        if not hasattr(self, shown):
            path = self.crypto_asset

            def display(obj: Any) -> SafeString | str:
                value, asset = getattr(obj, name), _asset_at(obj, path)
                if asset is None:
                    return "-" if value is None else format_crypto(value)
                return crypto_cell(value, asset)

            display.short_description = field.verbose_name  # type: ignore[attr-defined]
            display.admin_order_field = name  # type: ignore[attr-defined]
            setattr(self, shown, display)
        return shown

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [self._crypto_name(name) for name in super().get_fields(request, obj)]

    def get_list_display(self, request: HttpRequest) -> Any:
        return [self._crypto_name(name) for name in super().get_list_display(request)]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FiatCurrency)
class FiatCurrencyAdmin(admin.ModelAdmin[FiatCurrency]):
    list_display = ("code", "name", "symbol", "minor_units", "enabled")
    list_editable = ("enabled",)
    search_fields = ("code", "name")

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
