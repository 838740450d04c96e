"""The notification list: newest first, unread ones marked; opening one marks it read and
follows its link; "Mark all read" (htmx swaps the list in place). Only one's own notices."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from ..models import User
from ..selectors import notifications_for_user
from ..services.activity import NotificationNotFound, mark_all_read, mark_read

PAGE_SIZE = 20
LIST = "accounts:notifications"


def _me(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _wants_fragment(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    # a history restore (the Back button) needs the whole page, not the fragment
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


def safe_local_url(url: str) -> str | None:
    """A notice's link, only when it stays on this site: a path such as "/orders/X/", never
    "//elsewhere", "https://elsewhere" or "javascript:"."""
    if not url.startswith("/") or url.startswith(("//", "/\\")):
        return None
    if not url_has_allowed_host_and_scheme(url, allowed_hosts=set()):
        return None
    return url


def _render_list(request: HttpRequest, *, fragment: bool) -> HttpResponse:
    page = Paginator(notifications_for_user(user=_me(request)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    template = "_results.html" if fragment else "list.html"
    context = {"page": page, "notices": list(page)}
    return render(request, f"accounts/notifications/{template}", context)


@never_cache
@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    return _render_list(request, fragment=_wants_fragment(request))


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        notice = mark_read(actor=_me(request), notification_id=pk)
    except NotificationNotFound as error:
        raise Http404(error.message) from error
    target = safe_local_url(notice.url)
    return redirect(target) if target else redirect(LIST)


@login_required
@require_POST
def notification_mark_all_read(request: HttpRequest) -> HttpResponse:
    marked = mark_all_read(actor=_me(request))
    if _wants_fragment(request):
        return _render_list(request, fragment=True)
    if marked:
        messages.success(
            request,
            ngettext(
                "%(count)d notification marked read.",
                "%(count)d notifications marked read.",
                marked,
            )
            % {"count": marked},
        )
    return redirect(LIST)


urlpatterns: list[URLPattern] = [
    path("notifications/", notification_list, name="notifications"),
    path("notifications/<int:pk>/open/", notification_open, name="notification_open"),
    path("notifications/read-all/", notification_mark_all_read, name="notifications_read_all"),
]
