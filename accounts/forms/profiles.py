"""Forms for the profile page. The nickname rules live in accounts/services/profiles.py."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ..services.preferences import time_zone_choices


class NicknameForm(forms.Form):
    nickname = forms.CharField(
        label=_("Nickname"),
        max_length=24,
        widget=forms.TextInput(
            attrs={"autocomplete": "nickname", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )


class PreferencesForm(forms.Form):
    """The language and time zone pages, mail and notifications use for this person."""

    language = forms.ChoiceField(label=_("Language"), required=False, choices=[])
    time_zone = forms.ChoiceField(label=_("Time zone"), required=False, choices=[])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = [("", _("The browser's language")), *settings.LANGUAGES]
        zone = self.fields["time_zone"]
        assert isinstance(zone, forms.ChoiceField)
        zone.choices = [("", _("UTC (the platform's)")), *((z, z) for z in time_zone_choices())]
