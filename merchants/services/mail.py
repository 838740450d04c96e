"""Mail to applicants and merchants, sent by the worker after commit."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import User
from core.i18n import speaking_to
from core.mail import send_after_commit


def _site_url() -> str:
    return str(getattr(settings, "SITE_URL", "") or "http://localhost:8000").rstrip("/")


def _mail(user: User, kind: str, context: dict[str, Any]) -> None:
    """Tell `user` by email; the templates are merchants/email/<kind>_{subject,message}.txt."""
    center, apply = reverse("merchants:center"), reverse("merchants:apply")
    context = {
        **context,
        "user": user,
        "center_url": _site_url() + center,
        "apply_url": _site_url() + apply,
    }
    # written in the recipient's language, whoever's request or task sends it
    with speaking_to(user):
        subject = render_to_string(f"merchants/email/{kind}_subject.txt", context).strip()
        body = render_to_string(f"merchants/email/{kind}_message.txt", context)
    send_after_commit(subject=subject, body=body, to=[user.email])
