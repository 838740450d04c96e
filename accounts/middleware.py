"""Staff reach the Django admin only with two-factor authentication turned on."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

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
                "Staff must turn on two-factor authentication before using the admin.",
            )
            return redirect("mfa_index")
        return self.get_response(request)
