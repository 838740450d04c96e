from __future__ import annotations

from django import forms

from .models import TransferKind
from .selectors import asset_list_enabled


class StatementFilterForm(forms.Form):
    asset = forms.ChoiceField(required=False)
    kind = forms.ChoiceField(required=False, choices=[("", "All kinds"), *TransferKind.choices])
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        symbols = [(asset.symbol, asset.symbol) for asset in asset_list_enabled()]
        self.fields["asset"].choices = [("", "All assets"), *symbols]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("The start date must not be after the end date.")
        return cleaned
