"""The fund password: the second secret that releases crypto and withdraws.

Every write about it lives here. The rules:

- Stored with Argon2 always (the hasher is used directly, so it does not depend on
  ``PASSWORD_HASHERS``, which the tests set to MD5 for login passwords).
- 8-64 characters, not the login password, not one character repeated, not only digits unless
  at least 10 long.
- ``settings.FUND_PASSWORD_MAX_TRIES`` wrong tries in a row lock it for
  ``settings.FUND_PASSWORD_LOCK_MINUTES``; a right try resets the count; once a lock has passed
  the count starts again from zero. Every try is written to ``FundPasswordAttempt``.
- When the user has a TOTP authenticator (allauth.mfa), a valid, not yet used code is required
  too; a wrong code counts as a wrong try.
- Deadlines are compared with the database clock (``Now()`` = PostgreSQL's statement time).
- Row locks: the ``FundPassword`` row first, then any ``FundPasswordReset`` row.

**Transactions.** A wrong try must be remembered even though the call refuses. So the services
that check a secret (verify, change, reset confirm) open ``transaction.atomic(durable=True)``,
write the attempt and the counter, let that transaction COMMIT, and only then raise. Callers
must therefore call ``fund_password_verify`` BEFORE opening their own transaction (e.g. verify,
then ``order_release`` in its own atomic block); calling it inside ``atomic()`` raises
``RuntimeError`` at once instead of silently rolling the failed try back.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.db import IntegrityError, connection, transaction
from django.db.models import DateTimeField, ExpressionWrapper
from django.db.models.functions import Now
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from core.errors import DomainError
from core.locks import LockKind, lock_one
from core.mail import send_after_commit

from ..models import FundPassword, FundPasswordAttempt, FundPasswordReset, User
from ..models.security import SecurityEventKind
from .security import client_ip, record_event

if TYPE_CHECKING:
    from allauth.mfa.models import Authenticator

MIN_LENGTH = 8
MAX_LENGTH = 64
DIGITS_ONLY_MIN_LENGTH = 10
RESET_RESEND_SECONDS = 60
RULES_TEXT = (
    f"{MIN_LENGTH} to {MAX_LENGTH} characters, different from your login password, not one "
    f"character repeated, and not only digits unless it is at least {DIGITS_ONLY_MIN_LENGTH} long."
)

_HASHER = Argon2PasswordHasher()


class FundPasswordError(DomainError):
    code = "fund_password"


class FundPasswordNotSet(FundPasswordError):
    code = "fund_password_not_set"


class FundPasswordAlreadySet(FundPasswordError):
    code = "fund_password_already_set"


class FundPasswordRuleError(FundPasswordError):
    """The new fund password breaks a rule (see RULES_TEXT)."""

    code = "fund_password_rule"


class FundPasswordLocked(FundPasswordError):
    code = "fund_password_locked"


class WrongFundPassword(FundPasswordError):
    code = "fund_password_wrong"


class TwoFactorRequired(FundPasswordError):
    code = "fund_password_2fa_required"


class WrongTwoFactorCode(FundPasswordError):
    code = "fund_password_2fa_wrong"


class ResetLinkInvalid(FundPasswordError):
    code = "fund_password_reset_invalid"


class ResetTooSoon(FundPasswordError):
    code = "fund_password_reset_too_soon"


class NotStaff(FundPasswordError):
    code = "not_staff"


# --- helpers ------------------------------------------------------------------------------------


def _hash(raw: str) -> str:
    return make_password(raw, hasher=_HASHER)


def _matches(raw: str, encoded: str) -> bool:
    # django.contrib.auth.hashers.check_password() identifies the hasher from PASSWORD_HASHERS
    # and quietly answers False for an algorithm not listed there, so ask Argon2 directly.
    if not raw or not encoded.startswith(f"{_HASHER.algorithm}$"):
        return False
    return _HASHER.verify(raw, encoded)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _tries(n: int) -> str:
    return f"{n} try left" if n == 1 else f"{n} tries left"


def unlock_time_text(locked_until: datetime) -> str:
    """HH:MM UTC, rounded up to the minute so "after" is never early."""
    at = locked_until.astimezone(UTC)
    if at.second or at.microsecond:
        at = at.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return f"{at:%H:%M} UTC"


def _locked_message(locked_until: datetime) -> str:
    return (
        f"Locked after {settings.FUND_PASSWORD_MAX_TRIES} wrong tries; "
        f"try again after {unlock_time_text(locked_until)}."
    )


def check_rules(*, user: User, raw: str) -> None:
    """Raise FundPasswordRuleError when `raw` may not be a fund password."""
    if not isinstance(raw, str) or not MIN_LENGTH <= len(raw) <= MAX_LENGTH:
        raise FundPasswordRuleError(
            f"The fund password must be {MIN_LENGTH} to {MAX_LENGTH} characters long."
        )
    if len(set(raw)) == 1:
        raise FundPasswordRuleError("The fund password may not be one character repeated.")
    if raw.isdigit() and len(raw) < DIGITS_ONLY_MIN_LENGTH:
        raise FundPasswordRuleError(
            f"A fund password of only digits must be at least {DIGITS_ONLY_MIN_LENGTH} long."
        )
    if user.has_usable_password() and user.check_password(raw):
        raise FundPasswordRuleError("The fund password must differ from your login password.")


def _locked_row(user: User) -> tuple[FundPassword | None, datetime]:
    """The user's FundPassword row, locked FOR UPDATE, and the database clock."""
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
        refusal = WrongFundPassword("Wrong fund password")
    elif authenticator is not None and not _totp_ok(authenticator, totp_code or ""):
        refusal = WrongTwoFactorCode("Wrong or already used two-factor code")
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
        return type(refusal)(f"{refusal.message}. {_locked_message(row.locked_until)}")
    row.save(update_fields=["failed_attempts", "locked_until"])
    left = settings.FUND_PASSWORD_MAX_TRIES - row.failed_attempts
    return type(refusal)(f"{refusal.message}; {_tries(left)}.")


def _not_set() -> FundPasswordNotSet:
    return FundPasswordNotSet("Set a fund password first.")


# --- services -----------------------------------------------------------------------------------


def fund_password_set(*, user: User, raw: str, request: HttpRequest | None = None) -> FundPassword:
    """Set the first fund password. Refused when one exists (change or reset it instead)."""
    check_rules(user=user, raw=raw)
    encoded = _hash(raw)
    already = FundPasswordAlreadySet(
        "A fund password is already set; change it instead (or reset it if you forgot it)."
    )
    with transaction.atomic(durable=True):
        if FundPassword.objects.filter(user=user).exists():
            raise already
        try:
            with transaction.atomic(
                savepoint=True
            ):  # two parallel first sets: the one-to-one key picks one
                row = FundPassword.objects.create(
                    user=user, password_hash=encoded, set_at=_db_now(), failed_attempts=0
                )
        except IntegrityError:
            raise already from None
        record_event(user=user, kind=SecurityEventKind.FUND_PASSWORD_SET, request=request)
    return row


def fund_password_change(
    *, user: User, current: str, new: str, request: HttpRequest | None = None
) -> FundPassword:
    """Replace the fund password. `current` is a try like any other: it counts towards the lock,
    and a locked fund password cannot be changed (reset it instead)."""
    check_rules(user=user, raw=new)
    if new == current:
        raise FundPasswordRuleError("The new fund password must differ from the current one.")
    encoded = _hash(new)
    with transaction.atomic(durable=True):
        row, now = _locked_row(user)
        if row is None:
            raise _not_set()
        refusal = _try(
            row=row,
            now=now,
            raw=current,
            totp_code=None,
            authenticator=None,
            purpose="change",
            request=request,
        )
        if refusal is None:
            row.password_hash, row.set_at = encoded, now
            row.failed_attempts, row.locked_until = 0, None
            row.save(update_fields=["password_hash", "set_at", "failed_attempts", "locked_until"])
            record_event(user=user, kind=SecurityEventKind.FUND_PASSWORD_CHANGED, request=request)
    # raised only now, after the failed try has been committed
    if refusal is not None:
        raise refusal
    return row


def fund_password_verify(
    *,
    user: User,
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
    authenticator = totp_authenticator(user=user)
    with transaction.atomic(durable=True):
        row, now = _locked_row(user)
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


def fund_password_reset_request(*, user: User, request: HttpRequest) -> FundPasswordReset:
    """Mail a one-time link (valid FUND_PASSWORD_RESET_HOURS) to the account's address. Only the
    SHA-256 of the token is stored; an earlier pending link stops working."""
    hours = settings.FUND_PASSWORD_RESET_HOURS
    with transaction.atomic(durable=True):
        row, now = _locked_row(user)
        if row is None:
            raise FundPasswordNotSet("You have no fund password yet; set one instead.")
        recent = FundPasswordReset.objects.filter(
            user=user, created_at__gt=now - timedelta(seconds=RESET_RESEND_SECONDS)
        )
        if recent.exists():
            raise ResetTooSoon(
                "A reset link was sent less than a minute ago; check your inbox (and spam folder)."
            )
        FundPasswordReset.objects.filter(
            user=user, used_at__isnull=True, expires_at__gt=now
        ).update(expires_at=now)
        token = secrets.token_urlsafe(32)
        reset = FundPasswordReset.objects.create(
            user=user,
            token_hash=token_hash(token),
            expires_at=ExpressionWrapper(
                Now() + timedelta(hours=hours), output_field=DateTimeField()
            ),
        )
        reset.refresh_from_db(fields=["created_at", "expires_at"])
        link = request.build_absolute_uri(
            reverse("accounts:fund_password_reset_confirm", kwargs={"token": token})
        )
        transaction.on_commit(
            partial(_send_reset_mail, email=user.email, link=link, hours=hours, user=user)
        )
    return reset


def _send_reset_mail(*, email: str, link: str, hours: int, user: User) -> None:
    context: dict[str, Any] = {
        "user": user,
        "link": link,
        "hours": hours,
        "cooldown_hours": settings.SECURITY_COOLDOWN_HOURS,
    }
    subject = render_to_string("accounts/fund_password/email/reset_subject.txt", context)
    message = render_to_string("accounts/fund_password/email/reset_message.txt", context)
    send_after_commit(subject=subject, body=message, to=[email])


def fund_password_reset_confirm(
    *,
    user: User,
    token: str,
    new: str,
    totp_code: str | None = None,
    request: HttpRequest | None = None,
) -> FundPassword:
    """Set a new fund password from a mailed link: the token must be this user's, unused and
    unexpired; with TOTP on, a valid code is required (MAX_TRIES wrong codes spend the link).
    Clears any lock, marks the link used and records FUND_PASSWORD_RESET, which starts the
    security cool-down (no selling, no withdrawals)."""
    check_rules(user=user, raw=new)
    authenticator = totp_authenticator(user=user)
    if authenticator is not None and not (totp_code or "").strip():
        raise TwoFactorRequired(
            "Two-factor authentication is on: enter the 6-digit code from your authenticator app."
        )
    encoded = _hash(new)
    refusal: FundPasswordError | None = None
    with transaction.atomic(durable=True):
        row, now = _locked_row(user)
        reset = lock_one(
            LockKind.USER_RECORD,
            FundPasswordReset.objects.filter(user=user, token_hash=token_hash(token or "")),
        )
        if reset is None or reset.used_at is not None or reset.expires_at <= now:
            raise ResetLinkInvalid(
                "This reset link is not valid: it was used, has expired, was replaced by a newer "
                "one, or belongs to another account. Request a new one."
            )
        if authenticator is not None and not _totp_ok(authenticator, totp_code or ""):
            _record_attempt(user=user, success=False, purpose="reset", request=request)
            wrong = FundPasswordAttempt.objects.filter(
                user=user, purpose="reset", success=False, at__gte=reset.created_at
            ).count()
            if wrong >= settings.FUND_PASSWORD_MAX_TRIES:
                reset.expires_at = now
                reset.save(update_fields=["expires_at"])
                refusal = WrongTwoFactorCode(
                    "Wrong two-factor code. Too many wrong codes: this link no longer works; "
                    "request a new one."
                )
            else:
                left = settings.FUND_PASSWORD_MAX_TRIES - wrong
                refusal = WrongTwoFactorCode(
                    f"Wrong or already used two-factor code; {_tries(left)} for this link."
                )
        else:
            if authenticator is not None:
                _record_attempt(user=user, success=True, purpose="reset", request=request)
            if row is None:
                row = FundPassword(user=user)
            row.password_hash, row.set_at = encoded, now
            row.failed_attempts, row.locked_until = 0, None
            row.save()
            reset.used_at = now
            reset.save(update_fields=["used_at"])
            record_event(user=user, kind=SecurityEventKind.FUND_PASSWORD_RESET, request=request)
    if refusal is not None:
        raise refusal
    assert row is not None
    return row


def fund_password_unlock(*, user: User, staff: User) -> FundPassword:
    """Staff clear a lock (and the count of wrong tries) on `user`'s fund password."""
    if not (staff.is_active and staff.is_staff):
        raise NotStaff("Only staff may unlock a fund password.")
    with transaction.atomic(durable=True):
        row, _ = _locked_row(user)
        if row is None:
            raise _not_set()
        row.failed_attempts, row.locked_until = 0, None
        row.save(update_fields=["failed_attempts", "locked_until"])
    return row
