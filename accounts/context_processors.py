"""The unread-notice count in every page's header. Lazy: counted (one query over a partial
index) only when a template shows it, and never for anonymous visitors."""

from __future__ import annotations

from functools import cached_property

from django.http import HttpRequest

from .models import User
from .selectors import unread_count

BADGE_MAX = 99


class UnreadNotices:
    def __init__(self, user: User) -> None:
        self._user = user

    @cached_property
    def count(self) -> int:
        return unread_count(user=self._user)

    @property
    def label(self) -> str:
        """What the badge shows: the count, or "99+" past that."""
        return f"{BADGE_MAX}+" if self.count > BADGE_MAX else str(self.count)


def notifications(request: HttpRequest) -> dict[str, UnreadNotices]:
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return {}
    return {"unread_notices": UnreadNotices(user)}
