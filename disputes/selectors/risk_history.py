"""Dispute history as the staff console's periodic scans read it: disputes opened against each
person over a window, and what became of one person's disputes. Read only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q

from ..models import Dispute, DisputeStatus, Outcome


def disputes_against_counts_since(*, since: datetime) -> dict[int, int]:
    """Per person: the disputes the other party opened against them since `since`."""
    rows = (
        Dispute.objects.filter(created_at__gte=since)
        .values("respondent_id")
        .annotate(n=Count("id"))
        .values_list("respondent_id", "n")
    )
    return dict(rows)


@dataclass(frozen=True)
class PartyDisputeHistory:
    against: int = 0  # opened against them by the other party
    decided: int = 0  # decided by staff (release or refund), whoever opened it
    lost: int = 0  # decided against them


def party_dispute_history(*, user_id: int, since: datetime) -> PartyDisputeHistory:
    """Disputes opened since `since` on orders in which `user_id` is a party. A decision to
    release goes against the seller, a refund against the buyer."""
    rows = Dispute.objects.filter(
        Q(opened_by_id=user_id) | Q(respondent_id=user_id), created_at__gte=since
    ).values_list("respondent_id", "status", "outcome", "order__seller_id")
    against = decided = lost = 0
    for respondent_id, status, outcome, seller_id in rows:
        if respondent_id == user_id:
            against += 1
        if status != DisputeStatus.RESOLVED or outcome not in (Outcome.RELEASE, Outcome.REFUND):
            continue
        decided += 1
        is_seller = seller_id == user_id
        if (outcome == Outcome.RELEASE) == is_seller:
            lost += 1
    return PartyDisputeHistory(against=against, decided=decided, lost=lost)
