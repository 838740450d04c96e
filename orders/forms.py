"""Forms of the order pages: they parse what the user typed; every rule about orders is checked
by orders/services.py, whose refusals the views put on these forms."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms.fund_password import fund_password_field, totp_code_field
from accounts.models import UserPaymentMethod
from ads.models import Ad, Side
from escrow.selectors import asset_list_enabled

from .models import FEEDBACK_COMMENT_MAX, FeedbackRating, OrderStatus
from .selectors import SIDE_BOUGHT, SIDE_SOLD, OrderFilters

PAY_IN_FIAT = "fiat"
PAY_IN_CRYPTO = "crypto"


def new_form_key() -> str:
    """The idempotency key of one rendered order form: a double submit opens one order."""
    return uuid.uuid4().hex


def _method_label(method: UserPaymentMethod) -> str:
    return f"{method.method_type.name} · {method.holder_name}"


class OrderPlaceForm(forms.Form):
    """The amount, in the ad's fiat or in its asset, and for a buy ad (the user sells) the user's
    own payment methods the merchant may pay to."""

    pay_in = forms.ChoiceField(label=_("Enter the amount in"), widget=forms.RadioSelect)
    amount = forms.CharField(
        label=_("Amount"),
        max_length=40,
        error_messages={"required": _("Enter how much to trade.")},
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": "0.00"}
        ),
    )
    idempotency_key = forms.CharField(
        min_length=8,
        max_length=64,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("The order form has expired; reload the page and try again."),
            "min_length": _("The order form has expired; reload the page and try again."),
            "max_length": _("The order form has expired; reload the page and try again."),
        },
    )

    def __init__(
        self,
        *args: Any,
        ad: Ad,
        methods: list[UserPaymentMethod] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {
            "pay_in": PAY_IN_FIAT,
            "idempotency_key": new_form_key(),
            **kwargs["initial"],
        }
        super().__init__(*args, **kwargs)
        self.ad = ad
        self.fields["pay_in"].choices = [  # type: ignore[attr-defined]
            (PAY_IN_FIAT, ad.fiat.code),
            (PAY_IN_CRYPTO, ad.asset.symbol),
        ]
        if ad.side == Side.BUY:
            methods = methods or []
            self.fields["payment_methods"] = forms.TypedMultipleChoiceField(
                label=_("Where the merchant pays you"),
                coerce=int,
                choices=[(method.pk, _method_label(method)) for method in methods],
                widget=forms.CheckboxSelectMultiple,
                initial=[methods[0].pk] if len(methods) == 1 else [],
                error_messages={
                    "required": _("Choose one of your payment methods that this ad accepts.")
                },
                help_text=_(
                    "Your saved accounts of a type this ad accepts; the merchant sees them "
                    "in the order."
                ),
            )

    def service_arguments(self) -> dict[str, Any]:
        """The keyword arguments of `orders.services.order_place` (the user and ad apart)."""
        data = self.cleaned_data
        in_crypto = data["pay_in"] == PAY_IN_CRYPTO
        arguments: dict[str, Any] = {
            "idempotency_key": data["idempotency_key"],
            "fiat_amount": None if in_crypto else data["amount"],
            "amount": data["amount"] if in_crypto else None,
        }
        if "payment_methods" in self.fields:
            arguments["payment_method_ids"] = list(data.get("payment_methods") or [])
        return arguments


class _MultipleImagesInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class _ImagesField(forms.FileField):
    """Several image files in one input; orders.services checks and re-encodes each."""

    def __init__(self, **kwargs: Any) -> None:
        accept = "image/jpeg,image/png,image/webp"
        kwargs.setdefault("widget", _MultipleImagesInput(attrs={"accept": accept}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data]
        clean_one = super().clean  # zero-argument super() does not reach into a comprehension
        return [clean_one(item, initial) for item in files if item]


class MarkPaidForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How did you pay?"),
        error_messages={"required": _("Say which payment method you used.")},
    )
    paid_from_name = forms.CharField(
        label=_("Name on the account you paid from"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_(
            "The seller checks that the payment came from an account in your own verified name."
        ),
    )
    note = forms.CharField(
        label=_("Note for the seller (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example the last digits of the account you paid from."),
    )
    proofs = _ImagesField(
        label=_("Proof of payment (optional)"),
        required=False,
        help_text=_(
            "Up to 5 screenshots of the transfer: JPEG, PNG or WebP. Only the seller "
            "(and our team, in a dispute) can see them."
        ),
    )

    def __init__(self, *args: Any, methods: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [(name, name) for name in methods]
        self.fields["method"].choices = (  # type: ignore[attr-defined]
            choices if len(choices) == 1 else [("", _("Choose…")), *choices]
        )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you canceling?"),
        max_length=280,
        error_messages={"required": _("Give a reason for canceling.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    confirm = forms.BooleanField(
        label=_("I have not paid for this order and I want to cancel it."),
        error_messages={"required": _("Tick the box to confirm that you have not paid.")},
    )


class ReleaseForm(forms.Form):
    """The fund password, plus a TOTP code when the seller has two-factor on."""

    received = forms.BooleanField(
        label=_("I have checked my own account: the payment has arrived in full."),
        error_messages={"required": _("Check your account first, then tick the box.")},
    )
    fund_password = fund_password_field()

    def __init__(self, *args: Any, has_totp: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if has_totp:
            self.fields["totp_code"] = totp_code_field()

    def totp_code(self) -> str | None:
        code = self.cleaned_data.get("totp_code")
        return str(code).strip() if code else None


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *OrderStatus.choices]
    )
    asset = forms.ChoiceField(label=_("Asset"), required=False)
    side = forms.ChoiceField(
        label=_("Side"),
        required=False,
        choices=[("", _("Bought and sold")), (SIDE_BOUGHT, _("Bought")), (SIDE_SOLD, _("Sold"))],
    )
    date_from = forms.DateField(
        required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        symbols = [(asset.symbol, asset.symbol) for asset in asset_list_enabled()]
        self.fields["asset"].choices = [("", _("All assets")), *symbols]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        return cleaned

    def filters(self) -> OrderFilters:
        """The valid filters; an invalid form filters nothing (the page says which were
        ignored)."""
        if not self.is_valid():
            return OrderFilters()
        data = self.cleaned_data
        return OrderFilters(
            status=data.get("status") or "",
            asset=data.get("asset") or "",
            side=data.get("side") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


class FeedbackForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("How was this trade?"),
        choices=[
            (FeedbackRating.POSITIVE, _("Positive")),
            (FeedbackRating.NEGATIVE, _("Negative")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose thumbs up or thumbs down.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=FEEDBACK_COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": FEEDBACK_COMMENT_MAX}),
        help_text=_("Others see it on their public profile. Never share payment details here."),
    )
