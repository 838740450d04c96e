"""Order timeouts and reminders: a task at each deadline, and sweeps every ~30 s that catch
any missed one. Each calls an idempotent service that re-checks the state in the database."""

from __future__ import annotations

from celery import shared_task

from . import services
from .services import reminders


@shared_task(ignore_result=True, acks_late=True)
def expire_order(public_id: str) -> bool:
    return services.order_expire(public_id=public_id)


@shared_task(ignore_result=True)
def sweep_expired_orders() -> int:
    return services.expire_overdue_orders()


@shared_task(ignore_result=True)
def send_order_reminders() -> int:
    return reminders.send_due_reminders()


@shared_task(ignore_result=True)
def complete_resignations() -> int:
    """Hourly: return collateral to resigning merchants with no open ad or order whose cooling
    period has passed. Returns how many ended."""
    return services.complete_due_resignations()
