"""Forms of the appeal pages: they parse what the party typed; disputes.services checks
every rule and its refusals are put back on these forms."""

from __future__ import annotations

from typing import Any

from django import forms

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
            f"JPEG, PNG or WebP images and PDFs, up to {MAX_FILE_BYTES // (1024 * 1024)} MB "
            f"each; at most {MAX_FILES_PER_PARTY} files in all.",
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data]
        cleaned = [super(_EvidenceFilesField, self).clean(item, initial) for item in files if item]
        if len(cleaned) > MAX_FILES_PER_PARTY:
            raise forms.ValidationError(f"Attach at most {MAX_FILES_PER_PARTY} files.")
        return cleaned


class AppealForm(forms.Form):
    reason = forms.ChoiceField(
        label="What went wrong",
        choices=[("", "Choose a reason"), *DisputeReason.choices],
        error_messages={"required": "Choose the reason for the appeal."},
    )
    description = forms.CharField(
        label="Describe what happened",
        min_length=DESCRIPTION_MIN,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=(
            f"At least {DESCRIPTION_MIN} characters: when and how you paid or checked, amounts, "
            "names on the accounts. Staff and the other party read this."
        ),
        error_messages={
            "required": "Describe what happened.",
            "min_length": f"Describe what happened in at least {DESCRIPTION_MIN} characters.",
        },
    )
    attachments = _EvidenceFilesField(label="Evidence (optional)")


class EvidenceForm(forms.Form):
    text = forms.CharField(
        label="What you want staff to know",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attachments = _EvidenceFilesField(label="Files")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("text") or "").strip() and not data.get("attachments"):
            raise forms.ValidationError("Write something or attach a file.")
        return data


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label="Why you withdraw (optional)",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
