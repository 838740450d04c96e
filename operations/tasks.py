"""Beat jobs of the operations app: thin, each calls a service."""

from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True)
def announcements_notify_due() -> int:
    from .announcements.selectors import due_for_notification
    from .announcements.services import announcement_notify

    return sum(announcement_notify(announcement_id=row.pk) for row in due_for_notification())


@shared_task(ignore_result=True)
def analytics_rollup_recent() -> int:
    from .analytics.rollup import rollup_recent

    return rollup_recent()


@shared_task(ignore_result=True)
def analytics_rollup_month() -> int:
    from .analytics.rollup import RECOMPUTE_DAYS, rollup_recent

    return rollup_recent(days=RECOMPUTE_DAYS)
