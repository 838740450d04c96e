"""Forms of the merchant pages and staff screens. They check what a person typed; the services
(merchants/services.py) check everything again and decide."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.forms import BoundField
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import FiatCurrency
from core.money import format_crypto
from escrow.models import Asset

from .models import MerchantTier
from .selectors import (
    COMMON_TIMEZONES,
    WEEKDAY_NAMES,
    WEEKDAYS,
    clock_minutes,
    merchant_assets_choosable,
    merchant_fiats_choosable,
    merchant_tiers_enabled,
)
from .services import MerchantError, MerchantInvalid


def show_refusal(
    form: forms.Form, error: MerchantError, fields: Mapping[str, str] | None = None
) -> None:
    """Put each refusal next to its field (renamed through `fields`); others go on top."""
    if isinstance(error, MerchantInvalid):
        for key, message in error.errors.items():
            name = (fields or {}).get(key, key)
            form.add_error(name if name in form.fields else None, message)
    else:
        form.add_error(None, error.message)


class TierChoiceField(forms.ModelChoiceField[MerchantTier]):
    def label_from_instance(self, obj: MerchantTier) -> str:
        return _("%(tier)s · collateral %(amount)s %(asset)s") % {
            "tier": obj.name,
            "amount": format_crypto(obj.collateral_amount, obj.collateral_asset.precision),
            "asset": obj.collateral_asset.symbol,
        }


class AssetChoiceField(forms.ModelMultipleChoiceField[Asset]):
    def label_from_instance(self, obj: Asset) -> str:
        return f"{obj.symbol} · {obj.name}"


class FiatChoiceField(forms.ModelMultipleChoiceField[FiatCurrency]):
    def label_from_instance(self, obj: FiatCurrency) -> str:
        return f"{obj.code} · {obj.name}"


class MerchantApplicationForm(forms.Form):
    display_name = forms.CharField(
        min_length=2,
        max_length=40,
        label=gettext_lazy("Display name"),
        help_text=gettext_lazy(
            "Shown on your ads instead of your nickname. 2 to 40 characters, unique."
        ),
    )
    contact = forms.CharField(
        max_length=200,
        label=gettext_lazy("Contact"),
        help_text=gettext_lazy(
            "How our staff can reach you during review: Telegram, WhatsApp or phone."
        ),
    )
    tier = TierChoiceField(
        queryset=MerchantTier.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        label=gettext_lazy("Tier"),
    )
    assets = AssetChoiceField(
        queryset=Asset.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Assets you will trade"),
        error_messages={"required": gettext_lazy("Choose at least one asset you will trade.")},
    )
    fiats = FiatChoiceField(
        queryset=FiatCurrency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Currencies you will trade in"),
        error_messages={
            "required": gettext_lazy("Choose at least one currency you will trade in.")
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["tier"].queryset = merchant_tiers_enabled()
        fields["assets"].queryset = merchant_assets_choosable()
        fields["fiats"].queryset = merchant_fiats_choosable()

    def clean_display_name(self) -> str:
        return " ".join(str(self.cleaned_data["display_name"]).split())


class ReasonForm(forms.Form):
    """A reason staff give, which the applicant or merchant reads (rejection, status change)."""

    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        label=gettext_lazy("Reason"),
        help_text=gettext_lazy("The person reads this in an email."),
        error_messages={"required": gettext_lazy("Give the reason the person will read.")},
    )


def _time_input() -> forms.TextInput:
    return forms.TextInput(attrs={"type": "time", "step": "60", "class": "hours__time"})


class BusinessHoursForm(forms.Form):
    """One opening range per weekday (both times empty = closed), in one timezone; or always
    open. A range closing before it opens runs past midnight."""

    always_open = forms.BooleanField(
        required=False,
        label=gettext_lazy("Always open"),
        help_text=gettext_lazy("Your ads show at any hour of any day."),
    )
    timezone = forms.ChoiceField(
        label=gettext_lazy("Time zone"), choices=COMMON_TIMEZONES, initial="Asia/Hong_Kong"
    )

    def __init__(self, *args: Any, hours: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day in WEEKDAYS:
            name = WEEKDAY_NAMES[day]
            self.fields[f"{day}_open"] = forms.CharField(
                required=False,
                label=_("%(day)s opens") % {"day": name},
                widget=_time_input(),
            )
            self.fields[f"{day}_close"] = forms.CharField(
                required=False,
                label=_("%(day)s closes") % {"day": name},
                widget=_time_input(),
            )
        if hours is not None and not self.is_bound:
            self._fill(hours)

    def _fill(self, hours: Mapping[str, Any]) -> None:
        if not hours:
            self.initial["always_open"] = True
            return
        zone = str(hours.get("timezone", ""))
        field: Any = self.fields["timezone"]
        if zone and zone not in dict(COMMON_TIMEZONES):
            field.choices = [*COMMON_TIMEZONES, (zone, zone)]
        self.initial["timezone"] = zone
        for day, ranges in (hours.get("days") or {}).items():
            if ranges:
                self.initial[f"{day}_open"], self.initial[f"{day}_close"] = ranges[0]

    def rows(self) -> list[tuple[str, BoundField, BoundField]]:
        """(day name, opening field, closing field) per weekday, for the template."""
        return [(str(WEEKDAY_NAMES[d]), self[f"{d}_open"], self[f"{d}_close"]) for d in WEEKDAYS]

    def _clock(self, name: str) -> str:
        text = str(self.cleaned_data.get(name) or "").strip()
        if len(text) == 8 and text.endswith(":00"):  # some browsers send seconds
            text = text[:5]
        if text:
            try:
                clock_minutes(text)
            except ValueError:
                self.add_error(name, _("Use a time such as 09:00."))
        return text

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("always_open"):
            cleaned["hours"] = {}
            return cleaned
        days: dict[str, list[list[str]]] = {}
        for day in WEEKDAYS:
            opens, closes = self._clock(f"{day}_open"), self._clock(f"{day}_close")
            if bool(opens) != bool(closes):
                self.add_error(
                    f"{day}_close" if opens else f"{day}_open",
                    _("Give both times, or leave both empty when closed."),
                )
            elif opens:
                days[day] = [[opens, closes]]
        cleaned["hours"] = {"timezone": cleaned.get("timezone", ""), "days": days}
        return cleaned

    @staticmethod
    def field_for(key: str) -> str:
        """The form field a service refusal key belongs to."""
        return f"{key}_open" if key in WEEKDAYS else key
