"""Forms of the appeal pages: they parse what the party typed; disputes.services checks
every rule and its refusals are put back on these forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .evidence import MAX_FILE_BYTES, MAX_FILES_PER_PARTY, TEXT_MAX
from .models import DESCRIPTION_MIN, DisputeReason

ACCEPT = "image/jpeg,image/png,image/webp,application/pdf,.pdf"


class _MultipleFilesInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class _EvidenceFilesField(forms.FileField):
    """Several files in one input; disputes/evidence.py checks each one."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", _MultipleFilesInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            format_lazy(
                _(
                    "JPEG, PNG or WebP images and PDFs, up to {mb} MB each; at most {n} files "
                    "in all."
                ),
                mb=MAX_FILE_BYTES // (1024 * 1024),
                n=MAX_FILES_PER_PARTY,
            ),
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data]
        cleaned = [super(_EvidenceFilesField, self).clean(item, initial) for item in files if item]
        if len(cleaned) > MAX_FILES_PER_PARTY:
            raise forms.ValidationError(
                _("Attach at most %(n)s files.") % {"n": MAX_FILES_PER_PARTY}
            )
        return cleaned


class AppealForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What went wrong"),
        choices=[("", _("Choose a reason")), *DisputeReason.choices],
        error_messages={"required": _("Choose the reason for the appeal.")},
    )
    description = forms.CharField(
        label=_("Describe what happened"),
        min_length=DESCRIPTION_MIN,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=format_lazy(
            _(
                "At least {n} characters: when and how you paid or checked, amounts, names on "
                "the accounts. Staff and the other party read this."
            ),
            n=DESCRIPTION_MIN,
        ),
        error_messages={
            "required": _("Describe what happened."),
            "min_length": format_lazy(
                _("Describe what happened in at least {n} characters."), n=DESCRIPTION_MIN
            ),
        },
    )
    attachments = _EvidenceFilesField(label=_("Evidence (optional)"))


class EvidenceForm(forms.Form):
    text = forms.CharField(
        label=_("What you want staff to know"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attachments = _EvidenceFilesField(label=_("Files"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("text") or "").strip() and not data.get("attachments"):
            raise forms.ValidationError(_("Write something or attach a file."))
        return data


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("Why you withdraw (optional)"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
