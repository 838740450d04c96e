"""A person's language and time zone: what pages, mail and notifications use for them."""

from __future__ import annotations

import zoneinfo
from functools import cache

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _

from core.errors import DomainError

from ..models import User

# The regions people trade from; the rest of the tz database (Etc/GMT+5, SystemV/...) only
# confuses a select.
ZONE_REGIONS = ("Africa/", "America/", "Asia/", "Atlantic/", "Australia/", "Europe/", "Indian/")


class PreferencesError(DomainError):
    code = "preferences"


@cache
def time_zone_choices() -> tuple[str, ...]:
    zones = {z for z in zoneinfo.available_timezones() if z.startswith(ZONE_REGIONS)}
    return ("UTC", *sorted(zones))


def preferences_set(*, actor: User, language: str, time_zone: str) -> User:
    """Blank keeps the default: the browser's language, the platform's time zone (UTC)."""
    if language and language not in dict(settings.LANGUAGES):
        raise PreferencesError(_("Choose one of the languages offered."))
    if time_zone and time_zone not in time_zone_choices():
        raise PreferencesError(_("Choose one of the time zones offered."))
    with transaction.atomic(durable=True):
        User.objects.filter(pk=actor.pk).update(language=language, time_zone=time_zone)
    actor.language, actor.time_zone = language, time_zone
    return actor


def remember_language(response: HttpResponse, language: str) -> None:
    """Put the choice in Django's language cookie (what LocaleMiddleware reads first), or drop
    the cookie when the person wants the browser's language back."""
    if not language:
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
        )
        return
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
    )
