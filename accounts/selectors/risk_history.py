"""What the staff console's periodic scans read of a person's security record."""

from __future__ import annotations

from datetime import datetime

from ..models import SecurityEvent
from ..models.security import SecurityEventKind

# changes that hand an account to someone else, or make it harder to take back
SECURITY_CHANGES = (
    SecurityEventKind.PASSWORD_CHANGED,
    SecurityEventKind.PASSWORD_RESET,
    SecurityEventKind.EMAIL_CHANGED,
    SecurityEventKind.MFA_ADDED,
    SecurityEventKind.MFA_REMOVED,
    SecurityEventKind.RECOVERY_CODES_RESET,
    SecurityEventKind.FUND_PASSWORD_CHANGED,
    SecurityEventKind.FUND_PASSWORD_RESET,
)


def security_changes_since(*, user_id: int, since: datetime) -> int:
    return SecurityEvent.objects.filter(
        user_id=user_id, kind__in=SECURITY_CHANGES, at__gte=since
    ).count()
