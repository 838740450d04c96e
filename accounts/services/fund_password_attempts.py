"""Verifying the fund password, and the limit on wrong tries.

``settings.FUND_PASSWORD_MAX_TRIES`` wrong tries in a row lock it for
``settings.FUND_PASSWORD_LOCK_MINUTES``; a right try resets the count; once a lock has passed the
count starts again from zero. Every try is written to ``FundPasswordAttempt``. When the user has
a TOTP authenticator (allauth.mfa), a valid, not yet used code is required too; a wrong code
counts as a wrong try. Deadlines are compared with the database clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection, transaction
from django.db.models.functions import Now
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.locks import LockKind, lock_one

from ..models import FundPassword, FundPasswordAttempt, User
from ..models.security import SecurityEventKind
from .fund_password_rules import (
    _HASHER,
    FundPasswordError,
    FundPasswordLocked,
    FundPasswordNotSet,
    TwoFactorRequired,
    WrongFundPassword,
    WrongTwoFactorCode,
    _hash,
    _matches,
)
from .security import client_ip, record_event

if TYPE_CHECKING:
    from allauth.mfa.models import Authenticator


def _tries(n: int) -> str:
    return ngettext("%(n)d try left", "%(n)d tries left", n) % {"n": n}


def unlock_time_text(locked_until: datetime) -> str:
    """HH:MM UTC (the viewer's time first when their zone is another), rounded up to the minute
    so "after" is never early."""
    at = locked_until.astimezone(UTC)
    if at.second or at.microsecond:
        at = at.replace(second=0, microsecond=0) + timedelta(minutes=1)
    zone = timezone.get_current_timezone()
    if str(zone) in ("UTC", "Etc/UTC"):
        return _("%(utc)s UTC") % {"utc": f"{at:%H:%M}"}
    return _("%(local)s (%(zone)s), %(utc)s UTC") % {
        "local": f"{at.astimezone(zone):%H:%M}",
        "zone": str(zone),
        "utc": f"{at:%H:%M}",
    }


def _locked_message(locked_until: datetime) -> str:
    return _("Locked after %(tries)d wrong tries; try again after %(at)s.") % {
        "tries": settings.FUND_PASSWORD_MAX_TRIES,
        "at": unlock_time_text(locked_until),
    }


def _locked_row(user: User) -> tuple[FundPassword | None, datetime]:
    """The user's FundPassword row, locked, and the database clock."""
    row = lock_one(
        LockKind.USER_RECORD, FundPassword.objects.annotate(db_now=Now()).filter(user=user)
    )
    if row is None:
        return None, _db_now()
    row.user = user  # the caller's object: no extra query, same instance for events
    return row, row.db_now  # type: ignore[attr-defined]


def _db_now() -> datetime:
    with connection.cursor() as cursor:
        cursor.execute("SELECT STATEMENT_TIMESTAMP()")
        found = cursor.fetchone()
    assert found is not None
    value: datetime = found[0]
    return value


def totp_authenticator(*, user: User) -> Authenticator | None:
    """The user's allauth TOTP authenticator, when two-factor authentication is on."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()


def _record_attempt(
    *, user: User, success: bool, purpose: str, request: HttpRequest | None
) -> FundPasswordAttempt:
    return FundPasswordAttempt.objects.create(
        user=user, success=success, purpose=(purpose or "")[:40], ip=client_ip(request)
    )


def _totp_ok(authenticator: Authenticator, code: str) -> bool:
    from allauth.mfa.totp.internal.auth import TOTP

    # validate_code() also refuses a code already used (kept in the shared cache)
    if TOTP(authenticator).validate_code(code.strip()):
        authenticator.record_usage()
        return True
    return False


def _try(
    *,
    row: FundPassword,
    now: datetime,
    raw: str,
    totp_code: str | None,
    authenticator: Authenticator | None,
    purpose: str,
    request: HttpRequest | None,
) -> FundPasswordError | None:
    """One try at the locked `row`. Writes the attempt and the counter; returns the refusal to
    raise once the caller's transaction has committed, or None on success."""
    user = row.user
    stored = (row.failed_attempts, row.locked_until)
    if row.locked_until is not None and row.locked_until > now:
        _record_attempt(user=user, success=False, purpose=purpose, request=request)
        return FundPasswordLocked(_locked_message(row.locked_until))
    if authenticator is not None and not (totp_code or "").strip():
        # nothing was tried: no attempt is written and the counter is left alone
        return TwoFactorRequired(
            "Two-factor authentication is on: enter the 6-digit code from your authenticator app."
        )
    if row.locked_until is not None:  # a lock that has passed: a fresh set of tries
        row.failed_attempts, row.locked_until = 0, None

    refusal: FundPasswordError | None = None
    if not _matches(raw or "", row.password_hash):
        refusal = WrongFundPassword(_("Wrong fund password"))
    elif authenticator is not None and not _totp_ok(authenticator, totp_code or ""):
        refusal = WrongTwoFactorCode(_("Wrong or already used two-factor code"))
    _record_attempt(user=user, success=refusal is None, purpose=purpose, request=request)

    if refusal is None:
        row.failed_attempts, row.locked_until = 0, None
        fields = ["failed_attempts", "locked_until"] if stored != (0, None) else []
        if _HASHER.must_update(row.password_hash):  # Argon2 parameters were raised since
            row.password_hash = _hash(raw)
            fields.append("password_hash")
        if fields:
            row.save(update_fields=fields)
        return None

    row.failed_attempts += 1
    if row.failed_attempts >= settings.FUND_PASSWORD_MAX_TRIES:
        row.locked_until = now + timedelta(minutes=settings.FUND_PASSWORD_LOCK_MINUTES)
        row.save(update_fields=["failed_attempts", "locked_until"])
        record_event(
            user=user,
            kind=SecurityEventKind.FUND_PASSWORD_LOCKED,
            request=request,
            detail=f"{row.failed_attempts} wrong tries; locked until "
            f"{unlock_time_text(row.locked_until)}",
        )
        return type(refusal)(
            _("%(refusal)s. %(locked)s")
            % {"refusal": refusal.message, "locked": _locked_message(row.locked_until)}
        )
    row.save(update_fields=["failed_attempts", "locked_until"])
    left = settings.FUND_PASSWORD_MAX_TRIES - row.failed_attempts
    return type(refusal)(
        _("%(refusal)s; %(tries)s.") % {"refusal": refusal.message, "tries": _tries(left)}
    )


def _not_set() -> FundPasswordNotSet:
    return FundPasswordNotSet(_("Set a fund password first."))


def fund_password_verify(
    *,
    actor: User,
    raw: str,
    totp_code: str | None = None,
    purpose: str,
    request: HttpRequest | None = None,
) -> None:
    """THE check before releasing crypto or withdrawing. Returns None when right; else raises a
    FundPasswordError (not set / locked / wrong / 2FA code required / wrong 2FA code).

    Call it BEFORE opening your own transaction: it commits the attempt (and the lock) itself
    and raises afterwards; inside ``atomic()`` it raises RuntimeError (durable block).
    """
    authenticator = totp_authenticator(user=actor)
    with transaction.atomic(durable=True):
        row, now = _locked_row(actor)
        if row is None:
            raise _not_set()
        refusal = _try(
            row=row,
            now=now,
            raw=raw,
            totp_code=totp_code,
            authenticator=authenticator,
            purpose=purpose,
            request=request,
        )
    # raised only now, after the attempt and the counter have been committed
    if refusal is not None:
        raise refusal
