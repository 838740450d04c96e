"""Reads other apps need about a user: restrictions, KYC level, blocks, payment methods."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Block, Restriction, User
from .models.kyc import KycLevel, KycStatus, KycSubmission


def active_restrictions(*, user: User) -> QuerySet[Restriction]:
    now = timezone.now()
    return Restriction.objects.filter(
        Q(until__isnull=True) | Q(until__gt=now),
        user=user,
        lifted_at__isnull=True,
        starts_at__lte=now,
    ).order_by("until")


def active_restriction(*, user: User, kind: str) -> Restriction | None:
    """The restriction of `kind` that blocks `user` longest, if any. A TRADE restriction also
    blocks selling, since a sell order is an order."""
    kinds = [kind, "trade"] if kind == "sell" else [kind]
    found = list(active_restrictions(user=user).filter(kind__in=kinds))
    if not found:
        return None
    indefinite = [r for r in found if r.until is None]
    return indefinite[0] if indefinite else max(found, key=lambda r: r.until or timezone.now())


def kyc_level(*, user: User) -> int:
    """The highest approved level; level 0 once the email is verified (required to log in)."""
    approved = (
        KycSubmission.objects.filter(user=user, status=KycStatus.APPROVED)
        .order_by("-level")
        .values_list("level", flat=True)
        .first()
    )
    return int(approved) if approved is not None else int(KycLevel.EMAIL)


def kyc_legal_name(*, user: User) -> str | None:
    """The legal name from the approved identity check (level 1), if there is one."""
    return (
        KycSubmission.objects.filter(user=user, status=KycStatus.APPROVED, level=KycLevel.IDENTITY)
        .order_by("-reviewed_at")
        .values_list("legal_name", flat=True)
        .first()
    )


def is_blocked_between(*, user: User, other: User) -> bool:
    """True when either has blocked the other: they do not trade together."""
    return Block.objects.filter(
        Q(blocker=user, blocked=other) | Q(blocker=other, blocked=user)
    ).exists()
