"""Who may open the console: staff with the case permissions, 403 for everyone else (the
anonymous included: the console does not say it exists by sending them to a login page)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from accounts.models import User
from risk.cases.services import can_change_cases, can_view_cases


def staff(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def console_view(*, change: bool = False) -> Callable[..., Any]:
    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            allowed = can_change_cases if change else can_view_cases
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
