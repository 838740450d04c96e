"""Background work of the accounts app: emails behind notifications."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

from .models import Notification


@shared_task(ignore_result=True, acks_late=True)
def send_notification_email(notification_id: int) -> bool:
    """Email one notice to its user (a worker runs it after the commit)."""
    notice = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notice is None or not notice.user.email or not notice.user.is_active:
        return False
    link = f"\n\n{settings.SITE_URL.rstrip('/')}{notice.url}" if notice.url else ""
    send_mail(
        subject=notice.title,
        message=f"{notice.body}{link}".strip() or notice.title,
        from_email=None,
        recipient_list=[notice.user.email],
    )
    return True
