from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import TransferKind
from .selectors import asset_list_enabled, withdrawal_networks


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
