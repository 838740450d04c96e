"""Reads of the public profile and of blocks (accounts/services/profiles.py writes them)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from ..models import Block, User
from .figures import trade_figures


def is_blocked_between(*, user: User, other: User) -> bool:
    """True when either has blocked the other: they do not trade together."""
    return Block.objects.filter(
        Q(blocker=user, blocked=other) | Q(blocker=other, blocked=user)
    ).exists()


def user_by_nickname(*, nickname: str) -> User | None:
    """The active user with this nickname, whatever its case."""
    if not nickname:
        return None
    return User.objects.filter(nickname__iexact=nickname, is_active=True).first()


def public_stats(*, user: User) -> dict[str, object | None]:
    """Trade statistics shown on the public profile, from the daily trade figures the orders
    app writes: completed orders and completion rate over 30 days, and the share of positive
    feedback over all time with its counts. Rates are percentages, None with nothing to rate."""
    recent = trade_figures(user=user, days=30)
    ever = trade_figures(user=user, days=None)
    return {
        "completed_orders_30d": recent.completed,
        "completion_rate": recent.completion_rate,
        "positive_feedback": ever.positive_rate,
        "positive_count": ever.positive,
        "negative_count": ever.negative,
        "has_traded": ever.orders > 0,
    }


def nickname_next_change_at(*, user: User) -> datetime | None:
    """When the nickname may next change; None when it may change now (or was never set)."""
    if not user.nickname or user.nickname_changed_at is None:
        return None
    next_change = user.nickname_changed_at + timedelta(days=settings.NICKNAME_CHANGE_DAYS)
    return next_change if next_change > timezone.now() else None


def blocks_made(*, user: User) -> QuerySet[Block]:
    """The people `user` has blocked, newest first."""
    return Block.objects.filter(blocker=user).select_related("blocked").order_by("-created_at")


def block_made(*, user: User, pk: int) -> Block | None:
    """One of `user`'s own blocks, or None."""
    return blocks_made(user=user).filter(pk=pk).first()


def has_blocked(*, user: User, other: User) -> bool:
    """Whether `user` (not the other way round) blocked `other`."""
    return Block.objects.filter(blocker=user, blocked=other).exists()
