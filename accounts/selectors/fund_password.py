"""Reads for the fund password (accounts/services/fund_password.py) and its pages."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from ..models import User


def user_has_totp(*, user: User) -> bool:
    """Whether two-factor authentication by TOTP (allauth.mfa) is on for `user`."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def fund_password_status(*, user: User) -> dict[str, object]:
    """is_set, set_at, locked_until (None unless locked now), failed_attempts (0 once a lock has
    passed: the next try starts a fresh count) and tries_left."""
    from ..models import FundPassword

    row = FundPassword.objects.filter(user=user).only("set_at", "failed_attempts", "locked_until")
    found = row.first()
    if found is None:
        return {
            "is_set": False,
            "set_at": None,
            "locked_until": None,
            "failed_attempts": 0,
            "tries_left": settings.FUND_PASSWORD_MAX_TRIES,
        }
    now = timezone.now()
    locked_until = found.locked_until if found.locked_until and found.locked_until > now else None
    failed = 0 if found.locked_until and found.locked_until <= now else found.failed_attempts
    return {
        "is_set": True,
        "set_at": found.set_at,
        "locked_until": locked_until,
        "failed_attempts": failed,
        "tries_left": max(settings.FUND_PASSWORD_MAX_TRIES - failed, 0),
    }


def fund_password_reset_usable(*, user: User, token: str) -> bool:
    """Whether `token` is a pending, unexpired fund password reset link of `user`."""
    import hashlib

    from ..models import FundPasswordReset

    digest = hashlib.sha256((token or "").encode()).hexdigest()
    return FundPasswordReset.objects.filter(
        user=user, token_hash=digest, used_at__isnull=True, expires_at__gt=timezone.now()
    ).exists()
