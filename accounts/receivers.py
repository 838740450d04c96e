"""allauth and Django signals -> the one service each stands for. Nothing else happens here."""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from .models import User
from .models.security import SecurityEventKind
from .services.activity import close_session_sockets, close_user_sockets
from .services.preferences import remember_language
from .services.security import record_event, record_login


@receiver(account_signals.user_logged_in)
def _logged_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    record_login(request=request, user=user, email=user.email, success=True)
    response = kwargs.get("response")
    if user.language and response is not None:  # this browser now speaks the account's language
        remember_language(response, user.language)


@receiver(auth_signals.user_logged_out)
def _logged_out(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    close_session_sockets(session_key=getattr(session, "session_key", None))


@receiver(auth_signals.user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any) -> None:
    email = str(credentials.get("email") or credentials.get("username") or "")
    user = User.objects.filter(email__iexact=email).first() if email else None
    record_login(request=request, user=user, email=email, success=False)


@receiver(account_signals.password_changed)
def _password_changed(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    record_event(user=user, kind=SecurityEventKind.PASSWORD_CHANGED, request=request)
    close_user_sockets(user=user, reason="password_changed")


@receiver(account_signals.password_reset)
def _password_reset(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    record_event(user=user, kind=SecurityEventKind.PASSWORD_RESET, request=request)
    close_user_sockets(user=user, reason="password_reset")


@receiver(account_signals.email_changed)
def _email_changed(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    to = kwargs.get("to_email_address")
    record_event(
        user=user,
        kind=SecurityEventKind.EMAIL_CHANGED,
        request=request,
        detail=f"now {to.email}" if to is not None else "",
    )


@receiver(mfa_signals.authenticator_added)
def _mfa_added(sender: Any, request: Any, user: User, authenticator: Any, **kw: Any) -> None:
    record_event(
        user=user,
        kind=SecurityEventKind.MFA_ADDED,
        request=request,
        detail=authenticator.get_type_display(),
    )


@receiver(mfa_signals.authenticator_removed)
def _mfa_removed(sender: Any, request: Any, user: User, authenticator: Any, **kw: Any) -> None:
    record_event(
        user=user,
        kind=SecurityEventKind.MFA_REMOVED,
        request=request,
        detail=authenticator.get_type_display(),
    )


@receiver(mfa_signals.authenticator_reset)
def _mfa_reset(sender: Any, request: Any, user: User, authenticator: Any, **kw: Any) -> None:
    record_event(user=user, kind=SecurityEventKind.RECOVERY_CODES_RESET, request=request)
