from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..services.appeals import APPEAL_MAX, APPEAL_MIN


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Your appeal"),
        min_length=APPEAL_MIN,
        max_length=APPEAL_MAX,
        help_text=_("Tell us why this restriction should end (20 to 2000 characters)."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
