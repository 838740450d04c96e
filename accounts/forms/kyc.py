"""Forms of the identity verification pages. They check what a person typed; the images are
validated and re-encoded by the service (accounts/services/kyc.py), which re-checks the rest."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from ..models.kyc import IdType

IMAGE_TYPES = "image/jpeg,image/png,image/webp"
COUNTRY = re.compile(r"^[A-Z]{2}$")


def image_field(
    label: StrOrPromise, *, missing: StrOrPromise, required: bool = True, help_text: StrOrPromise
) -> forms.FileField:
    limit = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
    formats = format_lazy(_("JPEG, PNG or WebP, at most {limit} MB."), limit=limit)
    return forms.FileField(
        label=label,
        required=required,
        help_text=format_lazy("{} {}", help_text, formats),
        widget=forms.FileInput(attrs={"accept": IMAGE_TYPES}),
        error_messages={"required": missing},
    )


class KycLevel1Form(forms.Form):
    legal_name = forms.CharField(
        label=_("Legal name"),
        max_length=120,
        help_text=_("Exactly as printed on your identity document."),
    )
    country = forms.CharField(
        label=_("Country of issue"),
        max_length=2,
        help_text=_("Two-letter ISO code, for example HK, SG or US."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "size": 4}),
    )
    id_type = forms.ChoiceField(label=_("Document type"), choices=IdType.choices)
    id_number = forms.CharField(label=_("Document number"), max_length=40)
    front = image_field(
        _("Document front"),
        help_text=_("The side with your photo."),
        missing=_("Add the document front image."),
    )
    back = image_field(
        _("Document back"),
        required=False,
        help_text=_("Not needed for a passport."),
        missing=_("Add the document back image."),
    )
    selfie = image_field(
        _("Selfie"),
        help_text=_("You holding the document next to your face."),
        missing=_("Add the selfie image."),
    )

    def clean_legal_name(self) -> str:
        return " ".join(self.cleaned_data["legal_name"].split())

    def clean_country(self) -> str:
        country = str(self.cleaned_data["country"]).strip().upper()
        if not COUNTRY.match(country):
            raise forms.ValidationError(_("Use the two-letter ISO country code, for example HK."))
        return country

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        id_type = cleaned.get("id_type")
        if id_type and id_type != IdType.PASSPORT and not cleaned.get("back"):
            self.add_error("back", _("Add the back of the document (only a passport has none)."))
        return cleaned


class KycLevel2Form(forms.Form):
    address = forms.CharField(
        label=_("Residential address"),
        max_length=500,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Street, city, postal code and country, as on the proof below."),
    )
    proof_of_address = image_field(
        _("Proof of address"),
        help_text=_("A utility bill or bank statement from the last three months."),
        missing=_("Add the proof of address image."),
    )


class KycRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason shown to the user"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("Say what was wrong and what to send instead; the user reads this by email."),
    )
