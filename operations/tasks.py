"""Beat jobs of the operations app: thin, each calls a service."""

from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True)
def announcements_notify_due() -> int:
    from .announcements.selectors import due_for_notification
    from .announcements.services import announcement_notify

    return sum(announcement_notify(announcement_id=row.pk) for row in due_for_notification())
