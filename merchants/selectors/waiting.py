"""Merchant applications waiting for review, for the staff home page."""

from __future__ import annotations

from core.waiting import Waiting, waiting

from ..models import ApplicationStatus, MerchantApplication


def applications_waiting() -> Waiting:
    return waiting(
        MerchantApplication.objects.filter(status=ApplicationStatus.PENDING), "submitted_at"
    )
