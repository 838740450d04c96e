"""Other accounts linked to a person by what they share. This first reading links by a login
IP both used successfully within the window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Max
from django.utils import timezone

from ..models import LoginRecord, User


@dataclass(frozen=True)
class Link:
    other_id: int
    other_email: str
    how: str  # what they share: "login_ip"
    value: str  # the shared value itself
    last_seen: datetime


def linked_accounts(*, user: User, days: int = 90) -> list[Link]:
    """Accounts that logged in from an IP `user` logged in from, within `days`; the latest
    sighting first."""
    since = timezone.now() - timedelta(days=days)
    ips = (
        LoginRecord.objects.filter(user=user, success=True, at__gte=since, ip__isnull=False)
        .values_list("ip", flat=True)
        .distinct()
    )
    shared = (
        LoginRecord.objects.filter(ip__in=ips, success=True, at__gte=since, user__isnull=False)
        .exclude(user=user)
        .values("user_id", "user__email", "ip")
        .annotate(last_seen=Max("at"))
        .order_by("-last_seen")
    )
    return [
        Link(
            other_id=row["user_id"],
            other_email=row["user__email"],
            how="login_ip",
            value=str(row["ip"]),
            last_seen=row["last_seen"],
        )
        for row in shared
    ]
