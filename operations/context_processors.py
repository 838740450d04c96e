"""The banners on every page. Lazy: read only when the page's template shows them."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property

from django.http import HttpRequest

from .announcements.selectors import Shown, banners_for
from .views import SESSION_DISMISSED, viewer_for


class Banners:
    def __init__(self, request: HttpRequest) -> None:
        self._request = request

    @cached_property
    def shown(self) -> list[Shown]:
        session = getattr(self._request, "session", None)  # none on a bare error page
        here = set(session.get(SESSION_DISMISSED, [])) if session is not None else set()
        return banners_for(viewer=viewer_for(self._request), dismissed_here=here)

    def __iter__(self) -> Iterator[Shown]:
        return iter(self.shown)

    def __bool__(self) -> bool:
        return bool(self.shown)


def announcements(request: HttpRequest) -> dict[str, Banners]:
    if request.path.startswith("/admin/"):
        return {}  # staff pages carry their own header
    return {"announcement_banners": Banners(request)}
