"""Staff screens for payment methods: the catalogue of types is edited here; the methods users
saved are shown read-only (users change them on their own pages)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from ..models import PaymentMethodType, PaymentRiskClass, UserPaymentMethod
from .field_rows import FieldRowsField

FIELDS_HELP = gettext_lazy(
    "What a saved method of this type holds, in order: one row per field, with a key "
    "(letters, digits, underscores, hyphens; unique), the label users see, and whether it is "
    "required. Leave a row blank or tick Remove to drop it. The account holder's name is "
    "always asked for separately. Changing the keys does not change methods already saved."
)


class PaymentMethodTypeForm(forms.ModelForm[PaymentMethodType]):
    fields = FieldRowsField(  # type: ignore[assignment]
        label=gettext_lazy("Fields"), required=False, help_text=FIELDS_HELP
    )

    # a type saved without a choice is low risk, as every type was before classes existed
    risk_class = forms.ChoiceField(
        label=gettext_lazy("Risk class"),
        choices=PaymentRiskClass.choices,
        required=False,
        help_text=PaymentMethodType._meta.get_field("risk_class").help_text,
    )

    def clean_risk_class(self) -> str:
        return self.cleaned_data.get("risk_class") or PaymentRiskClass.LOW

    class Meta:
        model = PaymentMethodType
        fields = (
            "code",
            "name",
            "fiats",
            "fields",
            "accepts_qr_image",
            "risk_class",
            "enabled",
            "sort_order",
        )


@admin.register(PaymentMethodType)
class PaymentMethodTypeAdmin(admin.ModelAdmin[PaymentMethodType]):
    form = PaymentMethodTypeForm
    list_display = (
        "name",
        "code",
        "fiat_codes",
        "accepts_qr_image",
        "risk_class",
        "enabled",
        "sort_order",
    )
    list_editable = ("enabled", "sort_order")
    list_filter = ("enabled", "accepts_qr_image", "risk_class", "fiats")
    search_fields = ("code", "name")
    filter_horizontal = ("fiats",)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).prefetch_related("fiats")

    @admin.display(description=gettext_lazy("Fiat currencies"))
    def fiat_codes(self, obj: PaymentMethodType) -> str:
        return ", ".join(fiat.code for fiat in obj.fiats.all())

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # users' saved methods point at their type (PROTECT): switch a type off instead
        return False


@admin.register(UserPaymentMethod)
class UserPaymentMethodAdmin(admin.ModelAdmin[UserPaymentMethod]):
    list_display = ("user", "method_type", "holder_name", "created_at")
    list_filter = ("method_type",)
    # a fingerprint finds everyone who saved the same account
    search_fields = ("user__email", "=fingerprint")
    list_select_related = ("user", "method_type")
    readonly_fields = (
        "user",
        "method_type",
        "holder_name",
        "details",
        "fingerprint",
        "has_qr",
        "created_at",
    )
    fields = readonly_fields
    ordering = ("-created_at",)

    @admin.display(description=gettext_lazy("QR code image"), boolean=True)
    def has_qr(self, obj: UserPaymentMethod) -> bool:
        return bool(obj.qr_image)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
