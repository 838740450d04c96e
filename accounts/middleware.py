"""Per-request account policy: staff reach the Django admin only with two-factor turned on,
a signed-in person sees pages in their own time zone and language, and every browser carries
a random device cookie that logins record."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.i18n import zone_of

from .devices import device_id_from, new_device_id, set_device_cookie
from .models import User
from .selectors import user_has_mfa


class StaffMFAMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.STAFF_REQUIRE_MFA
            and request.path.startswith("/admin/")
            and user.is_authenticated
            and user.is_staff
            and not user_has_mfa(user=user)
        ):
            messages.warning(
                request,
                _("Staff must turn on two-factor authentication before using the admin."),
            )
            return redirect("mfa_index")
        return self.get_response(request)


class UserLocaleMiddleware:
    """After AuthenticationMiddleware (and LocaleMiddleware): dates and times in the user's
    time zone; the user's language when this browser has no language cookie yet (a cookie is
    a choice made on this browser, so it wins, as it does for LocaleMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if not isinstance(user, User) or not user.is_authenticated:
            return self.get_response(request)
        timezone.activate(zone_of(user))
        previous = translation.get_language()
        chosen = user.language if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES else ""
        if chosen:
            translation.activate(chosen)
            request.LANGUAGE_CODE = translation.get_language()
        try:
            response = self.get_response(request)
        finally:
            # the thread serves the next request (or test) in its own language and zone
            timezone.deactivate()
            if chosen:
                translation.activate(previous)
        if chosen:
            response.headers["Content-Language"] = chosen  # LocaleMiddleware keeps it
        return response


class DeviceCookieMiddleware:
    """Gives a browser without a valid device cookie a new one, on whatever response it gets.
    The id is known to the request before the view runs, so a login records it at once."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        existing = device_id_from(request)
        request.device_id = existing or new_device_id()  # type: ignore[attr-defined]
        response = self.get_response(request)
        if not existing:
            set_device_cookie(
                response,
                request.device_id,  # type: ignore[attr-defined]
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
