"""Speaking to one person: what the worker writes for a user (a mail, a notification kept as
text) is rendered in that user's language and time zone, not in whatever the process has."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.utils import timezone, translation


def zone_of(user: object) -> zoneinfo.ZoneInfo:
    """The user's chosen time zone; the platform's when none is set or the name is unknown."""
    name = getattr(user, "time_zone", "") or settings.TIME_ZONE
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def language_of(user: object) -> str:
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


@contextmanager
def speaking_to(user: object) -> Iterator[None]:
    """`with speaking_to(order.buyer): text = render_to_string(...)`."""
    with translation.override(language_of(user)), timezone.override(zone_of(user)):
        yield
