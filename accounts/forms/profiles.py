"""Forms for the profile page. The nickname rules live in accounts/services/profiles.py."""

from __future__ import annotations

from django import forms


class NicknameForm(forms.Form):
    nickname = forms.CharField(
        label="Nickname",
        max_length=24,
        widget=forms.TextInput(
            attrs={"autocomplete": "nickname", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )
