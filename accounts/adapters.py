"""allauth hooks: who may log in, how its mail leaves, and encryption of MFA secrets at rest."""

from __future__ import annotations

import base64
import hashlib
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from django.conf import settings
from django.contrib import messages
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.i18n import zone_of
from core.mail import send_message_after_commit

from .models.security import RestrictionKind
from .selectors import active_restriction
from .selectors.restriction_text import moment_text

# The HTML part of allauth's mails that have no HTML template of their own: the plain text,
# with its links made clickable, inside the product's mail layout.
GENERIC_HTML = "account/email/generic_message.html"


@dataclass(frozen=True)
class SiteIdentity:
    """What allauth's mails call `current_site`: the product's name and public address, not
    the host of whichever request (or none, in the worker) caused the mail."""

    name: str
    domain: str
    url: str


def site_identity() -> SiteIdentity:
    url = settings.SITE_URL
    return SiteIdentity(
        name=getattr(settings, "SITE_NAME", "OTC Exchange"), domain=urlsplit(url).netloc, url=url
    )


class AccountAdapter(DefaultAccountAdapter):
    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse | None:
        """A login restriction stops the login with its reason, before a session exists."""
        blocked = active_restriction(user=user, kind=RestrictionKind.LOGIN)
        if blocked is not None:
            if blocked.until:
                text = _("This account may not sign in until %(until)s: %(reason)s") % {
                    "until": moment_text(blocked.until),
                    "reason": blocked.reason,
                }
            else:
                text = _("This account may not sign in: %(reason)s") % {"reason": blocked.reason}
            messages.error(request, text)
            return redirect("account_login")
        return super().pre_login(request, user, **kwargs)

    def format_email_subject(self, subject: str) -> str:
        prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", None)
        if prefix is None:
            prefix = f"[{site_identity().name}] "
        return prefix + str(subject)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Confirmation and security mails go out through the worker, after the commit, in the
        language and time zone of the account they are about (when it chose them)."""
        site = site_identity()
        ctx = {"email": email, "current_site": site, "site_url": site.url, **context}
        user = ctx.get("user")
        with ExitStack() as stack:
            # what the account did not choose stays the request's (the browser's language)
            if getattr(user, "language", ""):
                stack.enter_context(translation.override(user.language))  # type: ignore[union-attr]
            if getattr(user, "time_zone", ""):
                stack.enter_context(timezone.override(zone_of(user)))
            message = self.render_mail(template_prefix, email, ctx)
        send_message_after_commit(message)

    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> EmailMessage:
        """Every mail has a plain-text and an HTML part: allauth's mails without an HTML
        template get the product's layout around their text."""
        context = {"current_site": site_identity(), **context}
        message = super().render_mail(template_prefix, email, context, headers)
        if isinstance(message, EmailMultiAlternatives) and not message.alternatives:
            html = render_to_string(
                GENERIC_HTML, {**context, "subject": message.subject, "text": message.body}
            )
            message.attach_alternative(html, "text/html")
        return message


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
