"""Writes on announcements: staff save one (validated, the cache forgotten so every process
shows it within seconds), a person dismisses a banner, and the important ones that have started
go out as notifications, once."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors.audiences import active_user_ids, user_ids_verified_in
from accounts.services.broadcast import notify_many
from merchants.selectors.audiences import current_merchant_user_ids

from .models import Announcement, AnnouncementDismissal, Audience
from .selectors import Viewer, announcement_for_dismissal, forget_cached

LANGUAGES = ("en", "zh-hans", "zh-hant")


def announcement_check(announcement: Announcement) -> None:
    """What the database constraints say, as messages staff can act on."""
    errors: dict[str, str] = {}
    if announcement.ends_at and announcement.ends_at <= announcement.starts_at:
        errors["ends_at"] = _("The end must come after the start.")
    value = (announcement.audience_value or "").strip()
    if announcement.audience in (Audience.EVERYONE, Audience.MERCHANTS) and value:
        errors["audience_value"] = _("Leave this empty for this audience.")
    if announcement.audience == Audience.LANGUAGE and value.lower() not in LANGUAGES:
        errors["audience_value"] = _("Give a language code: %(codes)s.") % {
            "codes": ", ".join(LANGUAGES)
        }
    if announcement.audience == Audience.COUNTRY and not (len(value) == 2 and value.isalpha()):
        errors["audience_value"] = _("Give a two-letter country code, e.g. HK.")
    if errors:
        raise ValidationError(errors)


def announcement_save(*, actor: User, announcement: Announcement) -> Announcement:
    """Create or change an announcement (the admin's save)."""
    if not (actor.is_staff and actor.has_perm("operations.change_announcement")):
        raise ValidationError(_("You may not change announcements."))
    announcement_check(announcement)
    announcement.audience_value = announcement.audience_value.strip()
    if announcement.audience == Audience.COUNTRY:
        announcement.audience_value = announcement.audience_value.upper()
    if announcement.audience == Audience.LANGUAGE:
        announcement.audience_value = announcement.audience_value.lower()
    with transaction.atomic(savepoint=False):  # the admin saves inside its own transaction
        if announcement.pk is None:
            announcement.created_by = actor
        announcement.save()
        transaction.on_commit(forget_cached)
    return announcement


def announcement_dismiss(*, viewer: Viewer, announcement_id: int) -> bool:
    """Dismiss a dismissible banner in force for a signed-in viewer; False when it is not one.
    Dismissing twice is one dismissal."""
    if viewer.user is None:
        return False
    if announcement_for_dismissal(viewer=viewer, announcement_id=announcement_id) is None:
        return False
    with transaction.atomic(durable=True):
        AnnouncementDismissal.objects.get_or_create(
            announcement_id=announcement_id, user=viewer.user
        )
    return True


def _audience_ids(announcement: Announcement) -> list[list[int]]:
    if announcement.audience == Audience.MERCHANTS:
        return [current_merchant_user_ids()]
    if announcement.audience == Audience.LANGUAGE:
        return list(active_user_ids(language=announcement.audience_value))
    if announcement.audience == Audience.COUNTRY:
        return list(user_ids_verified_in(country=announcement.audience_value))
    return list(active_user_ids())


def announcement_notify(*, announcement_id: int) -> int:
    """Send a started important announcement to its audience as a notification; how many
    people have it. The claim (`notified_at` set where it was empty) makes a second worker, or
    the next beat run, send nothing."""
    with transaction.atomic(durable=True):
        now = timezone.now()
        claimed = Announcement.objects.filter(
            pk=announcement_id, important=True, notified_at__isnull=True, starts_at__lte=now
        ).update(notified_at=now)
        if not claimed:
            return 0
        announcement = Announcement.objects.get(pk=announcement_id)
        sent = 0
        for ids in _audience_ids(announcement):
            sent += notify_many(
                user_ids=ids,
                kind="announcement",
                title=announcement.title,
                url=reverse("operations:announcements"),
                dedupe_key=f"announcement:{announcement.pk}",
            )
        return sent
