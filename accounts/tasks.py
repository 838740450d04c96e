"""Background work of the accounts app: emails behind notifications."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _

from core.i18n import speaking_to

from .models import Notification


def _site(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def notification_email_text(notice: Notification) -> str:
    """Plain text: the notice, a link to act on it, and where every notice is listed."""
    name = notice.user.nickname or notice.user.email
    parts = [_("Hello %(name)s,") % {"name": name}, notice.body.strip() or notice.title]
    # only a path on this site becomes a link; the list page is the fallback
    if notice.url.startswith("/") and not notice.url.startswith("//"):
        parts.append(_("Open it here:") + "\n" + _site(notice.url))
    parts.append(
        _("All your notifications: %(url)s") % {"url": _site(reverse("accounts:notifications"))}
        + "\n"
        + _(
            "You get this email because of activity on your OTC Exchange account. We never ask "
            "for your password, fund password or 2FA codes by email."
        )
    )
    return "\n\n".join(parts) + "\n"


@shared_task(ignore_result=True, acks_late=True)
def send_notification_email(notification_id: int) -> bool:
    """Email one notice to its user (a worker runs it after the commit)."""
    notice = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notice is None or not notice.user.email or not notice.user.is_active:
        return False
    with speaking_to(notice.user):
        subject = _("OTC Exchange: %(title)s") % {"title": notice.title}
        message = notification_email_text(notice)
    send_mail(subject=subject, message=message, from_email=None, recipient_list=[notice.user.email])
    return True
