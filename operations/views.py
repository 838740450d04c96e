"""The announcements people read: the list page, and dismissing a banner (with htmx the banner
goes at once; without it the page comes back without it)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User

from .announcements.selectors import Viewer, announcement_for_dismissal, announcements_for
from .announcements.services import announcement_dismiss

# signed-out visitors dismiss banners for their session only
SESSION_DISMISSED = "dismissed_announcements"


def viewer_for(request: HttpRequest) -> Viewer:
    user = getattr(request, "user", None)
    user = user if isinstance(user, User) else None
    if user is not None and not user.is_authenticated:
        user = None
    return Viewer(user=user, language=get_language() or "")


@require_GET
def announcement_list(request: HttpRequest) -> HttpResponse:
    shown = announcements_for(viewer=viewer_for(request))
    return render(request, "operations/announcements.html", {"announcements": shown})


@require_POST
def announcement_dismiss_view(request: HttpRequest, announcement_id: int) -> HttpResponse:
    viewer = viewer_for(request)
    if viewer.user is not None:
        announcement_dismiss(viewer=viewer, announcement_id=announcement_id)
    elif announcement_for_dismissal(viewer=viewer, announcement_id=announcement_id):
        dismissed = set(request.session.get(SESSION_DISMISSED, []))
        request.session[SESSION_DISMISSED] = sorted(dismissed | {announcement_id})
    if request.headers.get("HX-Request"):
        return HttpResponse("")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = "/"
    return redirect(back)


urlpatterns: list[URLPattern] = [
    path("", announcement_list, name="announcements"),
    path("<int:announcement_id>/dismiss/", announcement_dismiss_view, name="dismiss"),
]
