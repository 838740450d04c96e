"""Which announcements a person sees now. The set in force is small and read on every page, so
it is cached for a few seconds (a change reaches every process within CACHE_SECONDS); who is in
an audience is asked only when an announcement in force targets that kind of audience."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.core.cache import cache
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.safestring import SafeString

from accounts.models import User
from accounts.selectors import kyc_country
from merchants.selectors import merchant_for_user, merchant_is_current

from .models import Announcement, AnnouncementDismissal, Audience, Placement
from .text import render_body

CACHE_KEY = "operations:announcements:v1"
CACHE_SECONDS = 15


@dataclass(frozen=True)
class Shown:
    id: int
    title: str
    body_html: SafeString
    starts_at: object
    ends_at: object
    audience: str
    audience_value: str
    banner: bool
    dismissible: bool
    important: bool


def _in_force() -> list[Shown]:
    cached = cache.get(CACHE_KEY)
    if cached is not None:
        return list(cached)
    rows = Announcement.objects.filter(starts_at__lte=Now()).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=Now())
    )
    shown = [
        Shown(
            id=row.pk,
            title=row.title,
            body_html=render_body(row.body),
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            audience=row.audience,
            audience_value=row.audience_value.lower(),
            banner=row.placement == Placement.BANNER,
            dismissible=row.dismissible,
            important=row.important,
        )
        for row in rows
    ]
    # an announcement that starts or ends before the cache would expire is seen on time
    cache.set(CACHE_KEY, shown, CACHE_SECONDS)
    return shown


def forget_cached() -> None:
    """After staff change an announcement: every process reads it again at once."""
    cache.delete(CACHE_KEY)


@dataclass
class Viewer:
    """The person looking, with what an audience asks of them read on first use."""

    user: User | None
    language: str

    @cached_property
    def is_merchant(self) -> bool:
        if self.user is None:
            return False
        return merchant_is_current(merchant_for_user(user=self.user))

    @cached_property
    def country(self) -> str:
        if self.user is None:
            return ""
        return (kyc_country(user=self.user) or "").lower()

    def in_audience(self, shown: Shown) -> bool:
        if shown.audience == Audience.EVERYONE:
            return True
        if shown.audience == Audience.MERCHANTS:
            return self.is_merchant
        if shown.audience == Audience.LANGUAGE:
            return self.language.lower() == shown.audience_value
        return self.country == shown.audience_value


def _dismissed(user: User | None, ids: list[int]) -> set[int]:
    if user is None or not ids:
        return set()
    return set(
        AnnouncementDismissal.objects.filter(user=user, announcement_id__in=ids).values_list(
            "announcement_id", flat=True
        )
    )


def announcements_for(*, viewer: Viewer) -> list[Shown]:
    """Every announcement in force for the viewer, newest first (the list page)."""
    return [shown for shown in _in_force() if viewer.in_audience(shown)]


def banners_for(*, viewer: Viewer, dismissed_here: set[int] | None = None) -> list[Shown]:
    """The banners the viewer has not dismissed (signed-out visitors dismiss per session)."""
    banners = [shown for shown in _in_force() if shown.banner and viewer.in_audience(shown)]
    if not banners:
        return []
    gone = _dismissed(viewer.user, [shown.id for shown in banners]) | (dismissed_here or set())
    return [shown for shown in banners if not (shown.dismissible and shown.id in gone)]


def announcement_for_dismissal(*, viewer: Viewer, announcement_id: int) -> Shown | None:
    """The banner in force that the viewer may dismiss, if that is what `announcement_id` is."""
    for shown in _in_force():
        if shown.id == announcement_id and shown.dismissible and viewer.in_audience(shown):
            return shown
    return None


def due_for_notification() -> list[Announcement]:
    """Important announcements that have started and not yet been sent as notifications."""
    now = timezone.now()
    return list(
        Announcement.objects.filter(important=True, notified_at__isnull=True, starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .order_by("starts_at")
    )
