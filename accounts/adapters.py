"""allauth hooks: who may log in, how its mail leaves, and encryption of MFA secrets at rest."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from core.mail import send_message_after_commit

from .models.security import RestrictionKind
from .selectors import active_restriction


class AccountAdapter(DefaultAccountAdapter):
    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse | None:
        """A login restriction stops the login with its reason, before a session exists."""
        blocked = active_restriction(user=user, kind=RestrictionKind.LOGIN)
        if blocked is not None:
            until = f" until {blocked.until:%Y-%m-%d %H:%M} UTC" if blocked.until else ""
            messages.error(request, f"This account may not log in{until}: {blocked.reason}")
            return redirect("account_login")
        return super().pre_login(request, user, **kwargs)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Confirmation and security mails go out through the worker, after the commit."""
        send_message_after_commit(self.render_mail(template_prefix, email, context))


def _fernet() -> Fernet:
    secret = settings.FIELD_ENCRYPTION_KEY or f"mfa-secrets:{settings.SECRET_KEY}"
    key = base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest())
    return Fernet(key)


class MFAAdapter(DefaultMFAAdapter):
    """TOTP seeds are stored encrypted (Fernet, keyed from FIELD_ENCRYPTION_KEY or SECRET_KEY)."""

    def encrypt(self, text: str) -> str:
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return _fernet().decrypt(encrypted_text.encode()).decode()
