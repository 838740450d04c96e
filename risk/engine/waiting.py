"""Open alerts, for the staff home page."""

from __future__ import annotations

from core.waiting import Waiting, waiting

from .models import Alert, AlertStatus


def alerts_waiting() -> Waiting:
    return waiting(Alert.objects.filter(status=AlertStatus.OPEN), "created_at")
