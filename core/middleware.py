"""Request-wide guards that run before anything reads the body."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation


def request_limit(path: str) -> int:
    """The largest body accepted for `path`: the longest matching prefix of
    REQUEST_MAX_BYTES_BY_PATH (dispute evidence takes more), else REQUEST_MAX_BYTES."""
    limits: dict[str, int] = settings.REQUEST_MAX_BYTES_BY_PATH
    matches = [prefix for prefix in limits if path.startswith(prefix)]
    return limits[max(matches, key=len)] if matches else settings.REQUEST_MAX_BYTES


class RequestSizeLimitMiddleware:
    """Refuse a body larger than any legitimate form of the page it is sent to, with 413 and a
    readable page, before CSRF or a view parses it (which would spool it to disk). Per-file
    limits still apply in the upload checks; a proxy in front should cap bodies too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = request_limit(request.path)
        if length > limit:
            megabytes = limit // (1024 * 1024)
            # this runs before the locale middleware: the page picks its language itself
            with translation.override(translation.get_language_from_request(request)):
                body = render_to_string("413.html", {"megabytes": megabytes})
            return HttpResponse(body, status=413)
        return self.get_response(request)
