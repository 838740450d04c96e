"""The kernel's background work: sending mail."""

from __future__ import annotations

import smtplib
from typing import Any

from celery import shared_task

from .mail import OutgoingMail


@shared_task(
    ignore_result=True,
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def send_email(payload: dict[str, Any]) -> int:
    """Send one queued message; a mail server that is down is retried with back-off."""
    return OutgoingMail(**payload).as_message().send()
