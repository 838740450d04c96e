"""Forms of the fund password pages: they parse and compare the two copies; the rules themselves
are checked by accounts/services/fund_password.py, whose refusals the views put on the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from ..services.fund_password_rules import MAX_LENGTH, MIN_LENGTH, RULES_TEXT


def fund_password_field() -> forms.CharField:
    """The fund password, asked for before crypto is released or withdrawn."""
    return forms.CharField(
        label=_("Fund password"),
        strip=False,  # a space is part of the secret
        max_length=MAX_LENGTH,
        error_messages={"required": _("Enter your fund password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def totp_code_field() -> forms.RegexField:
    """The 6-digit authenticator code every form that spends or resets asks for with 2FA on."""
    return forms.RegexField(
        label=_("Two-factor code"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={
            "required": _("Enter the 6 digits from your authenticator app."),
            "invalid": _("Enter the 6 digits from your authenticator app."),
        },
        help_text=_("The 6-digit code from your authenticator app."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]{6}",
                "maxlength": "6",
            }
        ),
    )


def _secret(
    label: StrOrPromise, *, autocomplete: str, help_text: StrOrPromise = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,  # a space is part of the secret
        min_length=MIN_LENGTH,
        max_length=MAX_LENGTH,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class _NewPasswordForm(forms.Form):
    new_password = _secret(
        _("New fund password"), autocomplete="new-password", help_text=RULES_TEXT
    )
    new_password2 = _secret(_("New fund password (again)"), autocomplete="new-password")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("new_password"), data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("The two new fund passwords differ."))
        return data


class FundPasswordSetForm(_NewPasswordForm):
    pass


class FundPasswordChangeForm(_NewPasswordForm):
    current_password = forms.CharField(
        label=_("Current fund password"),
        strip=False,
        max_length=MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["current_password", "new_password", "new_password2"]


class FundPasswordResetConfirmForm(_NewPasswordForm):
    """New fund password twice, plus the authenticator code when the user has TOTP on."""

    def __init__(self, *args: Any, has_totp: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if has_totp:
            self.fields["totp_code"] = totp_code_field()
