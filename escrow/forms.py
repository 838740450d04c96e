from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms.fund_password import fund_password_field, totp_code_field

from .models import TransferKind
from .selectors import asset_list_enabled, withdrawal_networks
from .selectors.withdrawals import WithdrawChoice


class StatementFilterForm(forms.Form):
    asset = forms.ChoiceField(label=_("Asset"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *TransferKind.choices]
    )
    date_from = forms.DateField(
        required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        symbols = [(asset.symbol, asset.symbol) for asset in asset_list_enabled()]
        self.fields["asset"].choices = [("", _("All assets")), *symbols]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        return cleaned


class AddressBookForm(forms.Form):
    network = forms.TypedChoiceField(label=_("Asset and network"), coerce=int)
    label = forms.CharField(label=_("Label"), max_length=60)
    address = forms.CharField(label=_("Address"), max_length=120)
    memo = forms.CharField(
        label=_("Memo"), max_length=60, required=False, help_text=_("Only if the network asks.")
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choices = [(n.pk, f"{n.asset.symbol} · {n.name}") for n in withdrawal_networks()]
        self.fields["network"].choices = choices  # type: ignore[attr-defined]


class AddressEditForm(forms.Form):
    """An entry's network stays; a new address or memo on it cools again."""

    label = forms.CharField(label=_("Label"), max_length=60)
    address = forms.CharField(label=_("Address"), max_length=120)
    memo = forms.CharField(
        label=_("Memo"), max_length=60, required=False, help_text=_("Only if the network asks.")
    )


class WithdrawForm(forms.Form):
    """Where to (an address book entry past its cooling), how much, and the secrets."""

    entry = forms.TypedChoiceField(label=_("To"), coerce=int)
    amount = forms.CharField(
        label=_("Amount to arrive"),
        max_length=40,
        help_text=_("The network's fee is taken from your balance on top."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    fund_password = fund_password_field()
    request_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(
        self, *args: Any, choices: list[WithdrawChoice], has_totp: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [  # type: ignore[attr-defined]
            (choice.entry.pk, _entry_label(choice)) for choice in choices if choice.usable
        ]
        if has_totp:
            self.fields["totp_code"] = totp_code_field()

    def totp_code(self) -> str | None:
        code = self.cleaned_data.get("totp_code")
        return str(code).strip() if code else None


def _entry_label(choice: WithdrawChoice) -> str:
    entry = choice.entry
    return f"{entry.label} · {entry.network.asset.symbol} · {entry.network.name} · {entry.address}"
