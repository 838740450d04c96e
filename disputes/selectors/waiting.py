"""The dispute queue for the staff home page and the dashboard: open disputes, the unclaimed
ones, and how long the oldest has waited."""

from __future__ import annotations

from core.waiting import Waiting, waiting

from ..models import Dispute, DisputeStatus


def disputes_waiting() -> Waiting:
    return waiting(Dispute.objects.filter(status=DisputeStatus.OPEN), "created_at")


def disputes_unclaimed() -> Waiting:
    return waiting(
        Dispute.objects.filter(status=DisputeStatus.OPEN, assigned_to__isnull=True), "created_at"
    )
