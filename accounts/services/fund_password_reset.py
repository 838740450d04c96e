"""Resetting a forgotten fund password by a link mailed to the account's address."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper
from django.db.models.functions import Now
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from core.config import config_value
from core.i18n import speaking_to
from core.locks import LockKind, lock_one
from core.mail import send_after_commit

from ..models import FundPassword, FundPasswordAttempt, FundPasswordReset, User
from ..models.security import SecurityEventKind
from .fund_password_attempts import (
    _locked_row,
    _record_attempt,
    _totp_ok,
    _tries,
    totp_authenticator,
)
from .fund_password_rules import (
    FundPasswordError,
    FundPasswordNotSet,
    ResetLinkInvalid,
    ResetTooSoon,
    TwoFactorRequired,
    WrongTwoFactorCode,
    _hash,
    check_rules,
)
from .security import record_event

RESET_RESEND_SECONDS = 60


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def fund_password_reset_request(*, actor: User, request: HttpRequest) -> FundPasswordReset:
    """Mail a one-time link (valid FUND_PASSWORD_RESET_HOURS) to the account's address. Only the
    SHA-256 of the token is stored; an earlier pending link stops working."""
    hours = settings.FUND_PASSWORD_RESET_HOURS
    with transaction.atomic(durable=True):
        row, now = _locked_row(actor)
        if row is None:
            raise FundPasswordNotSet(_("You have no fund password yet; set one instead."))
        recent = FundPasswordReset.objects.filter(
            user=actor, created_at__gt=now - timedelta(seconds=RESET_RESEND_SECONDS)
        )
        if recent.exists():
            raise ResetTooSoon(
                _(
                    "A reset link was sent less than a minute ago; check your inbox (and spam "
                    "folder)."
                )
            )
        FundPasswordReset.objects.filter(
            user=actor, used_at__isnull=True, expires_at__gt=now
        ).update(expires_at=now)
        token = secrets.token_urlsafe(32)
        reset = FundPasswordReset.objects.create(
            user=actor,
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
            partial(_send_reset_mail, email=actor.email, link=link, hours=hours, user=actor)
        )
    return reset


def _send_reset_mail(*, email: str, link: str, hours: int, user: User) -> None:
    context: dict[str, Any] = {
        "user": user,
        "link": link,
        "hours": hours,
        "cooldown_hours": config_value("SECURITY_COOLDOWN_HOURS"),
    }
    with speaking_to(user):
        subject = render_to_string("accounts/fund_password/email/reset_subject.txt", context)
        message = render_to_string("accounts/fund_password/email/reset_message.txt", context)
    send_after_commit(subject=subject, body=message, to=[email])


def fund_password_reset_confirm(
    *,
    actor: User,
    token: str,
    new: str,
    totp_code: str | None = None,
    request: HttpRequest | None = None,
) -> FundPassword:
    """Set a new fund password from a mailed link: the token must be this user's, unused and
    unexpired; with TOTP on, a valid code is required (MAX_TRIES wrong codes spend the link).
    Clears any lock, marks the link used and records FUND_PASSWORD_RESET, which starts the
    security cool-down (no selling, no withdrawals)."""
    check_rules(user=actor, raw=new)
    authenticator = totp_authenticator(user=actor)
    if authenticator is not None and not (totp_code or "").strip():
        raise TwoFactorRequired(
            _(
                "Two-factor authentication is on: enter the 6-digit code from your "
                "authenticator app."
            )
        )
    encoded = _hash(new)
    refusal: FundPasswordError | None = None
    with transaction.atomic(durable=True):
        row, now = _locked_row(actor)
        reset = lock_one(
            LockKind.USER_RECORD,
            FundPasswordReset.objects.filter(user=actor, token_hash=token_hash(token or "")),
        )
        if reset is None or reset.used_at is not None or reset.expires_at <= now:
            raise ResetLinkInvalid(
                _(
                    "This reset link is not valid: it was used, has expired, was replaced by a "
                    "newer one, or belongs to another account. Request a new one."
                )
            )
        if authenticator is not None and not _totp_ok(authenticator, totp_code or ""):
            _record_attempt(user=actor, success=False, purpose="reset", request=request)
            wrong = FundPasswordAttempt.objects.filter(
                user=actor, purpose="reset", success=False, at__gte=reset.created_at
            ).count()
            if wrong >= settings.FUND_PASSWORD_MAX_TRIES:
                reset.expires_at = now
                reset.save(update_fields=["expires_at"])
                refusal = WrongTwoFactorCode(
                    _(
                        "Wrong two-factor code. Too many wrong codes: this link no longer works; "
                        "request a new one."
                    )
                )
            else:
                left = settings.FUND_PASSWORD_MAX_TRIES - wrong
                refusal = WrongTwoFactorCode(
                    _("Wrong or already used two-factor code; %(tries)s for this link.")
                    % {"tries": _tries(left)}
                )
        else:
            if authenticator is not None:
                _record_attempt(user=actor, success=True, purpose="reset", request=request)
            if row is None:
                row = FundPassword(user=actor)
            row.password_hash, row.set_at = encoded, now
            row.failed_attempts, row.locked_until = 0, None
            row.save()
            reset.used_at = now
            reset.save(update_fields=["used_at"])
            record_event(user=actor, kind=SecurityEventKind.FUND_PASSWORD_RESET, request=request)
    if refusal is not None:
        raise refusal
    assert row is not None
    return row
