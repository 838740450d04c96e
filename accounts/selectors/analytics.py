"""Accounts' part of the daily figures and of the staff queues: people joining, identity checks
submitted and approved, checks waiting for review."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q

from core.clock import utc_day_bounds
from core.waiting import Waiting, waiting

from ..models import User
from ..models.kyc import KycStatus, KycSubmission


def accounts_day_figures(*, day: date) -> dict[str, int]:
    start, end = utc_day_bounds(day)
    kyc = KycSubmission.objects.aggregate(
        submitted=Count("pk", filter=Q(submitted_at__gte=start, submitted_at__lt=end)),
        approved=Count(
            "pk",
            filter=Q(status=KycStatus.APPROVED, reviewed_at__gte=start, reviewed_at__lt=end),
        ),
    )
    return {
        "new_users": User.objects.filter(date_joined__gte=start, date_joined__lt=end).count(),
        "kyc_submitted": kyc["submitted"],
        "kyc_approved": kyc["approved"],
    }


def kyc_waiting() -> Waiting:
    return waiting(KycSubmission.objects.filter(status=KycStatus.PENDING), "submitted_at")
