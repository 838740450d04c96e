"""The device cookie: a long-lived random id per browser, signed so it cannot be forged into
someone else's, recorded with each login. It holds nothing about the person; it only tells
staff that two accounts logged in from the same browser."""

from __future__ import annotations

import re
import secrets

from django.core import signing
from django.http import HttpRequest, HttpResponse

COOKIE_NAME = "otc_device"
SALT = "accounts.device"
MAX_AGE_SECONDS = 2 * 365 * 24 * 3600
_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_device_id() -> str:
    return secrets.token_urlsafe(24)


def device_id_from(request: HttpRequest | None) -> str:
    """The request's device id: the one the middleware read or made, else the signed cookie;
    blank when there is neither (a request made outside a browser)."""
    if request is None:
        return ""
    known = getattr(request, "device_id", "")
    if isinstance(known, str) and known:
        return known
    try:
        value = request.get_signed_cookie(COOKIE_NAME, default="", salt=SALT)
    except (signing.BadSignature, KeyError):
        return ""
    return value if isinstance(value, str) and _SHAPE.match(value) else ""


def set_device_cookie(response: HttpResponse, device_id: str, *, secure: bool) -> None:
    response.set_signed_cookie(
        COOKIE_NAME,
        device_id,
        salt=SALT,
        max_age=MAX_AGE_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=secure,
    )
