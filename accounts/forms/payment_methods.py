"""Forms for saved payment methods. They only parse and label the input: every rule (holder
name, required details, lengths, QR image) is checked by accounts/services/payment_methods.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import PaymentMethodType
from ..models.payments import field_label

DETAIL_PREFIX = "detail_"
IMAGE_TYPES = "image/jpeg,image/png,image/webp"


class PaymentMethodForm(forms.Form):
    """The account holder, one text input per field of the type, and a QR image where the type
    takes one. Built from `method_type.fields`."""

    holder_name = forms.CharField(label=_("Account holder"), max_length=120)

    def __init__(
        self,
        *args: Any,
        method_type: PaymentMethodType,
        has_qr: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.method_type = method_type
        for spec in method_type.fields or []:
            self.fields[DETAIL_PREFIX + str(spec["key"])] = forms.CharField(
                label=field_label(spec),
                required=bool(spec.get("required")),
                max_length=120,
            )
        if method_type.accepts_qr_image:
            self.fields["qr_image"] = forms.FileField(
                label=_("Replace the payment QR code") if has_qr else _("Payment QR code"),
                required=False,
                help_text=_("Optional. A JPEG, PNG or WebP image of your payment QR code."),
                widget=forms.ClearableFileInput(attrs={"accept": IMAGE_TYPES}),
            )
        if has_qr:
            self.fields["remove_qr"] = forms.BooleanField(
                label=_("Remove the current QR code"), required=False
            )

    def detail_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(DETAIL_PREFIX)]

    def details(self) -> dict[str, str]:
        """The typed details keyed as the type's fields (after is_valid())."""
        return {
            name.removeprefix(DETAIL_PREFIX): value
            for name, value in self.cleaned_data.items()
            if name.startswith(DETAIL_PREFIX)
        }

    @staticmethod
    def initial_for(holder_name: str, details: dict[str, Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {"holder_name": holder_name}
        initial.update({DETAIL_PREFIX + str(k): v for k, v in (details or {}).items()})
        return initial
