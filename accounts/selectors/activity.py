"""Reads of a user's notifications. Every read is scoped to the one user: nobody reaches
another's notices, not even by number."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Notification, User


def unread_count(*, user: User | int) -> int:
    """One count over the partial index of unread notices."""
    user_id = user if isinstance(user, int) else user.pk
    return Notification.objects.filter(user_id=user_id, read_at__isnull=True).count()


def notifications_for_user(*, user: User) -> QuerySet[Notification]:
    """The user's notices, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")
