"""What the withdrawal pages read, each scoped to the one user (staff reads are in the admin)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from accounts.models import User

from ..models import Network, WithdrawalAddress
from ..models.withdrawals import Withdrawal


@dataclass(frozen=True)
class WithdrawChoice:
    """One address the user can pick on the withdrawal form, with its network's figures."""

    entry: WithdrawalAddress
    usable: bool

    @property
    def network(self) -> Network:
        return self.entry.network


def withdraw_choices(*, user: User) -> list[WithdrawChoice]:
    """The user's address book entries on networks open for withdrawals, usable ones first."""
    now = timezone.now()
    entries = (
        WithdrawalAddress.objects.select_related("network__asset")
        .filter(user=user, removed_at__isnull=True, network__asset__enabled=True)
        .order_by("network__asset__symbol", "label")
    )
    choices = [WithdrawChoice(entry, entry.usable_from <= now) for entry in entries]
    return sorted(choices, key=lambda choice: not choice.usable)


def withdrawals_of(*, user: User, limit: int = 10) -> list[Withdrawal]:
    return list(
        Withdrawal.objects.select_related("network__asset")
        .filter(user=user)
        .order_by("-requested_at", "-pk")[:limit]
    )


def withdrawal_for_owner(*, user: User, public_id: str) -> Withdrawal | None:
    """The user's own withdrawal; another's is not found."""
    return (
        Withdrawal.objects.select_related("network__asset", "book_entry")
        .filter(user=user, public_id=public_id)
        .first()
    )
