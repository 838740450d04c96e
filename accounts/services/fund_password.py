"""The fund password: the second secret that releases crypto and withdraws.

Every write about it lives in this module and its three siblings, whose public names it
re-exports (``from accounts.services.fund_password import X`` reaches them all):

- ``fund_password_rules``: the errors, the hashing and the rules for a new fund password;
- ``fund_password_attempts``: verifying it, and the lock after wrong tries;
- ``fund_password_reset``: the reset by a mailed link.

This module sets, changes and (staff) unlocks it. The rules:

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

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from ..models import FundPassword, User
from ..models.security import SecurityEventKind
from .fund_password_attempts import (
    _db_now,
    _locked_row,
    _not_set,
    _try,
    fund_password_verify,
    totp_authenticator,
    unlock_time_text,
)
from .fund_password_reset import (
    RESET_RESEND_SECONDS,
    fund_password_reset_confirm,
    fund_password_reset_request,
    token_hash,
)
from .fund_password_rules import (
    DIGITS_ONLY_MIN_LENGTH,
    MAX_LENGTH,
    MIN_LENGTH,
    RULES_TEXT,
    FundPasswordAlreadySet,
    FundPasswordError,
    FundPasswordLocked,
    FundPasswordNotSet,
    FundPasswordRuleError,
    NotStaff,
    ResetLinkInvalid,
    ResetTooSoon,
    TwoFactorRequired,
    WrongFundPassword,
    WrongTwoFactorCode,
    _hash,
    check_rules,
)
from .security import record_event

__all__ = [
    "DIGITS_ONLY_MIN_LENGTH",
    "MAX_LENGTH",
    "MIN_LENGTH",
    "RESET_RESEND_SECONDS",
    "RULES_TEXT",
    "FundPasswordAlreadySet",
    "FundPasswordError",
    "FundPasswordLocked",
    "FundPasswordNotSet",
    "FundPasswordRuleError",
    "NotStaff",
    "ResetLinkInvalid",
    "ResetTooSoon",
    "TwoFactorRequired",
    "WrongFundPassword",
    "WrongTwoFactorCode",
    "check_rules",
    "fund_password_change",
    "fund_password_reset_confirm",
    "fund_password_reset_request",
    "fund_password_set",
    "fund_password_unlock",
    "fund_password_verify",
    "token_hash",
    "totp_authenticator",
    "unlock_time_text",
]


def fund_password_set(*, actor: User, raw: str, request: HttpRequest | None = None) -> FundPassword:
    """Set the first fund password. Refused when one exists (change or reset it instead)."""
    check_rules(user=actor, raw=raw)
    encoded = _hash(raw)
    already = FundPasswordAlreadySet(
        _("A fund password is already set; change it instead (or reset it if you forgot it).")
    )
    with transaction.atomic(durable=True):
        if FundPassword.objects.filter(user=actor).exists():
            raise already
        try:
            with transaction.atomic(
                savepoint=True
            ):  # two parallel first sets: the one-to-one key picks one
                row = FundPassword.objects.create(
                    user=actor, password_hash=encoded, set_at=_db_now(), failed_attempts=0
                )
        except IntegrityError:
            raise already from None
        record_event(user=actor, kind=SecurityEventKind.FUND_PASSWORD_SET, request=request)
    return row


def fund_password_change(
    *, actor: User, current: str, new: str, request: HttpRequest | None = None
) -> FundPassword:
    """Replace the fund password. `current` is a try like any other: it counts towards the lock,
    and a locked fund password cannot be changed (reset it instead)."""
    check_rules(user=actor, raw=new)
    if new == current:
        raise FundPasswordRuleError(_("The new fund password must differ from the current one."))
    encoded = _hash(new)
    with transaction.atomic(durable=True):
        row, now = _locked_row(actor)
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
            record_event(user=actor, kind=SecurityEventKind.FUND_PASSWORD_CHANGED, request=request)
    # raised only now, after the failed try has been committed
    if refusal is not None:
        raise refusal
    return row


def fund_password_unlock(*, user: User, actor: User) -> FundPassword:
    """Staff clear a lock (and the count of wrong tries) on `user`'s fund password."""
    if not (actor.is_active and actor.is_staff):
        raise NotStaff(_("Only staff may unlock a fund password."))
    with transaction.atomic(durable=True):
        row, _now = _locked_row(user)
        if row is None:
            raise _not_set()
        row.failed_attempts, row.locked_until = 0, None
        row.save(update_fields=["failed_attempts", "locked_until"])
    return row
