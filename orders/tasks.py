"""Order timeouts: a task at each deadline, and a sweep every ~30 s that catches any missed
one. Both call the same idempotent service, which re-checks the state under the row lock."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(ignore_result=True, acks_late=True)
def expire_order(public_id: str) -> bool:
    return services.order_expire(public_id=public_id)


@shared_task(ignore_result=True)
def sweep_expired_orders() -> int:
    return services.expire_overdue_orders()
