"""The disputes one person took part in, for the console's user page."""

from __future__ import annotations

from django.db.models import Q

from accounts.models import User

from ..models import Dispute


def disputes_involving(*, user: User, limit: int = 10) -> list[Dispute]:
    """Disputes `user` opened or answered, newest first."""
    return list(
        Dispute.objects.filter(Q(opened_by=user) | Q(respondent=user))
        .select_related("order", "assigned_to")
        .order_by("-pk")[:limit]
    )
